// Cycle under faults: pins that keep failing, vCPUs re-pinned by someone else, domains that
// restart, vanish, are renamed or hot-plugged, and hostile samples.
#include <gtest/gtest.h>

#include <string>

#include "fake_clock.hpp"
#include "fake_host.hpp"
#include "fake_hypervisor.hpp"
#include "recording_log.hpp"
#include "sample_builder.hpp"
#include "vcpusched/cycle.hpp"

namespace vcpusched {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeHost;
using testing::FakeHypervisor;
using testing::RecordingLog;
using testing::SampleBuilder;

CycleOptions options(bool respect_manual_pins = true) {
    CycleOptions o;
    o.policy.smoothing = 0;
    o.policy.cooldown = 0;
    o.respect_manual_pins = respect_manual_pins;
    return o;
}

// A FakeHost whose pins fail with `error` (counting the attempts) while `failing` is set.
class FailingHost : public FakeHost {
  public:
    FailingHost(HypervisorErrorKind kind, std::string message)
        : FakeHost(2, 2s), kind_(kind), message_(std::move(message)) {}
    void pin(const VcpuRef& ref, const CpuSet& cpus) override {
        ++attempts;
        if (failing)
            throw HypervisorError(kind_, "pin " + ref.domain_name + ": " + message_);
        FakeHost::pin(ref, cpus);
    }
    int attempts = 0;
    bool failing = true;

  private:
    HypervisorErrorKind kind_;
    std::string message_;
};

// Two 60 % vCPUs crowded on pCPU 0 of two: the planner wants to move one of them every cycle.
void crowd(FakeHost& host) {
    host.add_vm("a", {0.6, 0.6}, {"0", "0"});
}

int count(const std::vector<MoveResult>& results, MoveOutcome outcome) {
    int n = 0;
    for (const auto& r : results)
        n += r.outcome == outcome ? 1 : 0;
    return n;
}

TEST(CycleFaults, PinThatAlwaysFailsTransientlyIsTriedABoundedNumberOfTimes) {
    FailingHost host(HypervisorErrorKind::Other, "timed out during operation");
    crowd(host);
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, options(), log);
    int given_up = 0;
    for (int i = 0; i < 500; ++i)
        for (const auto& r : cycle.run().results)
            given_up += r.given_up ? 1 : 0;
    // Each of the two vCPUs is tried kMaxTransient times, then left alone: no retry storm.
    EXPECT_EQ(host.attempts, 2 * PinFailures::kMaxTransient);
    EXPECT_EQ(given_up, 2);
}

TEST(CycleFaults, RefusedCpusetIsGivenUpAfterOneAttemptNamingDomainAndVcpu) {
    FailingHost host(HypervisorErrorKind::Other,
                     "Invalid value '1' for 'cpuset.cpus': Invalid argument");
    crowd(host);
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    ASSERT_EQ(r.results.size(), 1U);
    EXPECT_EQ(r.results[0].outcome, MoveOutcome::Failed);
    EXPECT_TRUE(r.results[0].permanent);
    EXPECT_TRUE(r.results[0].given_up);
    EXPECT_NE(r.results[0].message.find("a vcpu"), std::string::npos) << r.results[0].message;
    for (int i = 0; i < 100; ++i)
        cycle.run();
    EXPECT_EQ(host.attempts, 2) << "one attempt per vCPU, then never again";
}

TEST(CycleFaults, TransientFailureIsRetriedNextCycleAndThenSucceeds) {
    FailingHost host(HypervisorErrorKind::Other, "timed out during operation");
    crowd(host);
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, options(), log);
    cycle.run();
    CycleReport failed = cycle.run();
    ASSERT_EQ(count(failed.results, MoveOutcome::Failed), 1);
    EXPECT_FALSE(failed.results[0].given_up);
    host.failing = false;
    CycleReport retried = cycle.run();
    ASSERT_EQ(count(retried.results, MoveOutcome::Done), 1);
    EXPECT_EQ(host.true_loads(), (std::vector<double>{0.6, 0.6}));
}

TEST(CycleFaults, GivenUpVcpuIsTriedAgainAfterItsDomainRestarts) {
    FailingHost host(HypervisorErrorKind::Other, "cpu 1 not allowed");
    crowd(host);
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, options(), log);
    for (int i = 0; i < 10; ++i)
        cycle.run();
    ASSERT_EQ(host.attempts, 2);
    for (auto& v : host.vms[0].vcpus)  // restarted: counters start again from zero
        v.time_ns = v.delay_ns = 0;
    for (int i = 0; i < 10; ++i)
        cycle.run();
    EXPECT_EQ(host.attempts, 4);
}

