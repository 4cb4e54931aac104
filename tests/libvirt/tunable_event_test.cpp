// vcpu_pins_from_tunable with hand-built tunable-event parameters.
#include <gtest/gtest.h>

#include "vcpusched/libvirt/handles.hpp"
#include "vcpusched/libvirt/tunable_event.hpp"

namespace vcpusched::libvirt {
namespace {

void add(TypedParams& p, const char* field, const char* value) {
    ASSERT_EQ(
        virTypedParamsAddString(p.params_out(), p.count_out(), p.capacity_out(), field, value), 0);
}

TEST(TunableEvent, ReadsVcpuPinsAndSkipsOtherTunables) {
    TypedParams p;
    add(p, "cputune.vcpupin0", "2-3");
    add(p, "cputune.emulatorpin", "0-7");
    add(p, "cputune.vcpupin3", "5");
    ASSERT_EQ(virTypedParamsAddULLong(p.params_out(), p.count_out(), p.capacity_out(),
                                      "cputune.cpu_shares", 1024),
              0);
    auto pins = vcpu_pins_from_tunable(p.data(), p.size(), 8);
    ASSERT_EQ(pins.size(), 2u);
    EXPECT_EQ(pins[0], (VcpuPin{0, CpuSet{2, 3}}));
    EXPECT_EQ(pins[1], (VcpuPin{3, CpuSet{5}}));
}

TEST(TunableEvent, AffinityWiderThanTheHostIsClipped) {
    TypedParams p;
    add(p, "cputune.vcpupin1", "0-63");
    auto pins = vcpu_pins_from_tunable(p.data(), p.size(), 4);
    ASSERT_EQ(pins.size(), 1u);
    EXPECT_EQ(pins[0].cpus, CpuSet::range(0, 3));
}

TEST(TunableEvent, BadValuesAreReportedNotThrown) {
    TypedParams p;
    add(p, "cputune.vcpupin0", "3-1");
    add(p, "cputune.vcpupinX", "1");
    add(p, "cputune.vcpupin99999999999", "1");
    std::vector<std::string> problems;
    auto pins = vcpu_pins_from_tunable(p.data(), p.size(), 8, &problems);
    EXPECT_TRUE(pins.empty());
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_NE(problems[0].find("cputune.vcpupin0: bad cpulist \"3-1\""), std::string::npos)
        << problems[0];
}

}  // namespace
}  // namespace vcpusched::libvirt
