// fill_l3_from_sysfs against fake sysfs trees.
#include <gtest/gtest.h>

#include "support.hpp"
#include "vcpusched/topology_sysfs.hpp"

namespace vcpusched {
namespace {

TEST(TopologySysfs, FillsL3IdsFromTheLevel3Index) {
    Topology t = Topology::flat(4);
    ASSERT_TRUE(fill_l3_from_sysfs(t, testing::data_path("sysfs-cpu")));
    EXPECT_EQ(t.pcpus[0].cache, 0);
    EXPECT_EQ(t.pcpus[1].cache, 0);
    EXPECT_EQ(t.pcpus[2].cache, 1);
    EXPECT_EQ(t.pcpus[3].cache, 1);
}

TEST(TopologySysfs, ACpuWithoutL3LeavesEveryCacheUnknown) {
    Topology t = Topology::flat(2);
    EXPECT_FALSE(fill_l3_from_sysfs(t, testing::data_path("sysfs-cpu-no-l3")));
    EXPECT_EQ(t.pcpus[0].cache, -1);
    EXPECT_EQ(t.pcpus[1].cache, -1);
}

TEST(TopologySysfs, ATopologyLargerThanTheTreeIsLeftAlone) {
    Topology t = Topology::flat(8);
    EXPECT_FALSE(fill_l3_from_sysfs(t, testing::data_path("sysfs-cpu")));
    EXPECT_EQ(t.pcpus[0].cache, -1);
}

TEST(TopologySysfs, MissingTreeIsNotAnError) {
    Topology t = Topology::flat(2);
    EXPECT_FALSE(fill_l3_from_sysfs(t, "/nonexistent/sys/devices/system/cpu"));
}

}  // namespace
}  // namespace vcpusched