TEST(CycleFaults, DomainGoneAtPinTimeIsQuietAndNotCountedAsAFailure) {
    FailingHost host(HypervisorErrorKind::DomainGone, "domain is not running");
    crowd(host);
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    ASSERT_EQ(count(r.results, MoveOutcome::DomainGone), 1);
    EXPECT_FALSE(r.results[0].given_up);
    EXPECT_EQ(log.count(LogLevel::Warn, ""), 0U);
}

// A host of two pCPUs: "a" (one 60 % vCPU) on pCPU 0, "b" (60 %, excluded from balancing) on
// pCPU 1. Balanced, until someone re-pins a's vCPU onto pCPU 1.
FakeHost repin_host() {
    FakeHost host(2, 2s);
    host.add_vm("a", {0.6}, {"0"});
    host.add_vm("b", {0.6}, {"1"});
    return host;
}

CycleOptions excluding_b(bool respect) {
    CycleOptions o = options(respect);
    o.policy.exclude = {"b"};
    return o;
}

TEST(CycleFaults, ManualRepinIsLeftAloneUntilTheDomainRestartsAndSaidOnce) {
    FakeHost host = repin_host();
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, excluding_b(true), log);
    cycle.run();
    cycle.run();
    ASSERT_EQ(host.pins, 0);
    host.vms[0].vcpus[0].affinity = CpuSet{1};  // virsh vcpupin a 0 1
    for (int i = 0; i < 20; ++i)
        cycle.run();
    EXPECT_EQ(host.pins, 0) << "a vcpu 0 was taken back although respect_manual_pins is on";
    EXPECT_EQ(log.count(LogLevel::Info, "a vcpu 0 was re-pinned by someone else (0 → 1)"), 1U);

    for (auto& v : host.vms[0].vcpus)  // the domain restarts: its vCPU is ours again
        v.time_ns = v.delay_ns = 0;
    for (int i = 0; i < 3; ++i)
        cycle.run();
    EXPECT_EQ(host.pins, 1);
    EXPECT_EQ(host.vms[0].vcpus[0].affinity, CpuSet{0});
}

TEST(CycleFaults, ManualRepinIsTakenBackWhenRespectManualPinsIsOff) {
    FakeHost host = repin_host();
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, excluding_b(false), log);
    cycle.run();
    cycle.run();
    host.vms[0].vcpus[0].affinity = CpuSet{1};
    for (int i = 0; i < 3; ++i)
        cycle.run();
    EXPECT_EQ(host.pins, 1);
    EXPECT_EQ(host.vms[0].vcpus[0].affinity, CpuSet{0});
    EXPECT_EQ(log.count(LogLevel::Info, "respect_manual_pins is off"), 1U);
}

TEST(CycleFaults, PinsPresentAtTheFirstSampleAreAStartingPlacementNotManual) {
    FakeHost host(2, 2s);
    host.add_vm("a", {0.6}, {"1"});
    host.add_vm("b", {0.6}, {"1"});
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, options(true), log);
    for (int i = 0; i < 3; ++i)
        cycle.run();
    EXPECT_EQ(host.pins, 1);
    EXPECT_EQ(host.true_loads(), (std::vector<double>{0.6, 0.6}));
    EXPECT_EQ(log.count(LogLevel::Info, "re-pinned by someone else"), 0U);
}

TEST(CycleFaults, OurOwnPinsAreNeverMistakenForManualOnes) {
    FakeHost host(4, 2s, 0.05, 7);
    host.add_vm("a", {0.5, 0.5, 0.3, 0.7}, {"0", "0", "0", "0"});
    host.add_vm("b", {0.4, 0.2}, {"1", "1"});
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(host, clock, options(true), log);
    for (int i = 0; i < 30; ++i)
        cycle.run();
    EXPECT_GT(host.pins, 0);
    EXPECT_EQ(log.count(LogLevel::Info, "re-pinned by someone else"), 0U);
}

// Scripted samples for the churn scenarios: crowded vCPUs on pCPU 0 of two.
HostSample crowded(int step, const std::string& name, const std::string& uuid, int vcpus) {
    SampleBuilder s(2.0 * step);
    s.vm(name, uuid);
    for (int v = 0; v < vcpus; ++v)
        s.vcpu(v, 600 * step, 0, "0");
    return s;
}

