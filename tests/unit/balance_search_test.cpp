// The balance search's parts: the move cache, relief and the sibling filter.
#include "vcpusched/balance_search.hpp"

#include <gtest/gtest.h>

#include <string>

#include "report_builder.hpp"
#include "vcpusched/placement.hpp"
#include "vcpusched/sim/host_topology.hpp"

namespace vcpusched {
namespace {

using testing::ReportBuilder;

// 2 sockets × 4 cores × 2 threads in 2 nodes, randomly-looking loads, some starved vCPUs.
ReportBuilder shaped_host() {
    sim::HostSpec h;
    h.sockets = 2;
    h.nodes = 2;
    h.cores = 4;
    h.threads = 2;
    ReportBuilder b(sim::host_topology(h));
    for (int i = 0; i < 40; ++i) {
        const std::string name = "vm" + std::to_string(i % 9);
        const std::string pcpu = std::to_string((i * 7) % 5 + (i % 3 == 0 ? 8 : 0));
        if (i % 4 == 0)
            b.guessed_vcpu(name, i, 0.05 + 0.01 * (i % 5), 0.3 + 0.02 * (i % 7), pcpu);
        else
            b.vcpu(name, i, 0.05 + 0.03 * (i % 6), pcpu);
    }
    return b;
}

TEST(BalanceSearch, MoveCacheGivesTheSameMovesAsAFreshSearch) {
    ReportBuilder b = shaped_host();
    const LoadReport report = b.build();
    const PolicyConfig policy;
    Placement pl(report, b.topology(), policy, MoveHistory{});
    ASSERT_TRUE(pl.topo().active());
    MovableBySlot movable(pl);
    MoveCache cache(pl.slots());
    int steps = 0;
    for (; steps < 30; ++steps) {
        // Relief-only steps in the second half, so that a change of filter is covered too.
        const StepFilter filter{kNoGain, steps >= 10};
        const Step fresh = best_single_move(pl, movable, policy, filter);
        const Step cached = best_single_move(pl, movable, policy, filter, &cache);
        ASSERT_EQ(fresh.gain.squares, cached.gain.squares) << "step " << steps;
        if (fresh.gain.squares == kNoGain)
            break;
        EXPECT_EQ(fresh.x, cached.x) << "step " << steps;
        EXPECT_EQ(fresh.b, cached.b) << "step " << steps;
        movable.remove(fresh.a, fresh.x);
        pl.move(fresh.x, fresh.b);
    }
    EXPECT_GE(steps, 5);  // the comparison covered several steps, not just the first
}

TEST(BalanceSearch, ReliefOnlyMovesOffPcpusWhoseVcpusWait) {
    // pCPU 0 carries 1.2 (its vCPUs wait), pCPU 1 0.9 (busier than the rest but not short).
    ReportBuilder b(4);
    for (int v = 0; v < 4; ++v)
        b.vcpu("hot", v, 0.3, "0");
    for (int v = 0; v < 3; ++v)
        b.vcpu("warm", v, 0.3, "1");
    const LoadReport report = b.build();
    const PolicyConfig policy;
    Placement pl(report, b.topology(), policy, MoveHistory{});
    EXPECT_TRUE(waits(pl, 0));
    EXPECT_FALSE(waits(pl, 1));
    MovableBySlot movable(pl);
    const Step s = best_single_move(pl, movable, policy, StepFilter{kNoGain, true});
    ASSERT_GT(s.gain.squares, kNoGain);
    EXPECT_EQ(s.a, 0);
    EXPECT_TRUE(relieves(pl, s));
}

TEST(BalanceSearch, ReliefDoesNotOverloadTheTarget) {
    // A 0.5 vCPU off a 1.5 pCPU onto one at 0.7 would leave that one short of run time.
    ReportBuilder b(2);
    b.vcpu("a", 0, 0.5, "0").vcpu("a", 1, 0.5, "0").vcpu("a", 2, 0.5, "0");
    b.vcpu("b", 0, 0.7, "1");
    const LoadReport report = b.build();
    Placement pl(report, b.topology(), PolicyConfig{}, MoveHistory{});
    Step s;
    s.x = 0;
    s.a = 0;
    s.b = 1;
    EXPECT_FALSE(relieves(pl, s));
}

// bench numa-four-nodes: a saturated start read at the guesses' high end made whole nodes
// look overloaded, crossings to other nodes came at a discount, and vCPUs moved there ran
// remote on pCPUs they then saturated. The discount rests on the low (sure) reading.
TEST(BalanceSearch, NodeMeansAndCrossingPricesReadGuessesAtTheirLowEnd) {
    sim::HostSpec h;
    h.sockets = 2;
    h.nodes = 2;
    h.cores = 2;
    ReportBuilder b(sim::host_topology(h));
    // Node 0: pCPU 0 saturated by two starved vCPUs (ran 0.5 each, read 0.9), pCPU 1 idle.
    b.guessed_vcpu("g1", 0, 0.5, 0.9, "0").guessed_vcpu("g2", 0, 0.5, 0.9, "0");
    // Node 1: 0.5 on each pCPU, measured. Surely, both nodes carry 0.5 per pCPU.
    b.vcpu("c", 0, 0.5, "2").vcpu("d", 0, 0.5, "3");
    const LoadReport report = b.build();
    const PolicyConfig policy;
    Placement pl(report, b.topology(), policy, MoveHistory{});
    ASSERT_NEAR(pl.load(0), 1.8, 1e-9);  // the high reading is what balancing sees
    EXPECT_NEAR(pl.node_mean(0), 0.5, 1e-9);
    EXPECT_NEAR(pl.node_mean(1), 0.5, 1e-9);
    // Even nodes: a crossing pays the full price.
    EXPECT_NEAR(pl.crossing_cost(0, 2),
                policy.topology.cross_node_gain + policy.topology.cross_cache_gain, 1e-9);

    // Moving a starved vCPU off takes its sure part out of the node's load, its guess with it.
    pl.move(0, 1);
    EXPECT_NEAR(pl.node_mean(0), 0.5, 1e-9);
    pl.move(0, 2);
    EXPECT_NEAR(pl.node_mean(0), 0.25, 1e-9);
    EXPECT_NEAR(pl.node_mean(1), 0.75, 1e-9);
}

}  // namespace
}  // namespace vcpusched
