#include "vcpusched/sim/water_fill.hpp"

#include <gtest/gtest.h>

#include <numeric>

using vcpusched::sim::water_fill;

TEST(SimWaterFill, UndersubscribedPcpuGivesEveryoneWhatItWants) {
    auto gets = water_fill({0.2, 0.3, 0.1}, 1.0);
    EXPECT_DOUBLE_EQ(gets[0], 0.2);
    EXPECT_DOUBLE_EQ(gets[1], 0.3);
    EXPECT_DOUBLE_EQ(gets[2], 0.1);
}

TEST(SimWaterFill, SaturatedPcpuSplitsWhatTheSmallLeave) {
    // 0.1 is served in full; 0.9 left for two that want 0.8 each: 0.45 apiece.
    auto gets = water_fill({0.8, 0.1, 0.8}, 1.0);
    EXPECT_DOUBLE_EQ(gets[1], 0.1);
    EXPECT_DOUBLE_EQ(gets[0], 0.45);
    EXPECT_DOUBLE_EQ(gets[2], 0.45);
}

TEST(SimWaterFill, FourEqualWantsShareEvenly) {
    auto gets = water_fill({0.4, 0.4, 0.4, 0.4}, 1.0);
    for (double g : gets)
        EXPECT_DOUBLE_EQ(g, 0.25);
}

TEST(SimWaterFill, NobodyGetsMoreThanItWantsAndTotalIsCapped) {
    std::vector<double> wants{0.05, 0.6, 0.3, 0.9, 0.0};
    auto gets = water_fill(wants, 1.0);
    for (std::size_t i = 0; i < wants.size(); ++i)
        EXPECT_LE(gets[i], wants[i]);
    EXPECT_NEAR(std::accumulate(gets.begin(), gets.end(), 0.0), 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(gets[4], 0.0);
    // Max-min fair: the two that are not satisfied get the same.
    EXPECT_DOUBLE_EQ(gets[1], gets[3]);
}

TEST(SimWaterFill, NoWantsNoCrash) {
    EXPECT_TRUE(water_fill({}, 1.0).empty());
}
