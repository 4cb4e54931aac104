// /proc/stat parsing from fixture files: normal, old kernel, truncated, garbage, missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include "support.hpp"
#include "vcpusched/error.hpp"
#include "vcpusched/proc_stat.hpp"

namespace vcpusched {
namespace {

constexpr std::uint64_t kTick = 10'000'000;  // ns per tick at 100 Hz

std::vector<PcpuTimes> parse_file(const std::string& name) {
    return parse_proc_stat(testing::read_data("proc_stat/" + name), name, 100);
}

std::string error_of(const std::string& name) {
    try {
        parse_file(name);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(ProcStat, NormalFileGivesBusyAndIdlePerCpu) {
    auto cpus = parse_file("normal.txt");
    ASSERT_EQ(cpus.size(), 4u);
    // cpu0 1393 100 1505 345700 400 0 200 10 0 0
    EXPECT_EQ(cpus[0].id, 0);
    EXPECT_EQ(cpus[0].busy_ns, (1393 + 100 + 1505 + 0 + 200 + 10) * kTick);
    EXPECT_EQ(cpus[0].idle_ns, (345700 + 400) * kTick);
    // cpu1 has guest time 7, already inside user: not counted twice.
    EXPECT_EQ(cpus[1].busy_ns, (1100 + 56 + 1402 + 0 + 100 + 10) * kTick);
    EXPECT_EQ(cpus[3].id, 3);
}

TEST(ProcStat, OldKernelWithFourCounters) {
    auto cpus = parse_file("old-kernel.txt");
    ASSERT_EQ(cpus.size(), 2u);
    EXPECT_EQ(cpus[1].busy_ns, 150 * kTick);
    EXPECT_EQ(cpus[1].idle_ns, 500 * kTick);
}

TEST(ProcStat, SparseIdsAreSorted) {
    auto cpus = parse_file("sparse-ids.txt");
    ASSERT_EQ(cpus.size(), 3u);
    EXPECT_EQ(cpus[0].id, 0);
    EXPECT_EQ(cpus[1].id, 2);
    EXPECT_EQ(cpus[2].id, 4);
}

TEST(ProcStat, TruncatedLineIsAnErrorNamingFileAndLine) {
    EXPECT_EQ(error_of("truncated.txt"),
              "truncated.txt:3: cpu1 has 3 counters, expected at least 4");
}

TEST(ProcStat, GarbageCounterIsAnErrorQuotingIt) {
    EXPECT_EQ(error_of("garbage.txt"), "garbage.txt:2: cpu0 counter 2 is not a number: \"10O\"");
}

TEST(ProcStat, FileWithoutCpuLinesIsAnError) {
    EXPECT_EQ(error_of("binary.txt"), "binary.txt: no cpuN lines");
}

TEST(ProcStat, RepeatedCpuIsAnError) {
    EXPECT_THROW(parse_proc_stat("cpu0 1 1 1 1\ncpu0 1 1 1 1\n", "x", 100), Error);
}

TEST(ProcStat, OverflowingCounterIsAnError) {
    EXPECT_THROW(parse_proc_stat("cpu0 18446744073709551615 0 0 0\n", "x", 100), Error);
}

TEST(ProcStat, MissingFileIsAnErrorNamingThePath) {
    try {
        read_proc_stat("/nonexistent/proc/stat");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/proc/stat: cannot open"),
                  std::string::npos);
    }
}

TEST(ProcStat, ReadsAFileWithTheKernelTickRate) {
    auto cpus = read_proc_stat(testing::data_path("proc_stat/old-kernel.txt"));
    ASSERT_EQ(cpus.size(), 2u);
    EXPECT_EQ(cpus[0].idle_ns, 500 * (1'000'000'000ULL / sysconf(_SC_CLK_TCK)));
}

TEST(ProcStat, ThisHostsProcStatParses) {
    auto cpus = read_proc_stat();
    EXPECT_EQ(static_cast<long>(cpus.size()), sysconf(_SC_NPROCESSORS_ONLN));
}

}  // namespace
}  // namespace vcpusched
