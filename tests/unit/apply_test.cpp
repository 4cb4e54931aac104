// apply(): one result per move; vanished domains are routine; a lost connection stops the run.
#include "vcpusched/apply.hpp"

#include <gtest/gtest.h>

#include "fake_hypervisor.hpp"

namespace vcpusched {
namespace {

using testing::FakeHypervisor;

Move move_of(const std::string& name, int vcpu, int from, int to) {
    return Move{VcpuRef{"uuid-" + name, name, vcpu}, from, to, 0.3};
}

Plan plan_of(std::vector<Move> moves) {
    Plan p;
    p.moves = std::move(moves);
    return p;
}

TEST(Apply, PinsEachMoveToItsSinglePcpu) {
    FakeHypervisor hv;
    auto results = apply(plan_of({move_of("a", 0, 0, 2), move_of("b", 1, -1, 3)}), hv);
    ASSERT_EQ(results.size(), 2U);
    EXPECT_EQ(results[0].outcome, MoveOutcome::Done);
    EXPECT_EQ(results[1].outcome, MoveOutcome::Done);
    EXPECT_TRUE(results[0].message.empty());
    ASSERT_EQ(hv.pins.size(), 2U);
    EXPECT_EQ(hv.pins[0].vcpu.domain_name, "a");
    EXPECT_EQ(hv.pins[0].cpus, CpuSet({2}));
    EXPECT_EQ(hv.pins[1].vcpu.vcpu, 1);
    EXPECT_EQ(hv.pins[1].cpus, CpuSet({3}));
}

TEST(Apply, EmptyPlanPinsNothing) {
    FakeHypervisor hv;
    EXPECT_TRUE(apply(Plan{}, hv).empty());
    EXPECT_TRUE(hv.pins.empty());
}

TEST(Apply, VanishedDomainIsReportedAndTheRestStillApplied) {
    FakeHypervisor hv;
    hv.fail_pins_of("gone", HypervisorErrorKind::DomainGone);
    auto results = apply(plan_of({move_of("gone", 0, 0, 1), move_of("b", 0, 0, 2)}), hv);
    EXPECT_EQ(results[0].outcome, MoveOutcome::DomainGone);
    EXPECT_NE(results[0].message.find("gone"), std::string::npos);
    EXPECT_EQ(results[1].outcome, MoveOutcome::Done);
    EXPECT_EQ(hv.pins.size(), 1U);
}

TEST(Apply, OtherFailureNamesDomainAndVcpuAndTheRestStillApplied) {
    FakeHypervisor hv;
    hv.fail_pins_of("bad", HypervisorErrorKind::Other);
    auto results = apply(plan_of({move_of("bad", 3, 0, 1), move_of("b", 0, 0, 2)}), hv);
    EXPECT_EQ(results[0].outcome, MoveOutcome::Failed);
    EXPECT_NE(results[0].message.find("bad vcpu 3"), std::string::npos) << results[0].message;
    EXPECT_EQ(results[1].outcome, MoveOutcome::Done);
}

TEST(Apply, LostConnectionStopsAndRethrowsWithResultsKept) {
    FakeHypervisor hv;
    hv.fail_pins_of("lost", HypervisorErrorKind::ConnectionLost);
    std::vector<MoveResult> results;
    Plan p = plan_of({move_of("a", 0, 0, 1), move_of("lost", 0, 0, 2), move_of("c", 0, 0, 3)});
    try {
        apply(p, hv, results);
        FAIL() << "expected HypervisorError";
    } catch (const HypervisorError& e) {
        EXPECT_EQ(e.kind(), HypervisorErrorKind::ConnectionLost);
    }
    ASSERT_EQ(results.size(), 3U);
    EXPECT_EQ(results[0].outcome, MoveOutcome::Done);
    EXPECT_EQ(results[1].outcome, MoveOutcome::Failed);
    EXPECT_EQ(results[2].outcome, MoveOutcome::Skipped);
    EXPECT_EQ(hv.pins.size(), 1U);
}

TEST(Apply, MoveWithoutTargetIsSkipped) {
    FakeHypervisor hv;
    auto results = apply(plan_of({move_of("a", 0, 0, -1)}), hv);
    EXPECT_EQ(results[0].outcome, MoveOutcome::Skipped);
    EXPECT_TRUE(hv.pins.empty());
}

}  // namespace
}  // namespace vcpusched
