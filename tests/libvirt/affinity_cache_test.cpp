// AffinityCache: starting placement, own pins and their echoes, re-pins by someone else.
#include <gtest/gtest.h>

#include "vcpusched/libvirt/affinity_cache.hpp"

namespace vcpusched::libvirt {
namespace {

class AffinityCacheTest : public ::testing::Test {
  protected:
    void SetUp() override { cache.read("u1", "web", 7, {CpuSet{0}, CpuSet{1}}, 1); }
    AffinityCache cache;
};

TEST_F(AffinityCacheTest, FirstReadIsTheStartingPlacementNotARepin) {
    EXPECT_EQ(cache.affinity("u1", 0), CpuSet{0});
    EXPECT_EQ(cache.affinity("u1", 1), CpuSet{1});
    EXPECT_TRUE(cache.knows("u1", 7, {0, 1}));
    EXPECT_FALSE(cache.knows("u1", 7, {0, 1, 2})) << "a hot-added vCPU needs a read";
    EXPECT_FALSE(cache.knows("u1", 8, {0})) << "a restarted domain needs a read";
    EXPECT_TRUE(cache.take_external_repins().empty());
}

TEST_F(AffinityCacheTest, OwnPinUpdatesWithoutARead) {
    cache.pinned("u1", 0, CpuSet{3});
    EXPECT_EQ(cache.affinity("u1", 0), CpuSet{3});
    cache.observed("u1", 7, 0, CpuSet{3});  // the echo
    cache.read("u1", "web", 7, {CpuSet{3}, CpuSet{1}}, 2);
    EXPECT_TRUE(cache.take_external_repins().empty());
}

TEST_F(AffinityCacheTest, LateEchoOfAnOlderOwnPinIsNotARepin) {
    cache.pinned("u1", 0, CpuSet{2});
    cache.pinned("u1", 0, CpuSet{3});
    cache.observed("u1", 7, 0, CpuSet{2});
    EXPECT_EQ(cache.affinity("u1", 0), CpuSet{3}) << "the newer own pin stands";
    cache.observed("u1", 7, 0, CpuSet{3});
    EXPECT_TRUE(cache.take_external_repins().empty());
}

TEST_F(AffinityCacheTest, EventWithAnotherPinIsAnExternalRepin) {
    cache.observed("u1", 7, 1, CpuSet{4, 5});
    EXPECT_EQ(cache.affinity("u1", 1), (CpuSet{4, 5}));
    auto repins = cache.take_external_repins();
    ASSERT_EQ(repins.size(), 1u);
    EXPECT_EQ(repins[0].domain_uuid, "u1");
    EXPECT_EQ(repins[0].domain_name, "web");
    EXPECT_EQ(repins[0].vcpu, 1);
    EXPECT_TRUE(cache.take_external_repins().empty()) << "each reported once";
}

TEST_F(AffinityCacheTest, EventRepeatingTheKnownPinIsNothing) {
    cache.observed("u1", 7, 1, CpuSet{1});
    EXPECT_TRUE(cache.take_external_repins().empty());
}

TEST_F(AffinityCacheTest, RereadThatDisagreesIsAnExternalRepin) {
    cache.read("u1", "web", 7, {CpuSet{0}, CpuSet{6}}, 5);
    auto repins = cache.take_external_repins();
    ASSERT_EQ(repins.size(), 1u);
    EXPECT_EQ(repins[0].vcpu, 1);
    EXPECT_EQ(cache.affinity("u1", 1), CpuSet{6});
}

TEST_F(AffinityCacheTest, RestartedDomainStartsAfresh) {
    cache.read("u1", "web", 8, {CpuSet{5}, CpuSet{6}}, 5);
    EXPECT_TRUE(cache.take_external_repins().empty());
    cache.observed("u1", 7, 0, CpuSet{1});  // an event of the old run
    EXPECT_EQ(cache.affinity("u1", 0), CpuSet{5});
    EXPECT_TRUE(cache.take_external_repins().empty());
}

TEST_F(AffinityCacheTest, EventsForUnknownDomainsAreIgnored) {
    cache.observed("u9", 1, 0, CpuSet{1});
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_TRUE(cache.take_external_repins().empty());
}

TEST_F(AffinityCacheTest, OwnPinEchoesAreBounded) {
    // A driver that never echoes must not make the pending list grow, nor hide a later
    // external pin to a value we used long ago.
    for (int cpu = 0; cpu < 10; ++cpu)
        cache.pinned("u1", 0, CpuSet{cpu});
    cache.observed("u1", 7, 0, CpuSet{0});
    EXPECT_EQ(cache.take_external_repins().size(), 1u);
}

TEST_F(AffinityCacheTest, DueListsLeastRecentlyReadFirstUpToTheLimit) {
    cache.read("u2", "db", 3, {CpuSet{0}}, 2);
    cache.read("u3", "mail", 4, {CpuSet{0}}, 3);
    EXPECT_TRUE(cache.due(10, 30, 5).empty());
    EXPECT_EQ(cache.due(32, 30, 5), (std::vector<std::string>{"u1", "u2"}));
    EXPECT_EQ(cache.due(40, 30, 1), (std::vector<std::string>{"u1"}));
}

TEST_F(AffinityCacheTest, KeepOnlyForgetsStoppedDomains) {
    cache.read("u2", "db", 3, {CpuSet{0}}, 2);
    cache.keep_only({"u2"});
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_TRUE(cache.affinity("u1", 0).empty());
}

}  // namespace
}  // namespace vcpusched::libvirt
