// End-to-end scenarios: the real daemon against real guests, judged only by what the host shows.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "scenario.hpp"

namespace e2e {
namespace {

using std::chrono::seconds;

std::string spreads(const Window& w) {
    char text[96];
    std::snprintf(text, sizeof text, "spread /proc/stat %.1f, vCPU threads %.1f points",
                  Window::spread(w.busy), Window::spread(w.guest));
    return text;
}

TEST_F(Scenario, AllOnOnePcpuSpreadsOut) {
    create_guests({"a:40@0", "b:40@0", "c:40@0", "d:40@0"});
    const Window before = observe(3, "before");
    ASSERT_GT(Window::spread(before.guest), 50) << "precondition: everything on pCPU 0";

    start_daemon();
    const auto at = wait_until_balanced(seconds(20));
    ASSERT_TRUE(at.has_value());

    const int changes = watch_->changes();
    const Window after = measure(10, *watch_);
    EXPECT_TRUE(balanced(after, "settled 10 s")) << "balance did not hold";
    EXPECT_EQ(watch_->changes(), changes) << "pins still changing after balance was reached";
    EXPECT_TRUE(daemon_->running());
    figure("AllOnOnePcpuSpreadsOut", "balanced after " + std::to_string(*at) + " s with " +
                                         std::to_string(changes) + " pin changes; " +
                                         spreads(after));
}

TEST_F(Scenario, HeavyAndLightWithEvenCountsBalance) {
    // Two vCPUs per pCPU, but 130 % against 30 %: counting vCPUs would call this balanced.
    create_guests({"h1:70@0", "h2:60@0", "l1:10@1", "l2:20@1"});
    const Window before = observe(3, "before");
    ASSERT_GT(Window::spread(before.guest), 50);

    start_daemon();
    const auto at = wait_until_balanced(seconds(20));
    ASSERT_TRUE(at.has_value());
    const int changes = watch_->changes();
    const Window after = measure(10, *watch_);
    EXPECT_TRUE(balanced(after, "settled 10 s"));
    EXPECT_EQ(watch_->changes(), changes);
    figure("HeavyAndLightWithEvenCountsBalance", "balanced after " + std::to_string(*at) +
                                                     " s with " + std::to_string(changes) +
                                                     " pin changes; " + spreads(after));
}

TEST_F(Scenario, BalancedHostMakesNoPinChanges) {
    create_guests({"a:50@0", "b:50@1", "c:20@0", "d:20@1"});
    const Window before = observe(3, "before");
    ASSERT_LE(Window::spread(before.guest), kTolerance) << "precondition: already balanced";

    start_daemon();
    const Window during = observe(20, "20 s with the daemon");
    EXPECT_EQ(watch_->changes(), 0) << "the daemon moved vCPUs on a balanced host";
    EXPECT_TRUE(daemon_->running());
    figure("BalancedHostMakesNoPinChanges",
           std::to_string(watch_->changes()) + " pin changes in 20 s; " + spreads(during));
}

TEST_F(Scenario, UnpinnedGuestsGetPinnedAndBalanced) {
    create_guests({"a:50", "b:40", "c:30", "d:20"});
    observe(3, "before");

    start_daemon();
    const auto at = wait_until_balanced(seconds(30));
    ASSERT_TRUE(at.has_value());
    const Window after = measure(kWindow, *watch_);
    ASSERT_EQ(after.pins.size(), 4u);
    for (const auto& [key, cpus] : after.pins) {
        EXPECT_EQ(cpus.count(), 1u) << key.domain << " vcpu " << key.vcpu << " is on "
                                    << cpus.format() << ", not on one pCPU";
    }
    EXPECT_TRUE(balanced(after, "after"));
    figure("UnpinnedGuestsGetPinnedAndBalanced",
           "balanced after " + std::to_string(*at) + " s; " + spreads(after));
}

TEST_F(Scenario, MultiVcpuGuestWithBusyAndIdleVcpu) {
    // m's vCPU 0 burns 60 %, its vCPU 1 idles; pCPU 0 carries 110 %, pCPU 1 10 %.
    create_guests({"m:60,0@0", "n:50@0", "o:10@1"});
    const Window before = observe(3, "before");
    ASSERT_GT(Window::spread(before.guest), 50);
    EXPECT_LT(before.vcpu_load.at({"vst-m", 1}), 5) << "vCPU 1 of m should idle";

    start_daemon();
    const auto at = wait_until_balanced(seconds(20));
    ASSERT_TRUE(at.has_value());
    const int changes = watch_->changes();
    const Window after = measure(10, *watch_);
    EXPECT_TRUE(balanced(after, "settled 10 s"));
    EXPECT_EQ(watch_->changes(), changes);
    figure("MultiVcpuGuestWithBusyAndIdleVcpu",
           "balanced after " + std::to_string(*at) + " s; " + spreads(after));
}

TEST_F(Scenario, GuestStartedAndAnotherDestroyedMidRun) {
    create_guests({"a:40@0", "b:40@0", "c:30@0", "d:30@0"});
    start_daemon();
    ASSERT_TRUE(wait_until_balanced(seconds(20)).has_value());

    guests_.destroy("b");
    create_guests({"e:40@0"});
    const auto at = wait_until_balanced(seconds(30));
    ASSERT_TRUE(at.has_value());
    const Window after = measure(kWindow, *watch_);
    EXPECT_EQ(after.pins.count({"vst-b", 0}), 0u);
    EXPECT_EQ(after.pins.count({"vst-e", 0}), 1u);
    EXPECT_TRUE(balanced(after, "at the end"));
    EXPECT_TRUE(daemon_->running());
    figure("GuestStartedAndAnotherDestroyedMidRun",
           "re-balanced " + std::to_string(*at) + " s after the change; " + spreads(after));
}

TEST_F(Scenario, ReloadReservingAPcpuVacatesItAndReleasingItSpreadsAgain) {
    // What an operator does to keep a pCPU for the host (irqbalance's banned CPUs): edit
    // cpus.reserved and reload. Light guests, so that one pCPU can hold them all.
    create_guests({"a:20@0", "b:20@1", "c:20@0", "d:20@1"});
    start_daemon();
    ASSERT_TRUE(wait_until_balanced(seconds(20)).has_value());

    reload_daemon("cpus:\n  reserved: \"0\"\n");
    const auto only_one = [](const std::map<VcpuKey, vcpusched::CpuSet>& pins) {
        for (const auto& [vcpu, cpus] : pins)
            if (cpus != vcpusched::CpuSet{1})
                return false;
        return pins.size() == 4;
    };
    const auto vacated = wait_for_pins(only_one, seconds(20));
    ASSERT_TRUE(vacated.has_value()) << "vCPUs still on the reserved pCPU 0";
    // It stays vacated: no vCPU returns to pCPU 0 although pCPU 1 now carries everything.
    const int changes = watch_->changes();
    const Window held = observe(8, "pCPU 0 reserved");
    EXPECT_EQ(watch_->changes(), changes) << "pins changed while pCPU 0 was reserved";
    EXPECT_TRUE(only_one(held.pins));

    reload_daemon("");
    const auto at = wait_until_balanced(seconds(20));
    ASSERT_TRUE(at.has_value()) << "pCPU 0 released but not used again";
    EXPECT_TRUE(daemon_->running());
    figure("ReloadReservingAPcpuVacatesItAndReleasingItSpreadsAgain",
           "vacated " + std::to_string(*vacated) + " s after the reload; spread again " +
               std::to_string(*at) + " s after the next");
}

TEST_F(Scenario, SurvivesLibvirtdRestartAndBalancesAfterIt) {
    const char* state = std::getenv("VCPUSCHED_TESTBED_STATE");
    if (!std::ifstream(std::string(state != nullptr ? state : "/run/vcpusched-testbed") +
                       "/libvirtd.pid")) {
        GTEST_SKIP() << "libvirtd was not started by the testbed; not killing someone else's";
    }
    create_guests({"a:40@0", "b:40@1", "c:30@0", "d:30@1"});
    start_daemon();
    observe(kWindow, "before the restart");

    ASSERT_EQ(testbed({"libvirtd", "stop"}), 0);
    std::this_thread::sleep_for(seconds(6));  // the daemon must ride out a real outage
    EXPECT_TRUE(daemon_->running()) << "the daemon died with libvirtd";
    ASSERT_EQ(testbed({"libvirtd", "start"}), 0);
    const auto restarted = std::chrono::steady_clock::now();

    // The change after the restart: everything onto pCPU 0.
    guests_.pin("b", 0, "0");
    guests_.pin("d", 0, "0");
    const auto at = wait_until_balanced(seconds(45));
    ASSERT_TRUE(at.has_value());
    EXPECT_TRUE(daemon_->running());
    figure("SurvivesLibvirtdRestartAndBalancesAfterIt",
           "balanced " +
               std::to_string(
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - restarted)
                       .count()) +
               " s after libvirtd answered again");
}

TEST_F(Scenario, DryRunMakesNoPinChanges) {
    create_guests({"a:40@0", "b:40@0", "c:40@0"});
    start_daemon({"--dry-run"});
    const Window during = observe(16, "16 s of --dry-run");
    EXPECT_GT(Window::spread(during.guest), 50) << "still everything on pCPU 0";
    EXPECT_EQ(watch_->changes(), 0) << "--dry-run pinned";
    EXPECT_TRUE(daemon_->running());
    // Not a judgement of the balancing, only that the plan was there to see.
    EXPECT_NE(daemon_->log().find("vst-"), std::string::npos) << "no plan for the guests logged";
    figure("DryRunMakesNoPinChanges", std::to_string(watch_->changes()) + " pin changes in 16 s");
}

}  // namespace
}  // namespace e2e
