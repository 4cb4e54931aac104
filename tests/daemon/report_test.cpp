// Report text: the pin line, the STATUS line and the --once report.
#include "report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vcpusched::daemon {
namespace {

using ::testing::HasSubstr;

CycleReport two_domain_report() {
    CycleReport r;
    r.load.interval_s = 2;
    r.load.pcpus = {PcpuLoad{0, 1.41, -1, true}, PcpuLoad{1, 0.2, -1, false}};
    VcpuLoad a;
    a.ref = VcpuRef{"u-1", "web01", 0};
    a.pcpu = 0;
    a.demand = 0.79;
    VcpuLoad b;
    b.ref = VcpuRef{"u-1", "web01", 1};
    b.pcpu = 0;
    b.demand = 0.62;
    VcpuLoad c;
    c.ref = VcpuRef{"u-2", "db01", 0};
    c.pcpu = 1;
    c.demand = 0.2;
    r.load.vcpus = {a, b, c};
    Move m{b.ref, 0, 1, 0.62};
    r.plan.moves = {m};
    r.plan.pcpu_ids = {0, 1};
    r.plan.load_before = {1.41, 0.2};
    r.plan.load_after = {0.79, 0.82};
    r.plan.spread_before = 60.5;
    r.plan.spread_after = 1.5;
    r.plan.reason = "spread 60.5 above threshold 5";
    return r;
}

TEST(ReportTest, PinLineReadsAsAMove) {
    CycleReport r = two_domain_report();
    EXPECT_EQ(describe_move(r.plan.moves[0], r.plan),
              "web01 vcpu 1: pCPU 0 → 1 (demand 62%, pCPU 0 at 141% → 79%)");
}

TEST(ReportTest, UnpinnedVcpuMoveNamesTheTarget) {
    Plan plan;
    EXPECT_EQ(describe_move(Move{VcpuRef{"u", "vm", 2}, -1, 5, 0.3}, plan),
              "vm vcpu 2: unpinned → pCPU 5 (demand 30%)");
}

TEST(ReportTest, StatusLineCountsDomainsVcpusPcpusAndMoves) {
    CycleReport r = two_domain_report();
    r.results = {MoveResult{r.plan.moves[0], MoveOutcome::Done, ""}};
    EXPECT_EQ(status_line(r), "2 domains, 3 vCPUs on 2 pCPUs, spread 60.5 → 1.5 points, 1 moves");
    r.results.clear();
    EXPECT_EQ(status_line(r),
              "2 domains, 3 vCPUs on 2 pCPUs, spread 60.5 → 1.5 points, 1 moves planned (dry run)");
    r.baseline = true;
    EXPECT_EQ(status_line(r), "2 domains, 3 vCPUs on 2 pCPUs, first sample: measuring");
}

TEST(ReportTest, OnceReportShowsLoadsPlanAndOutcomes) {
    CycleReport r = two_domain_report();
    std::string dry = once_report(r, true);
    EXPECT_THAT(dry, HasSubstr("pCPU loads: 0=141% 1=20%"));
    EXPECT_THAT(dry, HasSubstr("db01 vcpu 0 on pCPU 1: demand 20%"));
    EXPECT_THAT(dry, HasSubstr("plan: 1 moves, spread 60.5 → 1.5 points"));
    EXPECT_THAT(dry, HasSubstr("web01 vcpu 1: pCPU 0 → 1 (demand 62%, pCPU 0 at 141% → 79%): "
                               "not pinned (dry run)"));
    r.results = {MoveResult{r.plan.moves[0], MoveOutcome::Failed, "invalid argument"}};
    EXPECT_THAT(once_report(r, false), HasSubstr("→ 79%): failed: invalid argument"));
}

TEST(ReportTest, JournalFieldsOfAMove) {
    auto fields = move_fields(Move{VcpuRef{"u-9", "web01", 1}, 0, 3, 0.624});
    EXPECT_THAT(fields,
                ::testing::ElementsAre(
                    JournalField{"VCPU_DOMAIN", "web01"}, JournalField{"VCPU_DOMAIN_UUID", "u-9"},
                    JournalField{"VCPU_ID", "1"}, JournalField{"VCPU_FROM", "0"},
                    JournalField{"VCPU_TO", "3"}, JournalField{"VCPU_DEMAND", "62"}));
}

}  // namespace
}  // namespace vcpusched::daemon
