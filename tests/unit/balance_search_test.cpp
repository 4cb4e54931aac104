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

}  // namespace
}  // namespace vcpusched
