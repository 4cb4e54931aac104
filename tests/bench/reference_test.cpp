#include "reference.hpp"

#include <gtest/gtest.h>

using vcpusched::bench::load_lower_bound;
using vcpusched::bench::reference_placement;
using vcpusched::bench::spread_of_placement;

TEST(Reference, FindsThePerfectPairingLptAloneMisses) {
    // LPT puts 0.5,0.5 / 0.4,0.3 / … ; the local search finds 0.6 everywhere.
    auto r = reference_placement({0.5, 0.5, 0.4, 0.3, 0.3, 0.2, 0.1, 0.1, 0.2, 0.2}, 4);
    EXPECT_NEAR(r.max_load, 0.7, 1e-9);
    EXPECT_LT(r.spread, 5.0);
}

TEST(Reference, OneBigVcpuBoundsTheMaxLoad) {
    EXPECT_DOUBLE_EQ(load_lower_bound({0.9, 0.1, 0.1}, 3), 0.9);
    EXPECT_DOUBLE_EQ(load_lower_bound({0.5, 0.5, 0.5, 0.5}, 2), 1.0);
    auto r = reference_placement({0.9, 0.1, 0.1}, 3);
    EXPECT_DOUBLE_EQ(r.max_load, 0.9);
    EXPECT_GT(r.spread, 30.0);  // no even placement exists
}

TEST(Reference, AlternatingHeavyLightPairsUp) {
    auto r = reference_placement({0.8, 0.1, 0.8, 0.1, 0.8, 0.1, 0.8, 0.1}, 4);
    EXPECT_NEAR(r.spread, 0.0, 1e-9);
}

TEST(Reference, PlacementIsReturnedAndScoresOtherDemands) {
    auto r = reference_placement({0.7, 0.1, 0.7, 0.1}, 2);
    ASSERT_EQ(r.where.size(), 4U);
    EXPECT_NE(r.where[0], r.where[2]);  // the two heavy ones apart
    // The same placement one period later, when the light ones grew: still even.
    EXPECT_NEAR(spread_of_placement({0.7, 0.3, 0.7, 0.3}, r.where, 2), 0.0, 1e-9);
    // A newcomer (-1) goes to the least loaded pCPU.
    EXPECT_NEAR(spread_of_placement({0.5, 0.2, 0.3}, {0, -1, 1}, 2), 0.0, 1e-9);
}
