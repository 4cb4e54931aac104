// Service: the loop on fake time — notify sequence, period without drift, reconnect, reload.
#include "service.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace vcpusched::daemon {
namespace {

using namespace fakes;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ServiceTest : public ::testing::Test {
  protected:
    ServiceTest() { config.connect = "test:///default"; }

    int run(std::optional<nanoseconds> watchdog = std::nullopt) {
        Service service(config, ServiceParts{time, time, notifier, balancer, log,
                                             [this] { return next_reload; }, watchdog});
        return service.run();
    }
    std::vector<nanoseconds> since_start(std::vector<nanoseconds> times) {
        for (auto& t : times)
            t -= start;
        return times;
    }

    FakeTime time;
    const nanoseconds start = time.now();
    RecordingNotifier notifier{time};
    RecordingJournal journal;
    Logger log{LogLevel::Debug, &journal, time};
    FakeBalancer balancer{time};
    Config config;
    ConfigLoad next_reload;
};

TEST_F(ServiceTest, ReadyThenStatusAndWatchdogAfterEveryCycle) {
    time.end = start + 5s;
    EXPECT_EQ(run(10s), 0);
    // Cycles at 0, 2, 4 s: each followed by STATUS then WATCHDOG.
    ASSERT_EQ(balancer.run_times.size(), 3u);
    auto states = notifier.states();
    ASSERT_GE(states.size(), 9u);
    EXPECT_EQ(states[0], "READY=1");
    EXPECT_EQ(states[1], "STATUS=waiting for libvirt at test:///default");
    EXPECT_THAT(states[2], HasSubstr("STATUS=0 domains, 0 vCPUs on 0 pCPUs"));
    EXPECT_EQ(states[3], "WATCHDOG=1");
    EXPECT_THAT(states[4], HasSubstr("STATUS="));
    EXPECT_EQ(states[5], "WATCHDOG=1");
    EXPECT_EQ(states.back(), "STOPPING=1");
    EXPECT_EQ(notifier.times_of("WATCHDOG=1").size(), 3u);
}

TEST_F(ServiceTest, SlowCyclesDoNotShiftThePeriod) {
    balancer.cycle_time = [](std::size_t) { return 700ms; };
    time.end = start + 9s;
    run();
    EXPECT_THAT(since_start(balancer.run_times), ElementsAre(0s, 2s, 4s, 6s, 8s));
}

TEST_F(ServiceTest, MissedPeriodsAreSkippedNotBunched) {
    // The second cycle hangs for 5 s: the periods at 4 and 6 s are lost, the next is at 8 s.
    balancer.cycle_time = [](std::size_t i) {
        return i == 1 ? nanoseconds(5s) : nanoseconds(10ms);
    };
    time.end = start + 11s;
    run();
    EXPECT_THAT(since_start(balancer.run_times), ElementsAre(0s, 2s, 8s, 10s));
}

TEST_F(ServiceTest, UnreachableLibvirtIsRetriedWithDoublingBackoffAndLoggedOnce) {
    balancer.connect_outcomes = {false, false, false, false, false, false, false, false, true};
    time.end = start + 200s;
    run();
    // 1, 2, 4, 8, 16, 30, 30, 30 s apart, then connected.
    EXPECT_THAT(since_start(balancer.connect_times),
                ElementsAre(0s, 1s, 3s, 7s, 15s, 31s, 61s, 91s, 121s));
    EXPECT_EQ(journal.count_containing("cannot reach libvirt at test:///default"), 1u);
    EXPECT_EQ(journal.count_containing("reconnected to libvirt at test:///default"), 1u);
    EXPECT_EQ(balancer.run_times.front() - start, 121s);
    EXPECT_THAT(notifier.states(), Contains("STATUS=waiting for libvirt at test:///default"));
}

TEST_F(ServiceTest, LostConnectionReconnectsAfterOneSecondAndResumes) {
    balancer.lose_at_run = 2;
    time.end = start + 8s;
    run();
    EXPECT_EQ(journal.count_containing("lost libvirt at test:///default"), 1u);
    EXPECT_EQ(balancer.connect_times.size(), 2u);
    EXPECT_EQ(balancer.connect_times[1] - start, 4s + 10ms + 1s);
    // A reconnect starts a fresh baseline at once, then the period resumes from there.
    EXPECT_EQ(balancer.run_times[3], balancer.connect_times[1]);
    EXPECT_EQ(balancer.run_times[4], balancer.connect_times[1] + 2s);
}

TEST_F(ServiceTest, WatchdogIsFedAtHalfItsTimeoutWhenThePeriodIsLonger) {
    config.interval = 30;
    time.end = start + 61s;
    run(10s);
    auto pings = since_start(notifier.times_of("WATCHDOG=1"));
    ASSERT_GE(pings.size(), 12u);
    nanoseconds last = 0s;
    for (auto p : pings) {
        EXPECT_LE(p - last, 5s);
        last = p;
    }
}

TEST_F(ServiceTest, ReloadWithAValidConfigSwapsItAndSaysReadyAgain) {
    Config next = config;
    next.interval = 1;
    next.policy.max_moves = 1;
    next_reload.config = next;
    time.signal_at(start + 3s, Wake::Reload);
    time.end = start + 6s;
    run();
    auto states = notifier.states();
    auto reloading =
        std::find(states.begin(), states.end(),
                  "RELOADING=1\nMONOTONIC_USEC=" + std::to_string((start + 3s).count() / 1000));
    ASSERT_NE(reloading, states.end());
    ASSERT_NE(reloading + 1, states.end());
    EXPECT_EQ(*(reloading + 1), "READY=1");
    ASSERT_EQ(balancer.options.size(), 2u);
    EXPECT_EQ(balancer.options.back().policy.max_moves, 1);
    // The new interval counts from the reload: cycles at 0, 2, then 4, 5.
    EXPECT_THAT(since_start(balancer.run_times), ElementsAre(0s, 2s, 4s, 5s));
    EXPECT_EQ(journal.count_containing("configuration reloaded"), 1u);
}

TEST_F(ServiceTest, ReloadWithABrokenConfigKeepsTheOldOneAndLogsEveryError) {
    next_reload.errors = {ConfigError{"c.yaml", 2, 3, "policy.treshold", "unknown key", "x"},
                          ConfigError{"c.yaml", 4, 11, "interval", "-1 is out of range", "y"}};
    time.signal_at(start + 3s, Wake::Reload);
    time.end = start + 7s;
    run();
    EXPECT_EQ(journal.count_containing("c.yaml:2:3: policy.treshold: unknown key (x)"), 1u);
    EXPECT_EQ(journal.count_containing("c.yaml:4:11: interval: -1 is out of range (y)"), 1u);
    EXPECT_EQ(journal.count_containing("keeping the current configuration"), 1u);
    EXPECT_EQ(balancer.options.size(), 1u);
    EXPECT_THAT(since_start(balancer.run_times), ElementsAre(0s, 2s, 4s, 6s));
    auto states = notifier.states();
    auto reloading = std::find_if(states.begin(), states.end(),
                                  [](const auto& s) { return s.rfind("RELOADING=1", 0) == 0; });
    ASSERT_NE(reloading, states.end());
    EXPECT_EQ(*(reloading + 1), "READY=1");
}

TEST_F(ServiceTest, ReloadWithANewUriReconnects) {
    Config next = config;
    next.connect = "qemu:///system";
    next_reload.config = next;
    time.signal_at(start + 3s, Wake::Reload);
    time.end = start + 5s;
    run();
    EXPECT_THAT(balancer.connect_uris, ElementsAre("test:///default", "qemu:///system"));
    EXPECT_EQ(balancer.connect_times[1] - start, 3s);
}

TEST_F(ServiceTest, StopSendsStoppingAndReturnsZero) {
    time.signal_at(start + 1s, Wake::Stop);
    EXPECT_EQ(run(), 0);
    EXPECT_EQ(notifier.states().back(), "STOPPING=1");
    EXPECT_EQ(time.now() - start, 1s);
    EXPECT_FALSE(balancer.connected());
}

TEST_F(ServiceTest, EachPinIsOneLineWithJournalFields) {
    CycleReport r;
    Move m{VcpuRef{"u-1", "web01", 1}, 0, 3, 0.62};
    r.plan.moves = {m};
    r.plan.pcpu_ids = {0, 3};
    r.plan.load_before = {1.41, 0.2};
    r.plan.load_after = {0.79, 0.82};
    r.results = {MoveResult{m, MoveOutcome::Done, ""}};
    balancer.reports = {CycleReport{}, r};
    balancer.reports[0].baseline = true;
    time.end = start + 3s;
    run();
    auto it = std::find_if(journal.entries.begin(), journal.entries.end(), [](const auto& e) {
        return e.message == "web01 vcpu 1: pCPU 0 → 3 (demand 62%, pCPU 0 at 141% → 79%)";
    });
    ASSERT_NE(it, journal.entries.end());
    EXPECT_EQ(it->priority, 6);
    EXPECT_THAT(it->fields, Contains(JournalField{"VCPU_DOMAIN", "web01"}));
    EXPECT_THAT(it->fields, Contains(JournalField{"VCPU_ID", "1"}));
    EXPECT_THAT(it->fields, Contains(JournalField{"VCPU_FROM", "0"}));
    EXPECT_THAT(it->fields, Contains(JournalField{"VCPU_TO", "3"}));
    EXPECT_THAT(it->fields, Contains(JournalField{"VCPU_DEMAND", "62"}));
}

}  // namespace
}  // namespace vcpusched::daemon

