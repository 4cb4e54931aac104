// plan() places unpinned vCPUs where they run when the kernel already balanced them.
#include <gtest/gtest.h>

#include <string>

#include "report_builder.hpp"
#include "vcpusched/policy.hpp"

namespace vcpusched {
namespace {

using testing::ReportBuilder;

// Eight unpinned 40 % vCPUs on 4 pCPUs, running two per pCPU or crowded on two pCPUs.
ReportBuilder unpinned(const int (&running)[8]) {
    ReportBuilder b(4);
    for (int i = 0; i < 8; ++i)
        b.vcpu("vm" + std::to_string(i), 0, 0.4, "0-3").running_on(running[i]);
    return b;
}

TEST(PolicyInPlace, VcpusTheKernelBalancedArePinnedWhereTheyRun) {
    const int running[8] = {0, 0, 1, 1, 2, 2, 3, 3};
    ReportBuilder b = unpinned(running);
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_EQ(p.moves.size(), 8U) << p.reason;  // every unpinned vCPU ends pinned
    for (const auto& m : p.moves) {
        const int i = std::stoi(m.vcpu.domain_name.substr(2));
        EXPECT_EQ(m.from, -1);
        EXPECT_EQ(m.to, running[i]) << m.vcpu.domain_name;
    }
    EXPECT_NE(p.reason.find("placed 8 vCPUs where they run"), std::string::npos) << p.reason;
    EXPECT_NEAR(p.spread_after, 0.0, 1e-9);
}

TEST(PolicyInPlace, VcpusTheKernelCrowdedArePlacedByDemand) {
    const int running[8] = {0, 0, 0, 0, 1, 1, 1, 1};  // 160 % on pCPUs 0 and 1, none on 2, 3
    ReportBuilder b = unpinned(running);
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_EQ(p.moves.size(), 8U) << p.reason;
    EXPECT_EQ(p.reason.find("where they run"), std::string::npos) << p.reason;
    EXPECT_LE(p.spread_after, PolicyConfig{}.threshold);
    int on_idle = 0;
    for (const auto& m : p.moves)
        on_idle += m.to >= 2 ? 1 : 0;
    EXPECT_EQ(on_idle, 4);
}

TEST(PolicyInPlace, UnknownOrDisallowedPlaceFallsBackToPlacingByDemand) {
    // Balanced as the kernel runs them, but one vCPU's pCPU is unknown, or outside its
    // affinity (stale): the in-place shortcut is not taken for a partial picture.
    for (int bad : {-1, 3}) {
        ReportBuilder b(4);
        b.vcpu("a", 0, 0.4, "0-2").running_on(bad);
        b.vcpu("b", 0, 0.4, "0-3").running_on(1);
        b.vcpu("c", 0, 0.4, "0-3").running_on(2);
        b.vcpu("d", 0, 0.4, "0-3").running_on(3);
        Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
        ASSERT_EQ(p.moves.size(), 4U) << p.reason;
        EXPECT_EQ(p.reason.find("where they run"), std::string::npos) << p.reason;
        for (const auto& m : p.moves) {
            if (m.vcpu.domain_name == "a") {
                EXPECT_LE(m.to, 2) << "placed outside its affinity";
            }
        }
        EXPECT_LE(p.spread_after, PolicyConfig{}.threshold);
    }
}

}  // namespace
}  // namespace vcpusched
