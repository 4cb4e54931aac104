// CpuSet <-> libvirt cpumap conversion, bounded by the host's CPU count.
#include <gtest/gtest.h>

#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/cpumap.hpp"

namespace vcpusched::libvirt {
namespace {

TEST(Cpumap, RoundTrip) {
    CpuSet cpus{0, 3, 9};
    auto map = map_from_cpuset(cpus, 12);
    ASSERT_EQ(map.size(), 2u);
    EXPECT_EQ(map[0], 0b00001001);
    EXPECT_EQ(map[1], 0b00000010);
    EXPECT_EQ(cpuset_from_map(map, 12), cpus);
}

TEST(Cpumap, MapWiderThanTheHostIsClipped) {
    std::vector<unsigned char> map{0xff, 0xff};
    EXPECT_EQ(cpuset_from_map(map, 4), CpuSet::range(0, 3));
}

TEST(Cpumap, CpuBeyondTheHostIsRefused) {
    try {
        map_from_cpuset(CpuSet{1, 8}, 8);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "CPU 8 is not on this host (8 CPUs)");
    }
}

TEST(Cpumap, EmptySetIsRefused) {
    EXPECT_THROW(map_from_cpuset(CpuSet{}, 8), Error);
}

}  // namespace
}  // namespace vcpusched::libvirt
