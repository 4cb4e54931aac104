// Reading a process's memory from /proc/PID/status.
#include "proc_status.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "vcpusched/error.hpp"

namespace vcpusched::bench {
namespace {

TEST(ProcStatus, ReadsPeakResidentAnonymousAndFileInBytes) {
    const ProcMemory m = parse_proc_status(
        "Name:\tvcpu-scheduler\n"
        "VmPeak:\t  100000 kB\n"
        "VmHWM:\t   23356 kB\n"
        "VmRSS:\t   23100 kB\n"
        "RssAnon:\t    3448 kB\n"
        "RssFile:\t   19652 kB\n"
        "RssShmem:\t       0 kB\n"
        "Threads:\t2\n");
    EXPECT_EQ(m.peak_rss, 23356u * 1024);
    EXPECT_EQ(m.rss, 23100u * 1024);
    EXPECT_EQ(m.rss_anon, 3448u * 1024);
    EXPECT_EQ(m.rss_file, 19652u * 1024);
}

TEST(ProcStatus, StatusWithoutPeakIsAnError) {
    EXPECT_THROW(parse_proc_status("Name:\tkthreadd\nState:\tS (sleeping)\n"), Error);
    EXPECT_THROW(parse_proc_status("VmHWM:\tlots\n"), Error);
}

TEST(ProcStatus, OwnProcessHasItsPeakAtLeastItsResidentMemory) {
    const ProcMemory m = read_proc_memory(getpid());
    EXPECT_GT(m.rss, 0u);
    EXPECT_GE(m.peak_rss, m.rss);
    EXPECT_GT(m.rss_anon, 0u);
    EXPECT_LE(m.rss_anon + m.rss_file, m.rss) << "the rest is shared memory";
}

}  // namespace
}  // namespace vcpusched::bench
