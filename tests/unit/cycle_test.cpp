// Cycle: baseline first, then sample → measure → plan → apply, with history and faults.
#include "vcpusched/cycle.hpp"

#include <gtest/gtest.h>

#include "fake_clock.hpp"
#include "fake_hypervisor.hpp"
#include "sample_builder.hpp"

namespace vcpusched {
namespace {

using testing::FakeClock;
using testing::FakeHypervisor;
using testing::SampleBuilder;

// Two 50 % vCPUs both on pCPU 0 of a 2-pCPU host, sampled every 2 s.
HostSample crowded(int step) {
    double t = 2.0 * step;
    return SampleBuilder(t)
        .vm("a")
        .vcpu(0, 1000 * step, 0, "0")
        .vm("b")
        .vcpu(0, 1000 * step, 0, "0");
}

CycleOptions options() {
    CycleOptions o;
    o.policy.smoothing = 0;
    return o;
}

TEST(Cycle, FirstRunIsABaselineOnly) {
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock(std::chrono::milliseconds(3));
    NullLog log;
    hv.script(crowded(0));
    Cycle cycle(hv, clock, options(), log);
    CycleReport r = cycle.run();
    EXPECT_TRUE(r.baseline);
    EXPECT_TRUE(r.plan.moves.empty());
    EXPECT_TRUE(hv.pins.empty());
    EXPECT_EQ(r.duration, std::chrono::milliseconds(3));
}

TEST(Cycle, SecondRunMeasuresPlansAndApplies) {
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock(std::chrono::milliseconds(5));
    NullLog log;
    hv.script(crowded(0));
    hv.script(crowded(1));
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    EXPECT_FALSE(r.baseline);
    EXPECT_DOUBLE_EQ(r.load.interval_s, 2.0);
    ASSERT_EQ(r.plan.moves.size(), 1U);
    ASSERT_EQ(r.results.size(), 1U);
    EXPECT_EQ(r.results[0].outcome, MoveOutcome::Done);
    ASSERT_EQ(hv.pins.size(), 1U);
    EXPECT_EQ(hv.pins[0].cpus, CpuSet({1}));
    EXPECT_EQ(r.duration, std::chrono::milliseconds(5));
    EXPECT_EQ(hv.topology_calls, 1);
}

TEST(Cycle, DryRunPlansButNeverPins) {
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock;
    NullLog log;
    hv.script(crowded(0));
    hv.script(crowded(1));
    CycleOptions o = options();
    o.dry_run = true;
    Cycle cycle(hv, clock, o, log);
    cycle.run();
    CycleReport r = cycle.run();
    EXPECT_EQ(r.plan.moves.size(), 1U);
    EXPECT_TRUE(r.results.empty());
    EXPECT_TRUE(hv.pins.empty());
}

TEST(Cycle, MovedVcpuCoolsDownForTheNextCycles) {
    // The fake's affinity does not follow the pin, so the host keeps looking crowded: the
    // planner would pick the same vCPU again if the cooldown did not hold it.
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock;
    NullLog log;
    for (int i = 0; i < 4; ++i)
        hv.script(crowded(i));
    CycleOptions o = options();
    o.policy.cooldown = 3;
    Cycle cycle(hv, clock, o, log);
    cycle.run();
    auto first = cycle.run();
    ASSERT_EQ(first.plan.moves.size(), 1U);
    const VcpuRef moved = first.plan.moves[0].vcpu;
    for (int i = 0; i < 2; ++i) {
        auto r = cycle.run();
        for (const auto& m : r.plan.moves)
            EXPECT_FALSE(m.vcpu == moved) << "moved again during its cooldown";
    }
}

TEST(Cycle, DomainVanishingBetweenSampleAndPinIsANormalOutcome) {
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock;
    NullLog log;
    hv.script(crowded(0));
    hv.script(crowded(1));
    hv.fail_pins_of("a", HypervisorErrorKind::DomainGone);
    hv.fail_pins_of("b", HypervisorErrorKind::DomainGone);
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    ASSERT_EQ(r.results.size(), 1U);
    EXPECT_EQ(r.results[0].outcome, MoveOutcome::DomainGone);
}

TEST(Cycle, LostConnectionPropagatesAndResetStartsOverWithABaseline) {
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock;
    NullLog log;
    hv.script(crowded(0));
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    hv.fail_next_sample(HypervisorErrorKind::ConnectionLost);
    EXPECT_THROW(cycle.run(), HypervisorError);
    cycle.reset();
    hv.script(crowded(2));
    EXPECT_TRUE(cycle.run().baseline);
    EXPECT_EQ(hv.topology_calls, 2);  // fetched again after the reset
}

TEST(Cycle, LostConnectionDuringPinsPropagates) {
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock;
    NullLog log;
    hv.script(crowded(0));
    hv.script(crowded(1));
    hv.fail_pins_of("a", HypervisorErrorKind::ConnectionLost);
    hv.fail_pins_of("b", HypervisorErrorKind::ConnectionLost);
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    try {
        cycle.run();
        FAIL() << "expected ConnectionLost";
    } catch (const HypervisorError& e) {
        EXPECT_EQ(e.kind(), HypervisorErrorKind::ConnectionLost);
    }
}

TEST(Cycle, SetOptionsTakesEffectNextRun) {
    FakeHypervisor hv(Topology::flat(2));
    FakeClock clock;
    NullLog log;
    hv.script(crowded(0));
    hv.script(crowded(1));
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleOptions o = options();
    o.policy.exclude = {"*"};
    cycle.set_options(o);
    EXPECT_EQ(cycle.options().policy.exclude.size(), 1U);
    EXPECT_TRUE(cycle.run().plan.moves.empty());
    EXPECT_TRUE(hv.pins.empty());
}

}  // namespace
}  // namespace vcpusched
