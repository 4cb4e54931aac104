// measure(): shares, demand on free and saturated pCPUs, and every awkward pair of samples.
#include "vcpusched/measure.hpp"

#include <gtest/gtest.h>

#include "sample_builder.hpp"

namespace vcpusched {
namespace {

using testing::SampleBuilder;

const VcpuLoad& find(const LoadReport& r, const std::string& name, int vcpu) {
    for (const auto& v : r.vcpus)
        if (v.ref.domain_name == name && v.ref.vcpu == vcpu)
            return v;
    throw std::runtime_error("no " + name + " vcpu " + std::to_string(vcpu));
}

LoadReport measure_pair(const HostSample& a, const HostSample& b, int pcpus = 4,
                        const DemandHistory& history = {}, MeasureOptions options = {}) {
    return measure(a, b, Topology::flat(pcpus), history, options);
}

MeasureOptions no_smoothing() {
    MeasureOptions o;
    o.smoothing = 0;
    return o;
}

TEST(Measure, SharesAreFractionsOfTheInterval) {
    auto a = SampleBuilder(10).vm("a").vcpu(0, 1000, 100, "1");
    auto b = SampleBuilder(12).vm("a").vcpu(0, 1600, 300, "1");
    auto r = measure_pair(a, b, 4, {}, no_smoothing());
    ASSERT_EQ(r.vcpus.size(), 1U);
    EXPECT_DOUBLE_EQ(r.interval_s, 2.0);
    EXPECT_NEAR(r.vcpus[0].run, 0.3, 1e-9);
    EXPECT_NEAR(r.vcpus[0].delay, 0.1, 1e-9);
    EXPECT_EQ(r.vcpus[0].pcpu, 1);
    ASSERT_EQ(r.pcpus.size(), 4U);
    EXPECT_NEAR(r.pcpus[1].load, 0.3, 1e-9);
    EXPECT_NEAR(r.pcpus[0].load, 0.0, 1e-9);
}

// Pitfall 1: two 40 % vCPUs sharing an 80 %-busy pCPU read delays of 25 % and 13 %.
TEST(Measure, DelayIsIgnoredOnAPcpuWithIdleTime) {
    auto a = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0").vm("b").vcpu(0, 0, 0, "0").pcpu(0, 0, 0);
    auto b = SampleBuilder(2)
                 .vm("a")
                 .vcpu(0, 800, 500, "0")
                 .vm("b")
                 .vcpu(0, 800, 260, "0")
                 .pcpu(0, 1600, 400);
    auto r = measure_pair(a, b, 2, {}, no_smoothing());
    EXPECT_NEAR(find(r, "a", 0).demand, 0.4, 1e-9);
    EXPECT_NEAR(find(r, "b", 0).demand, 0.4, 1e-9);
    EXPECT_FALSE(find(r, "a", 0).uncertain);
    EXPECT_FALSE(r.pcpus[0].saturated);
    EXPECT_NEAR(r.pcpus[0].busy, 0.8, 1e-9);
    EXPECT_NEAR(r.pcpus[0].load, 0.8, 1e-9);
}

TEST(Measure, SaturatedPcpuWithoutHistoryGuessesRunPlusDelayAndSaysSo) {
    auto a = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0").vm("b").vcpu(0, 0, 0, "0").pcpu(0, 0, 0);
    auto b = SampleBuilder(2)
                 .vm("a")
                 .vcpu(0, 1100, 800, "0")
                 .vm("b")
                 .vcpu(0, 900, 1500, "0")  // run + delay above 1: capped
                 .pcpu(0, 2000, 0);
    auto r = measure_pair(a, b, 2, {}, no_smoothing());
    EXPECT_TRUE(r.pcpus[0].saturated);
    const auto& va = find(r, "a", 0);
    EXPECT_TRUE(va.starved);
    EXPECT_TRUE(va.uncertain);
    EXPECT_NEAR(va.demand, 0.95, 1e-9);
    EXPECT_NEAR(find(r, "b", 0).demand, 1.0, 1e-9);
}

TEST(Measure, SaturatedPcpuUsesTheLastDemandMeasuredUnstarved) {
    // Cycle 1: a alone on pCPU 0 at 30 %; cycle 2: pCPU 0 saturated, a gets 45 %.
    auto s0 = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0").pcpu(0, 0, 0);
    auto s1 = SampleBuilder(2).vm("a").vcpu(0, 600, 50, "0").pcpu(0, 600, 1400);
    auto s2 = SampleBuilder(4).vm("a").vcpu(0, 1500, 1100, "0").pcpu(0, 2600, 1400);
    DemandHistory history;
    auto r1 = measure_pair(s0, s1, 1, history, no_smoothing());
    history.update(r1);
    ASSERT_NE(history.find(r1.vcpus[0].ref), nullptr);
    EXPECT_NEAR(history.find(r1.vcpus[0].ref)->unstarved, 0.3, 1e-9);
    auto r2 = measure_pair(s1, s2, 1, history, no_smoothing());
    EXPECT_TRUE(r2.vcpus[0].starved);
    EXPECT_FALSE(r2.vcpus[0].uncertain);
    // It ran 45 %: at least that, not the 100 % that run + delay reads.
    EXPECT_NEAR(r2.vcpus[0].demand, 0.45, 1e-9);
    history.update(r2);
    EXPECT_NEAR(history.find(r2.vcpus[0].ref)->unstarved, 0.3, 1e-9);  // starved: not learned
}

TEST(Measure, WithoutHostTimesSaturationIsInferredFromRunShares) {
    auto a = SampleBuilder(0)
                 .vm("a")
                 .vcpu(0, 0, 0, "0")
                 .vm("b")
                 .vcpu(0, 0, 0, "0")
                 .vm("c")
                 .vcpu(0, 0, 0, "1");
    auto b = SampleBuilder(2)
                 .vm("a")
                 .vcpu(0, 1000, 900, "0")
                 .vm("b")
                 .vcpu(0, 960, 900, "0")
                 .vm("c")
                 .vcpu(0, 1000, 900, "1");
    auto r = measure_pair(a, b, 2, {}, no_smoothing());
    EXPECT_EQ(r.pcpus[0].busy, -1);
    EXPECT_TRUE(r.pcpus[0].saturated);  // 50 % + 48 % ≥ 95 %
    EXPECT_FALSE(r.pcpus[1].saturated);
    EXPECT_TRUE(find(r, "a", 0).uncertain);
    EXPECT_NEAR(find(r, "c", 0).demand, 0.5, 1e-9);
}

TEST(Measure, HostTimesGoingBackwardsAreIgnored) {
    auto a = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0").pcpu(0, 5000, 5000);
    auto b = SampleBuilder(2).vm("a").vcpu(0, 400, 0, "0").pcpu(0, 100, 100);
    auto r = measure_pair(a, b, 1, {}, no_smoothing());
    EXPECT_EQ(r.pcpus[0].busy, -1);
    EXPECT_FALSE(r.pcpus[0].saturated);
    EXPECT_NEAR(r.pcpus[0].load, 0.2, 1e-9);
}

TEST(Measure, CounterGoingBackwardsIsANewBaselineNotANegativeLoad) {
    auto s0 = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0");
    auto s1 = SampleBuilder(2).vm("a").vcpu(0, 1000, 0, "0");
    auto s2 = SampleBuilder(4).vm("a").vcpu(0, 20, 0, "0");  // domain restarted
    DemandHistory history;
    auto r1 = measure_pair(s0, s1, 1, history, no_smoothing());
    history.update(r1);
    auto r2 = measure_pair(s1, s2, 1, history, no_smoothing());
    ASSERT_EQ(r2.vcpus.size(), 1U);
    EXPECT_TRUE(r2.vcpus[0].fresh);
    EXPECT_EQ(r2.vcpus[0].run, 0);
    // Its last known demand stands in until it has been measured again.
    EXPECT_NEAR(r2.vcpus[0].demand, 0.5, 1e-9);
    EXPECT_GE(r2.pcpus[0].load, 0);
}

TEST(Measure, DelayGoingBackwardsIsANewBaselineToo) {
    auto s0 = SampleBuilder(0).vm("a").vcpu(0, 0, 900, "0");
    auto s1 = SampleBuilder(2).vm("a").vcpu(0, 1000, 100, "0");
    auto r = measure_pair(s0, s1);
    EXPECT_TRUE(r.vcpus[0].fresh);
    EXPECT_EQ(r.vcpus[0].demand, 0);
}

TEST(Measure, NewDomainIsFreshAndVanishedDomainIsDropped) {
    auto a = SampleBuilder(0).vm("old").vcpu(0, 0, 0, "0");
    auto b = SampleBuilder(2).vm("new").vcpu(0, 5000, 0, "1");
    auto r = measure_pair(a, b);
    ASSERT_EQ(r.vcpus.size(), 1U);
    EXPECT_EQ(r.vcpus[0].ref.domain_name, "new");
    EXPECT_TRUE(r.vcpus[0].fresh);
    EXPECT_EQ(r.vcpus[0].demand, 0);  // its whole lifetime's counter is not this interval's
    for (const auto& p : r.pcpus)
        EXPECT_EQ(p.load, 0);
}

TEST(Measure, SameNameNewUuidIsANewDomain) {
    auto a = SampleBuilder(0).vm("a", "u1").vcpu(0, 100, 0, "0");
    auto b = SampleBuilder(2).vm("a", "u2").vcpu(0, 900, 0, "0");
    auto r = measure_pair(a, b);
    EXPECT_TRUE(r.vcpus[0].fresh);
}

TEST(Measure, HotAddedVcpuIsFreshRemovedAndOfflineVcpusAreNotListed) {
    auto a = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0").vcpu(1, 0, 0, "1").vcpu(2, 0, 0, "2");
    auto b = SampleBuilder(2)
                 .vm("a")
                 .vcpu(0, 1000, 0, "0")
                 .vcpu(2, 500, 0, "2", VcpuState::Offline)
                 .vcpu(3, 700, 0, "3");
    auto r = measure_pair(a, b, 4, {}, no_smoothing());
    ASSERT_EQ(r.vcpus.size(), 2U);
    EXPECT_FALSE(find(r, "a", 0).fresh);
    EXPECT_NEAR(find(r, "a", 0).demand, 0.5, 1e-9);
    EXPECT_TRUE(find(r, "a", 3).fresh);
    EXPECT_EQ(r.pcpus[2].load, 0);
}

TEST(Measure, ZeroIntervalGivesZeroLoadsWithoutCrashing) {
    auto a = SampleBuilder(5).vm("a").vcpu(0, 0, 0, "0").pcpu(0, 0, 0);
    auto b = SampleBuilder(5).vm("a").vcpu(0, 1000, 0, "0").pcpu(0, 10, 0);
    auto r = measure_pair(a, b, 1);
    EXPECT_EQ(r.interval_s, 0);
    ASSERT_EQ(r.vcpus.size(), 1U);
    EXPECT_EQ(r.vcpus[0].run, 0);
    EXPECT_EQ(r.vcpus[0].demand, 0);
    EXPECT_EQ(r.pcpus[0].load, 0);
    EXPECT_FALSE(r.pcpus[0].saturated);
}

TEST(Measure, TimeGoingBackwardsIsTreatedLikeAZeroInterval) {
    auto a = SampleBuilder(5).vm("a").vcpu(0, 0, 0, "0");
    auto b = SampleBuilder(3).vm("a").vcpu(0, 1000, 0, "0");
    auto r = measure_pair(a, b, 1);
    EXPECT_EQ(r.interval_s, 0);
    EXPECT_EQ(r.pcpus[0].load, 0);
}

TEST(Measure, RunShareIsCappedAtOnePcpu) {
    // 10 ms granularity can make a busy vCPU read slightly over 100 %.
    auto a = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0");
    auto b = SampleBuilder(1).vm("a").vcpu(0, 1010, 0, "0");
    auto r = measure_pair(a, b, 1, {}, no_smoothing());
    EXPECT_EQ(r.vcpus[0].run, 1.0);
    EXPECT_LE(r.vcpus[0].demand, 1.0);
}

TEST(Measure, UnplacedVcpuSpreadsItsDemandOverItsOnlineAffinity) {
    auto a = SampleBuilder(0)
                 .vm("a")
                 .vcpu(0, 0, 0, "0-1")
                 .vm("b")
                 .vcpu(0, 0, 0, "2-7")
                 .vm("c")
                 .vcpu(0, 0, 0, "");
    auto b = SampleBuilder(2)
                 .vm("a")
                 .vcpu(0, 800, 0, "0-1")
                 .vm("b")
                 .vcpu(0, 400, 0, "2-7")  // 4-7 are offline
                 .vm("c")
                 .vcpu(0, 800, 0, "");  // affinity unknown: anywhere
    auto r = measure_pair(a, b, 4, {}, no_smoothing());
    EXPECT_EQ(find(r, "a", 0).pcpu, -1);
    EXPECT_NEAR(r.pcpus[0].load, 0.2 + 0.1, 1e-9);
    EXPECT_NEAR(r.pcpus[1].load, 0.2 + 0.1, 1e-9);
    EXPECT_NEAR(r.pcpus[2].load, 0.1 + 0.1, 1e-9);
    EXPECT_NEAR(r.pcpus[3].load, 0.1 + 0.1, 1e-9);
}

TEST(Measure, VcpuPinnedToAnOfflinePcpuLoadsNothingOnline) {
    auto a = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "9");
    auto b = SampleBuilder(2).vm("a").vcpu(0, 800, 0, "9");
    auto r = measure_pair(a, b, 2);
    EXPECT_EQ(r.vcpus[0].pcpu, 9);
    EXPECT_EQ(r.pcpus[0].load + r.pcpus[1].load, 0);
}

TEST(Measure, SmoothingBlendsWithThePreviousDemand) {
    auto s0 = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0");
    auto s1 = SampleBuilder(2).vm("a").vcpu(0, 400, 0, "0");   // 20 %
    auto s2 = SampleBuilder(4).vm("a").vcpu(0, 1600, 0, "0");  // 60 %
    MeasureOptions half;
    half.smoothing = 0.5;
    DemandHistory history;
    auto r1 = measure_pair(s0, s1, 1, history, half);
    EXPECT_NEAR(r1.vcpus[0].demand, 0.2, 1e-9);  // nothing to blend with yet
    history.update(r1);
    auto r2 = measure_pair(s1, s2, 1, history, half);
    EXPECT_NEAR(r2.vcpus[0].demand, 0.4, 1e-9);
    EXPECT_NEAR(measure_pair(s1, s2, 1, history, no_smoothing()).vcpus[0].demand, 0.6, 1e-9);
}

TEST(Measure, AGuessIsNotBlendedIntoAMeasurement) {
    // Starved and guessed at 100 %, then measured unstarved at 30 %: take the 30 % at once.
    auto s0 = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0").pcpu(0, 0, 0);
    auto s1 = SampleBuilder(2).vm("a").vcpu(0, 1000, 1000, "0").pcpu(0, 2000, 0);
    auto s2 = SampleBuilder(4).vm("a").vcpu(0, 1600, 1100, "0").pcpu(0, 2600, 1400);
    MeasureOptions half;
    DemandHistory history;
    auto r1 = measure_pair(s0, s1, 1, history, half);
    EXPECT_TRUE(r1.vcpus[0].uncertain);
    history.update(r1);
    auto r2 = measure_pair(s1, s2, 1, history, half);
    EXPECT_FALSE(r2.vcpus[0].uncertain);
    EXPECT_NEAR(r2.vcpus[0].demand, 0.3, 1e-9);
}

TEST(DemandHistory, ForgetsGoneVcpusAndKeepsKnowledgeOverFreshGuesses) {
    auto s0 = SampleBuilder(0).vm("a").vcpu(0, 0, 0, "0").vm("b").vcpu(0, 0, 0, "1");
    auto s1 = SampleBuilder(2).vm("a").vcpu(0, 500, 0, "0").vm("b").vcpu(0, 500, 0, "1");
    auto s2 = SampleBuilder(4).vm("a").vcpu(0, 10, 0, "0");  // a restarted, b gone
    DemandHistory history;
    history.update(measure_pair(s0, s1, 2));
    EXPECT_EQ(history.size(), 2U);
    auto r2 = measure_pair(s1, s2, 2, history);
    history.update(r2);
    EXPECT_EQ(history.size(), 1U);
    ASSERT_NE(history.find(r2.vcpus[0].ref), nullptr);
    EXPECT_NEAR(history.find(r2.vcpus[0].ref)->smoothed, 0.25, 1e-9);
    history.clear();
    EXPECT_EQ(history.size(), 0U);
}

}  // namespace
}  // namespace vcpusched