namespace vcpusched::daemon {
namespace {

using namespace fakes;

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ServiceMetricsTest, TextfileFollowsCyclesConnectionAndReload) {
    const std::string dir = ::testing::TempDir();
    const std::string first = dir + "/vcpu-first.prom";
    const std::string second = dir + "/vcpu-second.prom";
    std::remove(first.c_str());
    std::remove(second.c_str());
    FakeTime time;
    const auto start = time.now();
    RecordingNotifier notifier{time};
    RecordingJournal journal;
    Logger log{LogLevel::Info, &journal, time};
    FakeBalancer balancer{time};
    balancer.lose_at_run = 2;  // the third cycle finds libvirt gone
    balancer.connect_outcomes = {true, false};
    Config config;
    config.metrics_textfile = first;
    Config next = config;
    next.metrics_textfile = second;
    ConfigLoad reload;
    reload.config = next;
    MetricsTextfile metrics(config.metrics_textfile);
    time.signal_at(start + 5s, Wake::Reload);
    time.end = start + 5500ms;
    Service service(config, ServiceParts{time, time, notifier, balancer, log,
                                         [&] { return reload; }, std::nullopt, &metrics});
    service.run();
    // Two cycles completed, then the connection was lost and not yet back.
    EXPECT_EQ(metrics.counters().cycles, 2u);
    EXPECT_FALSE(metrics.counters().connected);
    EXPECT_NE(slurp(first).find("vcpu_scheduler_libvirt_connected 0"), std::string::npos)
        << slurp(first);
    // The reload moved the file; the next write (the failed reconnect at 5.01 s) goes there.
    EXPECT_EQ(metrics.path(), second);
    EXPECT_NE(slurp(second).find("vcpu_scheduler_cycles_total 2"), std::string::npos)
        << slurp(second);
}

TEST(ServiceMetricsTest, UnwritableTextfileIsLoggedAndBalancingGoesOn) {
    FakeTime time;
    const auto start = time.now();
    RecordingNotifier notifier{time};
    RecordingJournal journal;
    Logger log{LogLevel::Info, &journal, time};
    FakeBalancer balancer{time};
    MetricsTextfile metrics("/nonexistent-dir/vcpu.prom");
    time.end = start + 5s;
    Service service(Config{}, ServiceParts{time, time, notifier, balancer, log,
                                           [] { return ConfigLoad{}; }, std::nullopt, &metrics});
    EXPECT_EQ(service.run(), 0);
    EXPECT_EQ(balancer.run_times.size(), 3u);
    EXPECT_EQ(journal.count_containing("metrics: "), 1u);  // rate-limited, not once per cycle
}

}  // namespace
}  // namespace vcpusched::daemon
