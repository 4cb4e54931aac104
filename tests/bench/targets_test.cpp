#include "targets.hpp"

#include <gtest/gtest.h>

using vcpusched::bench::BenchScenario;
using vcpusched::bench::check_targets;
using vcpusched::bench::QualityResult;
using vcpusched::bench::Segment;
using vcpusched::bench::TargetCheck;

namespace {

QualityResult result(const std::string& policy, double spread, double ratio, int converged_in,
                     int moves_after = 0) {
    QualityResult r;
    r.scenario = "s";
    r.policy = policy;
    r.final_spread = spread;
    r.final_ratio = ratio;
    r.final_reference.spread = 0.5;
    r.final_late_spread = 0.8;
    Segment seg;
    seg.first = 1;
    seg.last = 20;
    seg.converged_at = converged_in < 0 ? -1 : 1 + converged_in;
    seg.moves_after = moves_after;
    r.segments.push_back(seg);
    r.worst_convergence = converged_in;
    r.moves_after_convergence = moves_after;
    return r;
}

const TargetCheck* find(const std::vector<TargetCheck>& checks, const std::string& prefix) {
    for (const auto& c : checks)
        if (c.target.rfind(prefix, 0) == 0)
            return &c;
    return nullptr;
}

BenchScenario scenario(bool steady) {
    BenchScenario s;
    s.name = "s";
    s.steady = steady;
    return s;
}

}  // namespace

TEST(Targets, GoodBalanceRunMeetsEveryTarget) {
    auto checks = check_targets({scenario(true)},
                                {result("balance", 1.0, 1.01, 2), result("count", 9.0, 1.3, -1),
                                 result("greedy", 1.2, 1.02, 1)},
                                5.0);
    for (const auto& c : checks)
        EXPECT_TRUE(c.ok) << c.target << ": " << c.detail;
    EXPECT_NE(find(checks, "spread"), nullptr);
    EXPECT_NE(find(checks, "no moves after convergence"), nullptr);
    EXPECT_NE(find(checks, "max-load ratio"), nullptr);
}

TEST(Targets, EachMissIsReportedWithItsNumbers) {
    auto checks = check_targets(
        {scenario(true)}, {result("balance", 7.0, 1.2, 5, 3), result("greedy", 2.0, 1.05, 1)}, 5.0);
    ASSERT_NE(find(checks, "spread"), nullptr);
    EXPECT_FALSE(find(checks, "spread")->ok);
    EXPECT_NE(find(checks, "spread")->detail.find("7.00"), std::string::npos);
    EXPECT_FALSE(find(checks, "converged")->ok);
    EXPECT_FALSE(find(checks, "no moves after convergence")->ok);
    EXPECT_FALSE(find(checks, "not worse than greedy")->ok);
    EXPECT_FALSE(find(checks, "max-load ratio")->ok);
}

TEST(Targets, SpreadTargetOnlyWhereAGoodPlacementExists) {
    auto r = result("balance", 12.0, 1.0, 0);
    r.final_reference.spread = 3.0;  // clairvoyance is not enough: a late policy gets 11
    r.final_late_spread = 11.0;
    auto checks = check_targets({scenario(false)}, {r}, 5.0);
    EXPECT_EQ(find(checks, "spread"), nullptr);
    EXPECT_EQ(find(checks, "no moves after convergence"), nullptr);  // not a steady scenario
}

TEST(Targets, NoiseSizedDifferencesAreNotWorse) {
    auto checks = check_targets(
        {scenario(false)}, {result("balance", 1.6, 1.02, 1), result("count", 0.9, 1.01, 1)}, 5.0);
    EXPECT_TRUE(find(checks, "not worse than count")->ok);
}

namespace {

QualityResult shaped(const std::string& policy, double spread, double served, int crossings) {
    QualityResult r = result(policy, spread, 1.1, -1, 9);  // convergence and churn not judged
    r.served = served;
    r.cross_node_pins = static_cast<std::uint64_t>(crossings);
    return r;
}

BenchScenario topology_scenario() {
    BenchScenario s = scenario(true);
    s.topology = true;
    return s;
}

}  // namespace

TEST(Targets, TopologyTargetsAreSpreadServedAndCrossingsOnly) {
    auto checks =
        check_targets({topology_scenario()},
                      {shaped("balance", 4.0, 0.985, 2), shaped("balance-blind", 3.5, 0.98, 60),
                       shaped("count", 16.0, 0.95, 16), shaped("greedy", 12.0, 0.979, 17)},
                      5.0, {}, vcpusched::bench::TargetSet::Topology);
    ASSERT_EQ(checks.size(), 7U);  // spread, then served and crossings against three others
    for (const auto& c : checks)
        EXPECT_TRUE(c.ok) << c.target << ": " << c.detail;
    EXPECT_EQ(find(checks, "converged"), nullptr);
    EXPECT_EQ(find(checks, "max-load ratio"), nullptr);
}

TEST(Targets, TopologyTargetsFailOnLessServedMoreCrossingsOrWideSpread) {
    auto checks =
        check_targets({topology_scenario()},
                      {shaped("balance", 5.5, 0.97, 20), shaped("greedy", 12.0, 0.979, 17)}, 5.0,
                      {}, vcpusched::bench::TargetSet::Topology);
    EXPECT_FALSE(find(checks, "spread")->ok);
    EXPECT_FALSE(find(checks, "serves more demand than greedy")->ok);
    EXPECT_FALSE(find(checks, "fewer cross-node moves than greedy")->ok);
    // A tie is not more.
    auto tie = check_targets({topology_scenario()},
                             {shaped("balance", 4.0, 0.979, 17), shaped("greedy", 12.0, 0.979, 17)},
                             5.0, {}, vcpusched::bench::TargetSet::Topology);
    EXPECT_FALSE(find(tie, "serves more demand than greedy")->ok);
    EXPECT_FALSE(find(tie, "fewer cross-node moves than greedy")->ok);
}

TEST(Targets, QualityTargetsLeaveTopologyComparisonsOut) {
    auto checks =
        check_targets({topology_scenario()},
                      {shaped("balance", 4.0, 0.9, 50), shaped("greedy", 12.0, 0.99, 1)}, 5.0);
    EXPECT_EQ(find(checks, "serves more demand"), nullptr);
    EXPECT_EQ(find(checks, "fewer cross-node moves"), nullptr);
}
