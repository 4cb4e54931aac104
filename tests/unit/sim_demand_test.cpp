#include "vcpusched/sim/demand.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "vcpusched/error.hpp"
#include "vcpusched/sim/random.hpp"

using namespace std::chrono_literals;
using vcpusched::Error;
using vcpusched::sim::DemandProfile;
using vcpusched::sim::DemandSource;
using vcpusched::sim::ProfileKind;
using vcpusched::sim::Rng;

TEST(SimDemand, StepChangesLevelAtItsTime) {
    DemandProfile p{.kind = ProfileKind::Step, .level = 0.2, .to = 0.7, .at = 10s};
    DemandSource d(p, 1);
    EXPECT_DOUBLE_EQ(d.next(9900ms), 0.2);
    EXPECT_DOUBLE_EQ(d.next(10s), 0.7);
}

TEST(SimDemand, PeriodicSwingsAroundItsMean) {
    DemandProfile p{.kind = ProfileKind::Periodic, .level = 0.5, .period = 4s, .amplitude = 0.3};
    DemandSource d(p, 1);
    EXPECT_NEAR(d.next(0s), 0.5, 1e-12);
    EXPECT_NEAR(d.next(1s), 0.8, 1e-12);
    EXPECT_NEAR(d.next(3s), 0.2, 1e-12);
}

TEST(SimDemand, NoisyLevelStaysInRangeAndAveragesToItsLevel) {
    DemandProfile p{.level = 0.4, .noise = 0.1};
    DemandSource d(p, 7);
    double sum = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        double v = d.next(std::chrono::milliseconds(100 * i));
        ASSERT_GE(v, 0.0);
        ASSERT_LE(v, 1.0);
        sum += v;
    }
    EXPECT_NEAR(sum / n, 0.4, 0.01);
}

TEST(SimDemand, RandomWalkRevertsTowardItsLevel) {
    DemandProfile p{.kind = ProfileKind::RandomWalk, .level = 0.3, .sigma = 0.02, .revert = 0.1};
    DemandSource d(p, 3);
    double sum = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i)
        sum += d.next(std::chrono::milliseconds(100 * i));
    EXPECT_NEAR(sum / n, 0.3, 0.02);
}

TEST(SimDemand, SameSeedSameSequenceOtherSeedOtherSequence) {
    DemandProfile p{.kind = ProfileKind::RandomWalk, .level = 0.5, .sigma = 0.05, .noise = 0.05};
    DemandSource a(p, 11), b(p, 11), c(p, 12);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        auto t = std::chrono::milliseconds(100 * i);
        double va = a.next(t);
        EXPECT_EQ(va, b.next(t));
        differs = differs || va != c.next(t);
    }
    EXPECT_TRUE(differs);
}

TEST(SimDemand, BadProfileIsRejectedWithItsPlace) {
    DemandProfile p{.level = 1.5};
    try {
        vcpusched::sim::validate(p, "domain web vCPU 2");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("domain web vCPU 2"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("level"), std::string::npos);
    }
    EXPECT_THROW(vcpusched::sim::validate(DemandProfile{.kind = ProfileKind::Periodic}, "x"),
                 Error);
}

TEST(SimRandom, NormalHasUnitVarianceAndUniformIntCoversItsRange) {
    Rng rng(42);
    double sum = 0, sq = 0;
    const int n = 50000;
    for (int i = 0; i < n; ++i) {
        double v = rng.normal();
        sum += v;
        sq += v * v;
    }
    EXPECT_NEAR(sum / n, 0.0, 0.02);
    EXPECT_NEAR(sq / n, 1.0, 0.03);
    int seen[4] = {0, 0, 0, 0};
    for (int i = 0; i < 1000; ++i) {
        int v = rng.uniform_int(1, 4);
        ASSERT_GE(v, 1);
        ASSERT_LE(v, 4);
        ++seen[v - 1];
    }
    for (int s : seen)
        EXPECT_GT(s, 150);
}