TEST(CycleFaults, RenamedDomainKeepsItsIdentityAndIsPinnedByUuid) {
    FakeHypervisor hv(Topology::flat(2));
    hv.script(crowded(0, "old", "u1", 2));
    hv.script(crowded(1, "new", "u1", 2));
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    ASSERT_EQ(hv.pins.size(), 1U);
    EXPECT_EQ(hv.pins[0].vcpu.domain_uuid, "u1");
    EXPECT_EQ(hv.pins[0].vcpu.domain_name, "new");
    EXPECT_FALSE(r.load.vcpus[0].fresh) << "a rename is not a restart";
}

TEST(CycleFaults, SameNameWithANewUuidIsANewDomain) {
    FakeHypervisor hv(Topology::flat(2));
    hv.script(crowded(0, "web", "u1", 2));
    hv.script(crowded(1, "web", "u2", 2));
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    ASSERT_EQ(r.load.vcpus.size(), 2U);
    for (const auto& v : r.load.vcpus) {
        EXPECT_EQ(v.ref.domain_uuid, "u2");
        EXPECT_TRUE(v.fresh) << "counters of u1 must not be subtracted from u2's";
    }
    for (const auto& p : hv.pins)
        EXPECT_EQ(p.vcpu.domain_uuid, "u2");
}

TEST(CycleFaults, HotUnpluggedVcpuIsNeverPinnedAndHotPluggedOneIsBalanced) {
    FakeHypervisor hv(Topology::flat(2));
    hv.script(crowded(0, "a", "u1", 3));
    hv.script(crowded(1, "a", "u1", 1));  // vCPUs 1 and 2 unplugged
    hv.script(crowded(2, "a", "u1", 4));  // 1-3 plugged (fresh)
    hv.script(crowded(3, "a", "u1", 4));
    FakeClock clock;
    RecordingLog log;
    // The script's affinities do not follow our pins: that would read as manual re-pins.
    Cycle cycle(hv, clock, options(false), log);
    cycle.run();
    CycleReport one = cycle.run();
    EXPECT_TRUE(one.plan.moves.empty()) << "a single vCPU has nowhere better to go";
    cycle.run();
    CycleReport four = cycle.run();
    EXPECT_FALSE(four.plan.moves.empty());
    for (const auto& p : hv.pins)
        EXPECT_LT(p.vcpu.vcpu, 4);
}

TEST(CycleFaults, DomainPausedOrShutDownBetweenSampleAndPinIsDroppedQuietly) {
    FakeHypervisor hv(Topology::flat(2));
    hv.script(crowded(0, "a", "u1", 2));
    hv.script(crowded(1, "a", "u1", 2));
    hv.script(SampleBuilder(4.0).vm("b").vcpu(0, 0, 0, "0"));  // a is gone from the next sample
    hv.fail_pins_of("a", HypervisorErrorKind::DomainGone);
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    ASSERT_EQ(r.results.size(), 1U);
    EXPECT_EQ(r.results[0].outcome, MoveOutcome::DomainGone);
    EXPECT_NO_THROW(cycle.run());
    EXPECT_EQ(log.count(LogLevel::Warn, ""), 0U);
}

// Hostile data: what a confused driver could hand over must not crash or pin outside the host.
TEST(CycleFaults, HostileSamplesNeitherCrashNorPinOutsideTheHost) {
    FakeHypervisor hv(Topology::flat(2));
    auto hostile = [](int step) {
        HostSample s = SampleBuilder(2.0 * step)
                           .vm("wide")
                           .vcpu(0, 500 * step, 0, "0-63")  // wider than the host
                           .vcpu(0, 100, 0, "0")            // duplicate vCPU id
                           .vm("beyond")
                           .vcpu(7, 700 * step, 0, "40")  // pinned to a pCPU the host lacks
                           .vm("empty")
                           .vm("huge")
                           .vcpu(0, 0, 0, "0");
        // Counters at the top of their range, then wrapping to small numbers.
        s.domains[3].vcpus[0].time_ns = step % 2 ? ~0ULL : 5;
        s.domains[3].vcpus[0].delay_ns = step % 2 ? 3 : ~0ULL;
        return s;
    };
    for (int i = 0; i < 6; ++i)
        hv.script(hostile(i));
    FakeClock clock;
    RecordingLog log;
    Cycle cycle(hv, clock, options(), log);
    for (int i = 0; i < 6; ++i) {
        CycleReport r = cycle.run();
        for (const auto& v : r.load.vcpus) {
            EXPECT_GE(v.demand, 0.0);
            EXPECT_LE(v.demand, 1.0);
        }
    }
    for (const auto& p : hv.pins)
        EXPECT_TRUE(p.cpus.count() == 1 && p.cpus.first() < 2) << p.cpus.format();
}

}  // namespace
}  // namespace vcpusched
