#include "vcpusched/cpuset.hpp"

#include <gtest/gtest.h>

#include "vcpusched/error.hpp"

using vcpusched::CpuSet;
using vcpusched::Error;

TEST(CpuSet, ParsesListsAndRanges) {
    CpuSet set = CpuSet::parse("0-3,8,10-11");
    EXPECT_EQ(set.cpus(), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
    EXPECT_EQ(set.count(), 7U);
    EXPECT_EQ(set.first(), 0);
    EXPECT_EQ(set.last(), 11);
}

TEST(CpuSet, FormatsCanonically) {
    EXPECT_EQ(CpuSet::parse("11,10,0,1,2,3,8").format(), "0-3,8,10-11");
    EXPECT_EQ(CpuSet({5}).format(), "5");
    EXPECT_EQ(CpuSet().format(), "");
    EXPECT_EQ(CpuSet::parse(" 1 - 2 , 64 ").format(), "1-2,64");
}

TEST(CpuSet, EmptyTextIsEmptySet) {
    EXPECT_TRUE(CpuSet::parse("").empty());
    EXPECT_EQ(CpuSet::parse("").first(), -1);
}

TEST(CpuSet, SetAlgebra) {
    CpuSet a = CpuSet::parse("0-7");
    CpuSet b = CpuSet::parse("4-11");
    EXPECT_EQ((a & b).format(), "4-7");
    EXPECT_EQ((a | b).format(), "0-11");
    EXPECT_EQ((a - b).format(), "0-3");
    EXPECT_EQ((b - a).format(), "8-11");
    EXPECT_EQ(CpuSet::parse("100") - CpuSet::parse("100"), CpuSet());
}

TEST(CpuSet, AddRemoveContains) {
    CpuSet s;
    s.add(70);
    EXPECT_TRUE(s.contains(70));
    EXPECT_FALSE(s.contains(69));
    EXPECT_FALSE(s.contains(-1));
    s.remove(70);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s, CpuSet());
}

struct BadList {
    const char* text;
    const char* message;
};

class CpuSetBadInput : public ::testing::TestWithParam<BadList> {};

TEST_P(CpuSetBadInput, ErrorQuotesTextAndPosition) {
    try {
        CpuSet::parse(GetParam().text);
        FAIL() << "accepted " << GetParam().text;
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), GetParam().message);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rejects, CpuSetBadInput,
    ::testing::Values(
        BadList{"a", "bad cpulist \"a\" at position 0: expected a CPU number"},
        BadList{"1,", "bad cpulist \"1,\" at position 2: expected a CPU number"},
        BadList{"3-1", "bad cpulist \"3-1\" at position 0: range end below its start"},
        BadList{"1;2", "bad cpulist \"1;2\" at position 1: expected ',' or '-'"},
        BadList{"-1", "bad cpulist \"-1\" at position 0: expected a CPU number"},
        BadList{"0-99999999999",
                "bad cpulist \"0-99999999999\" at position 2: CPU number above 65535"},
        BadList{"1-", "bad cpulist \"1-\" at position 2: expected a CPU number"}));
