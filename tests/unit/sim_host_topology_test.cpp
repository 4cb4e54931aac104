#include "vcpusched/sim/host_topology.hpp"

#include <gtest/gtest.h>

#include "vcpusched/error.hpp"

using vcpusched::CpuSet;
using vcpusched::Error;
using vcpusched::sim::host_topology;
using vcpusched::sim::HostSpec;

TEST(SimHostTopology, TwoSocketsEightCoresTwoThreadsNumbersLikeLinux) {
    HostSpec host{.sockets = 2, .cores = 8, .threads = 2, .nodes = 2};
    auto t = host_topology(host);
    ASSERT_EQ(t.pcpus.size(), 32U);
    // pCPU 3 and 19 are the two threads of socket 0, core 3.
    EXPECT_EQ(t.pcpus[3].siblings, (CpuSet{3, 19}));
    EXPECT_EQ(t.pcpus[19].siblings, (CpuSet{3, 19}));
    EXPECT_EQ(t.pcpus[19].core, 3);
    EXPECT_EQ(t.pcpus[9].socket, 1);
    EXPECT_EQ(t.pcpus[9].node, 1);
    EXPECT_EQ(t.pcpus[25].node, 1);
    EXPECT_EQ(t.pcpus[9].cache, 1);
    EXPECT_EQ(t.online(), CpuSet::range(0, 31));
}

TEST(SimHostTopology, FourNodesInOneSocketHaveTheirOwnCache) {
    HostSpec host{.sockets = 1, .cores = 64, .threads = 1, .nodes = 4};
    auto t = host_topology(host);
    EXPECT_EQ(t.pcpus[15].node, 0);
    EXPECT_EQ(t.pcpus[16].node, 1);
    EXPECT_EQ(t.pcpus[63].node, 3);
    EXPECT_EQ(t.pcpus[63].cache, 3);
    EXPECT_EQ(t.pcpus[63].socket, 0);
}

TEST(SimHostTopology, ShapesThatDoNotAddUpAreRejected) {
    EXPECT_THROW(host_topology(HostSpec{.sockets = 2, .cores = 8, .threads = 1, .nodes = 3}),
                 Error);
    EXPECT_THROW(host_topology(HostSpec{.sockets = 0}), Error);
    EXPECT_THROW(host_topology(HostSpec{.smt_factor = 0}), Error);
}
