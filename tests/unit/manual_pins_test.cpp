// ManualPins: starting placement, our own pins, someone else's re-pins, restarts.
#include "vcpusched/manual_pins.hpp"

#include <gtest/gtest.h>

#include "sample_builder.hpp"

namespace vcpusched {
namespace {

using testing::SampleBuilder;

HostSample one(const std::string& affinity, double t = 0) {
    return SampleBuilder(t).vm("a").vcpu(0, 0, 0, affinity).vcpu(1, 0, 0, "0-3");
}

VcpuRef a(int vcpu) {
    return VcpuRef{"uuid-a", "a", vcpu};
}

TEST(ManualPins, PinsPresentWhenFirstSeenAreOnlyTheStartingPlacement) {
    ManualPins m;
    EXPECT_TRUE(m.observe(one("2")).empty());
    EXPECT_FALSE(m.manual(a(0)));
}

TEST(ManualPins, OurOwnPinIsNotManual) {
    ManualPins m;
    m.observe(one("2"));
    m.pinned(a(0), CpuSet{3});
    EXPECT_TRUE(m.observe(one("3")).empty());
    EXPECT_FALSE(m.manual(a(0)));
}

TEST(ManualPins, AffinityChangedBySomeoneElseIsReportedOnce) {
    ManualPins m;
    m.observe(one("2"));
    auto found = m.observe(one("1"));
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].vcpu, a(0));
    EXPECT_EQ(found[0].before, CpuSet{2});
    EXPECT_EQ(found[0].now, CpuSet{1});
    EXPECT_TRUE(m.manual(a(0)));
    EXPECT_FALSE(m.manual(a(1)));
    EXPECT_TRUE(m.observe(one("0")).empty()) << "reported once per run of the domain";
    EXPECT_TRUE(m.manual(a(0)));
}

TEST(ManualPins, UnknownAffinityIsNoEvidence) {
    ManualPins m;
    m.observe(one("2"));
    EXPECT_TRUE(m.observe(one("")).empty());
    EXPECT_TRUE(m.observe(one("2")).empty());
}

TEST(ManualPins, VanishedOrForgottenDomainStartsAfresh) {
    ManualPins m;
    m.observe(one("2"));
    m.observe(one("1"));
    ASSERT_TRUE(m.manual(a(0)));
    m.forget("uuid-a");
    EXPECT_FALSE(m.manual(a(0)));
    EXPECT_TRUE(m.observe(one("3")).empty()) << "after a restart its pins are a new start";

    m.observe(one("1"));
    ASSERT_TRUE(m.manual(a(0)));
    m.observe(SampleBuilder(2).vm("b").vcpu(0, 0, 0, "0"));  // a stopped
    EXPECT_FALSE(m.manual(a(0)));
}

TEST(ManualPins, HotPluggedVcpuIsAStartNotARepin) {
    ManualPins m;
    m.observe(one("2"));
    HostSample plugged =
        SampleBuilder(2).vm("a").vcpu(0, 0, 0, "2").vcpu(1, 0, 0, "0-3").vcpu(2, 0, 0, "1");
    EXPECT_TRUE(m.observe(plugged).empty());
    // Unplugged, then plugged back somewhere else: a new start too.
    m.observe(one("2"));
    EXPECT_TRUE(m.observe(plugged).empty());
}

}  // namespace
}  // namespace vcpusched
