#include "quality.hpp"

#include <gtest/gtest.h>

#include "scenario_file.hpp"

using vcpusched::PolicyConfig;
using vcpusched::bench::parse_scenario;
using vcpusched::bench::PolicyKind;
using vcpusched::bench::run_quality;

TEST(Quality, GreedyRunOfAllOnOneIsScoredFromTheSimulatorsTruth) {
    auto s = parse_scenario(R"(
name: all-on-one
periods: 6
host: {cores: 4}
domains:
  - name: vm
    count: 4
    demand: {level: 0.4}
    pin: "0"
)",
                            "t.yaml");
    auto r = run_quality(s, PolicyKind::Greedy, PolicyConfig{});
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_EQ(r.periods.size(), 6U);
    // Period 1 ran as pinned: 1.6 on pCPU 0, nothing elsewhere; the lower bound is 0.4.
    EXPECT_NEAR(r.periods[0].spread, 69.28, 0.01);
    EXPECT_NEAR(r.periods[0].ratio, 4.0, 1e-9);
    EXPECT_EQ(r.periods[0].moves, 3);  // greedy moves three of the four off pCPU 0 at once
    EXPECT_NEAR(r.final_spread, 0.0, 1e-6);
    EXPECT_NEAR(r.final_ratio, 1.0, 1e-9);
    EXPECT_EQ(r.moves, 3);
    EXPECT_EQ(r.worst_convergence, 1);
    EXPECT_EQ(r.moves_after_convergence, 0);
    EXPECT_LT(r.served, 1.0);  // period 1 served 1.0 of 1.6
}

TEST(Quality, ChangesSplitTheRunIntoSegments) {
    auto s = parse_scenario(R"(
name: step
periods: 10
host: {cores: 2}
domains:
  - name: a
    demand: {profile: step, level: 0.5, to: 0.9, at: 9}
    pin: "0"
  - name: b
    demand: {level: 0.5}
    pin: "1"
    start: 12
)",
                            "t.yaml");
    auto r = run_quality(s, PolicyKind::Greedy, PolicyConfig{});
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_EQ(r.segments.size(), 3U);
    EXPECT_EQ(r.segments[0].first, 1);
    EXPECT_EQ(r.segments[0].last, 4);
    EXPECT_EQ(r.segments[1].first, 5);  // the step at 9 s falls in period 5 (8-10 s)
    EXPECT_EQ(r.segments[2].first, 7);  // b starts at 12 s: period 7
    EXPECT_EQ(r.segments[2].last, 10);
}
