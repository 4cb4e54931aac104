// Cycle: baseline first, then sample → measure → plan → apply, with history and faults.
#include "vcpusched/cycle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_clock.hpp"
#include "fake_hypervisor.hpp"
#include "recording_log.hpp"
#include "sample_builder.hpp"

namespace vcpusched {
namespace {

using testing::FakeClock;
using testing::FakeHypervisor;
using testing::RecordingLog;
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

// A fake 2-pCPU host that reports sample(0), sample(1), … (`steps` of them, one per run), with
// the clock and the log a Cycle needs: `auto& [hv, clock, log] = host;`.
struct ScriptedHost {
    ScriptedHost(HostSample (*sample)(int), int steps,
                 std::chrono::nanoseconds tick = std::chrono::nanoseconds{0})
        : clock(tick) {
        for (int i = 0; i < steps; ++i)
            hv.script(sample(i));
    }
    FakeHypervisor hv{Topology::flat(2)};
    FakeClock clock;
    RecordingLog log;
};

CycleOptions options() {
    CycleOptions o;
    o.policy.smoothing = 0;
    return o;
}

TEST(Cycle, FirstRunIsABaselineOnly) {
    ScriptedHost host(crowded, 1, std::chrono::milliseconds(3));
    auto& [hv, clock, log] = host;
    Cycle cycle(hv, clock, options(), log);
    CycleReport r = cycle.run();
    EXPECT_TRUE(r.baseline);
    EXPECT_TRUE(r.plan.moves.empty());
    EXPECT_TRUE(hv.pins.empty());
    EXPECT_EQ(r.duration, std::chrono::milliseconds(3));
}

TEST(Cycle, SecondRunMeasuresPlansAndApplies) {
    ScriptedHost host(crowded, 2, std::chrono::milliseconds(5));
    auto& [hv, clock, log] = host;
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

TEST(Cycle, TraceLevelShowsWhatEachVcpuAndPcpuMeasured) {
    ScriptedHost host(crowded, 2, std::chrono::milliseconds(5));
    auto& [hv, clock, log] = host;
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    cycle.run();
    // Both ran 50 % on a pCPU left without idle time: their demands are guesses.
    EXPECT_EQ(log.count(LogLevel::Trace,
                        "measured a vcpu 0 on pCPU 0: ran 50%, waited 0%, "
                        "demand 50% (guessed: starved"),
              1U);
    EXPECT_EQ(log.count(LogLevel::Trace, "measured b vcpu 0 on pCPU 0"), 1U);
    EXPECT_EQ(log.count(LogLevel::Trace, "measured pCPU 0: load 100%, saturated"), 1U);
    EXPECT_EQ(log.count(LogLevel::Trace, "measured pCPU 1: load 0%"), 1U);
}

TEST(Cycle, BelowTraceLevelNoMeasurementLinesAreComposed) {
    ScriptedHost host(crowded, 2, std::chrono::milliseconds(5));
    auto& [hv, clock, log] = host;
    log.from = LogLevel::Debug;
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    cycle.run();
    EXPECT_EQ(log.count(LogLevel::Trace, "measured"), 0U);
    EXPECT_EQ(hv.pins.size(), 1U);
}

TEST(Cycle, DryRunPlansButNeverPins) {
    ScriptedHost host(crowded, 2);
    auto& [hv, clock, log] = host;
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
    ScriptedHost host(crowded, 4);
    auto& [hv, clock, log] = host;
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
    ScriptedHost host(crowded, 2);
    auto& [hv, clock, log] = host;
    hv.fail_pins_of("a", HypervisorErrorKind::DomainGone);
    hv.fail_pins_of("b", HypervisorErrorKind::DomainGone);
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleReport r = cycle.run();
    ASSERT_EQ(r.results.size(), 1U);
    EXPECT_EQ(r.results[0].outcome, MoveOutcome::DomainGone);
}

TEST(Cycle, LostConnectionPropagatesAndResetStartsOverWithABaseline) {
    ScriptedHost host(crowded, 1);
    auto& [hv, clock, log] = host;
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
    ScriptedHost host(crowded, 2);
    auto& [hv, clock, log] = host;
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
    ScriptedHost host(crowded, 2);
    auto& [hv, clock, log] = host;
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleOptions o = options();
    o.policy.exclude = {"*"};
    cycle.set_options(o);
    EXPECT_EQ(cycle.options().policy.exclude.size(), 1U);
    EXPECT_TRUE(cycle.run().plan.moves.empty());
    EXPECT_TRUE(hv.pins.empty());
}

// Two unpinned vCPUs of "a" (40 % each) and a pinned one of "b", every 2 s.
HostSample unpinned_a(int step) {
    return SampleBuilder(2.0 * step)
        .vm("a")
        .vcpu(0, 800 * step, 0, "0-1")
        .vcpu(1, 800 * step, 0, "0-1")
        .vm("b")
        .vcpu(0, 200 * step, 0, "0");
}

TEST(Cycle, UnpinnedVcpusArePinnedWhereTheHypervisorSaysTheyRun) {
    ScriptedHost host(unpinned_a, 2);
    auto& [hv, clock, log] = host;
    hv.where["uuid-a"] = {{0, 1}, {1, 0}};
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    EXPECT_TRUE(hv.running_on_calls.empty()) << "the baseline places nothing";
    CycleReport r = cycle.run();
    // Asked once, for the one domain with vCPUs to place.
    ASSERT_EQ(hv.running_on_calls, std::vector<std::string>{"uuid-a"});
    ASSERT_EQ(hv.pins.size(), 2U) << r.plan.reason;
    for (const auto& pin : hv.pins)
        EXPECT_EQ(pin.cpus, CpuSet({pin.vcpu.vcpu == 0 ? 1 : 0})) << r.plan.reason;
}

TEST(Cycle, DomainGoneWhenAskedWhereItRunsIsPlacedByDemand) {
    ScriptedHost host(unpinned_a, 2);  // no hv.where: running_on() says the domain is gone
    auto& [hv, clock, log] = host;
    Cycle cycle(hv, clock, options(), log);
    cycle.run();
    CycleReport r;
    ASSERT_NO_THROW(r = cycle.run());
    EXPECT_EQ(hv.running_on_calls.size(), 1U);
    EXPECT_EQ(hv.pins.size(), 2U) << r.plan.reason;
    EXPECT_EQ(r.plan.reason.find("where they run"), std::string::npos) << r.plan.reason;
    bool said = false;  // the domain is named, with what the hypervisor answered
    for (const auto& [level, line] : log.lines)
        said = said ||
               (level == LogLevel::Debug && line.starts_with("a: where its vCPUs run is unknown") &&
                line.find("fake: no uuid-a") != std::string::npos);
    EXPECT_TRUE(said);
}

TEST(Cycle, DryRunAsksWhereVcpusRunOncePerDomainRun) {
    ScriptedHost host(unpinned_a, 4);
    auto& [hv, clock, log] = host;
    hv.where["uuid-a"] = {{0, 1}, {1, 0}};
    CycleOptions o = options();
    o.dry_run = true;
    Cycle cycle(hv, clock, o, log);
    CycleReport r;
    for (int i = 0; i < 4; ++i)
        r = cycle.run();
    // Never pinned, so placed again every cycle, but asked only once.
    EXPECT_EQ(hv.running_on_calls.size(), 1U);
    EXPECT_TRUE(hv.pins.empty());
    EXPECT_NE(r.plan.reason.find("where they run"), std::string::npos) << r.plan.reason;
}

// "a" with one unpinned vCPU until step 2, when a second one is plugged in (fresh counters).
HostSample hot_plugged_a(int step) {
    SampleBuilder b(2.0 * step);
    b.vm("a").vcpu(0, 800 * step, 0, "0-1");
    if (step >= 2)
        b.vcpu(1, 800 * (step - 2), 0, "0-1");
    return b.vm("b").vcpu(0, 200 * step, 0, "0");
}

TEST(Cycle, HotPluggedVcpuIsLocatedWithOneMoreQuestion) {
    ScriptedHost host(hot_plugged_a, 6);
    auto& [hv, clock, log] = host;
    hv.where["uuid-a"] = {{0, 1}};
    CycleOptions o = options();
    o.dry_run = true;  // never pins, so both vCPUs are placed again every cycle
    Cycle cycle(hv, clock, o, log);
    cycle.run();
    cycle.run();
    EXPECT_EQ(hv.running_on_calls.size(), 1U);

    hv.where["uuid-a"] = {{0, 1}, {1, 0}};  // the hypervisor knows the new vCPU
    CycleReport r = cycle.run();
    EXPECT_EQ(hv.running_on_calls.size(), 2U) << "the new vCPU was not asked about";
    bool located = false;
    for (const auto& v : r.load.vcpus)
        located = located || (v.ref.domain_name == "a" && v.ref.vcpu == 1 && v.running_on == 0);
    EXPECT_TRUE(located);

    cycle.run();
    cycle.run();
    EXPECT_EQ(hv.running_on_calls.size(), 2U) << "asked again about vCPUs already answered";
}

TEST(Cycle, VcpuTheHypervisorCannotLocateIsNotAskedAboutEveryCycle) {
    ScriptedHost host(hot_plugged_a, 6);
    auto& [hv, clock, log] = host;
    hv.where["uuid-a"] = {{0, 1}};  // never says where vCPU 1 runs
    CycleOptions o = options();
    o.dry_run = true;
    Cycle cycle(hv, clock, o, log);
    for (int i = 0; i < 6; ++i)
        cycle.run();
    // Once when a's vCPUs were first placed, once more when vCPU 1 appeared, then no more.
    EXPECT_EQ(hv.running_on_calls.size(), 2U);
}

TEST(Cycle, ExcludedDomainsAreNotAskedWhereTheyRun) {
    ScriptedHost host(unpinned_a, 2);
    auto& [hv, clock, log] = host;
    CycleOptions o = options();
    o.policy.exclude = {"a"};
    Cycle cycle(hv, clock, o, log);
    cycle.run();
    cycle.run();
    EXPECT_TRUE(hv.running_on_calls.empty());
    EXPECT_TRUE(hv.pins.empty());
}

}  // namespace
}  // namespace vcpusched
