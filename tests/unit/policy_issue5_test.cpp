// Regressions found by the quality benchmark (issue 5): hysteresis, exchanges, guessed loads.
#include <gtest/gtest.h>

#include "report_builder.hpp"
#include "vcpusched/policy.hpp"

namespace vcpusched {
namespace {

using testing::ReportBuilder;

// bench sixteen-on-eight, steady-noise: a rebalance that stopped as soon as the predicted spread
// was ≤ 5 left the host where noise pushed it back over 5 for many periods.
TEST(Issue5, TriggeredRebalanceAimsAtHalfTheThreshold) {
    // Loads 0.70 / 0.55 / 0.50 / 0.25: spread 16.2. Moving the 0.20 from pCPU 0 to 3 gives
    // 0.50 / 0.55 / 0.50 / 0.45, spread 3.5 (≤ 5); the 0.05 from 1 to 3 then evens it out.
    ReportBuilder b(4);
    b.vcpu("a", 0, 0.50, "0").vcpu("b", 0, 0.20, "0");
    b.vcpu("c", 0, 0.50, "1").vcpu("d", 0, 0.05, "1");
    b.vcpu("e", 0, 0.50, "2");
    b.vcpu("f", 0, 0.25, "3");
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    EXPECT_NEAR(p.spread_before, 16.2, 0.05);
    EXPECT_EQ(p.moves.size(), 2U) << p.reason;
    EXPECT_LE(p.spread_after, 2.5);
}

// After a cycle that moved vCPUs (demands of saturated pCPUs are guesses until measured
// again), the next cycle goes on to half the threshold even though the spread is under it.
TEST(Issue5, RebalanceContinuesBelowThresholdRightAfterMoves) {
    ReportBuilder b(4);
    b.vcpu("a", 0, 0.50, "0").vcpu("x", 0, 0.07, "0");
    b.vcpu("b", 0, 0.50, "1").vcpu("c", 0, 0.50, "2").vcpu("d", 0, 0.43, "3");
    LoadReport report = b.build();
    PolicyConfig policy;

    MoveHistory idle;
    idle.cycle = 10;
    Plan quiet = plan(report, b.topology(), policy, idle);
    EXPECT_GT(quiet.spread_before, 2.5);
    EXPECT_LE(quiet.spread_before, policy.threshold);
    EXPECT_TRUE(quiet.moves.empty()) << quiet.reason;

    MoveHistory busy = idle;
    busy.last_moved[{"uuid-other", 0}] = 9;  // the previous cycle moved a vCPU
    Plan more = plan(report, b.topology(), policy, busy);
    ASSERT_EQ(more.moves.size(), 1U) << more.reason;
    EXPECT_EQ(more.moves[0].vcpu.domain_name, "x");
    EXPECT_EQ(more.moves[0].to, 3);
    EXPECT_LE(more.spread_after, 2.5);

    MoveHistory long_ago = idle;
    long_ago.last_moved[{"uuid-other", 0}] = 5;
    EXPECT_TRUE(plan(report, b.topology(), policy, long_ago).moves.empty());
}

// bench steady-noise: coarse vCPUs stall moves and swaps above the aim. pCPU 0 holds
// 0.25 × 3 (0.75), pCPU 1 0.10, 0.10, 0.45 (0.65): no single move or swap narrows the 0.10
// gap, one 0.25 for the two 0.10s closes it.
ReportBuilder coarse_pair() {
    ReportBuilder b(2);
    b.vcpu("a", 0, 0.25, "0").vcpu("b", 0, 0.25, "0").vcpu("c", 0, 0.25, "0");
    b.vcpu("x", 0, 0.10, "1").vcpu("y", 0, 0.10, "1").vcpu("z", 0, 0.45, "1");
    return b;
}

TEST(Issue5, ExchangeClosesAGapNoMoveOrSwapCan) {
    ReportBuilder b = coarse_pair();
    PolicyConfig policy;
    policy.threshold = 2;  // two pCPUs 0.10 apart read 5 points
    Plan p = plan(b.build(), b.topology(), policy, MoveHistory{});
    ASSERT_EQ(p.moves.size(), 3U) << p.reason;
    EXPECT_NE(p.reason.find("1 exchange"), std::string::npos) << p.reason;
    EXPECT_NEAR(p.spread_before, 5.0, 1e-6);
    EXPECT_NEAR(p.spread_after, 0.0, 1e-6);
    for (const auto& m : p.moves)
        EXPECT_NE(m.vcpu.domain_name, "z") << "the 0.45 had no reason to move";
}

TEST(Issue5, ExchangeStaysWithinTheMoveBudget) {
    ReportBuilder b = coarse_pair();
    PolicyConfig policy;
    policy.threshold = 2;
    policy.max_moves = 2;  // the exchange needs three pins
    Plan p = plan(b.build(), b.topology(), policy, MoveHistory{});
    EXPECT_TRUE(p.moves.empty()) << p.reason;
    EXPECT_NE(p.reason.find("no further move gains"), std::string::npos) << p.reason;
}

// bench steady-noise: balancing the whole host around guessed demands (run + delay on a
// saturated pCPU, often far above the truth) left it where only one more cycle of moves
// could help, and that cycle came after the host had dipped under the threshold.
TEST(Issue5, WhileSomeLoadIsGuessedACycleOnlyRelievesThosePcpus) {
    ReportBuilder b(4);
    b.guessed_vcpu("g1", 0, 0.5, 0.9, "0").guessed_vcpu("g2", 0, 0.5, 0.9, "0");
    b.vcpu("a", 0, 0.45, "1").vcpu("b", 0, 0.35, "1");  // 0.80, measured
    b.vcpu("c", 0, 0.10, "2").vcpu("d", 0, 0.20, "3");
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_FALSE(p.moves.empty()) << p.reason;
    bool relieved = false;
    for (const auto& m : p.moves) {
        EXPECT_NE(m.vcpu.domain_name, "a") << p.reason;
        EXPECT_NE(m.vcpu.domain_name, "b") << p.reason;
        relieved = relieved || m.from == 0;
    }
    EXPECT_TRUE(relieved) << p.reason;
    EXPECT_NE(p.reason.find("the rest after measuring again"), std::string::npos) << p.reason;

    // Measured, the same host is balanced as a whole: pCPU 1 gives up load too.
    ReportBuilder measured(4);
    measured.vcpu("g1", 0, 0.5, "0").vcpu("g2", 0, 0.5, "0");
    measured.vcpu("a", 0, 0.45, "1").vcpu("b", 0, 0.35, "1");
    measured.vcpu("c", 0, 0.10, "2").vcpu("d", 0, 0.20, "3");
    Plan all = plan(measured.build(), measured.topology(), PolicyConfig{}, MoveHistory{});
    bool from_one = false;
    for (const auto& m : all.moves)
        from_one = from_one || m.from == 1;
    EXPECT_TRUE(from_one) << all.reason;
}

TEST(Issue5, GuessedPcpusThatNothingCanRelieveDoNotHoldTheRestBack) {
    // pCPU 0 reads as saturated but no step off it pays in the worse reading: the cycle
    // balances the others instead of doing nothing.
    ReportBuilder b(4);
    b.guessed_vcpu("g", 0, 0.95, 1.0, "0");
    b.vcpu("a", 0, 0.6, "1").vcpu("b", 0, 0.3, "1");
    b.vcpu("c", 0, 0.3, "2").vcpu("d", 0, 0.1, "3");
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_FALSE(p.moves.empty()) << p.reason;
    for (const auto& m : p.moves)
        EXPECT_NE(m.vcpu.domain_name, "g") << p.reason;
    EXPECT_EQ(p.reason.find("the rest after measuring again"), std::string::npos) << p.reason;
}

}  // namespace
}  // namespace vcpusched
