#include "greedy.hpp"

#include <gtest/gtest.h>

using vcpusched::LoadReport;
using vcpusched::PcpuLoad;
using vcpusched::VcpuLoad;
using vcpusched::VcpuRef;
using vcpusched::bench::greedy_plan;

namespace {

LoadReport report(int pcpus, const std::vector<std::pair<int, double>>& vcpus) {
    LoadReport r;
    for (int p = 0; p < pcpus; ++p)
        r.pcpus.push_back(PcpuLoad{p, 0, -1, false});
    for (std::size_t i = 0; i < vcpus.size(); ++i) {
        VcpuLoad v;
        v.ref = VcpuRef{"u" + std::to_string(i), "vm" + std::to_string(i), 0};
        v.pcpu = vcpus[i].first;
        v.demand = vcpus[i].second;
        r.vcpus.push_back(v);
        if (v.pcpu >= 0)
            r.pcpus[static_cast<std::size_t>(v.pcpu)].load += v.demand;
    }
    return r;
}

}  // namespace

TEST(Greedy, AllOnOnePcpuSpreadsOut) {
    auto plan = greedy_plan(report(4, {{0, 0.4}, {0, 0.4}, {0, 0.4}, {0, 0.4}}));
    EXPECT_EQ(plan.moves.size(), 3U);
    EXPECT_NEAR(plan.spread_after, 0.0, 1e-9);
    for (const auto& m : plan.moves)
        EXPECT_EQ(m.from, 0);
}

TEST(Greedy, BalancedHostMakesNoMoves) {
    auto plan = greedy_plan(report(2, {{0, 0.5}, {1, 0.5}}));
    EXPECT_TRUE(plan.moves.empty());
}

TEST(Greedy, StopsWhenTheHeaviestVcpuWouldNotHelp) {
    // Moving the 0.9 to pCPU 1 only swaps which pCPU is busiest.
    auto plan = greedy_plan(report(2, {{0, 0.9}, {1, 0.1}}));
    EXPECT_TRUE(plan.moves.empty());
}

TEST(Greedy, UnplacedVcpusArePinnedToTheIdlest) {
    auto plan = greedy_plan(report(2, {{0, 0.6}, {-1, 0.5}}));
    ASSERT_EQ(plan.moves.size(), 1U);
    EXPECT_EQ(plan.moves[0].from, -1);
    EXPECT_EQ(plan.moves[0].to, 1);
}
