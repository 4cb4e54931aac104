// run_once: a baseline, one period, a second cycle, the report on stdout; failures exit 1.
#include "once.hpp"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace vcpusched::daemon {
namespace {

using namespace fakes;
using ::testing::HasSubstr;

TEST(OnceTest, TwoSamplesOnePeriodApartThenTheReport) {
    FakeTime time;
    const auto start = time.now();
    RecordingJournal journal;
    Logger log(LogLevel::Info, &journal, time);
    FakeBalancer balancer(time);
    Config config;
    config.interval = 1.5;
    config.dry_run = true;
    std::ostringstream out;
    EXPECT_EQ(run_once(config, balancer, time, time, log, out), 0);
    ASSERT_EQ(balancer.run_times.size(), 2u);
    EXPECT_EQ(balancer.run_times[0], start);
    EXPECT_EQ(balancer.run_times[1], start + 1500ms);
    EXPECT_TRUE(balancer.options.at(0).dry_run);
    EXPECT_THAT(out.str(), HasSubstr("plan: 0 moves"));
}

TEST(OnceTest, UnreachableLibvirtExitsOne) {
    FakeTime time;
    RecordingJournal journal;
    Logger log(LogLevel::Info, &journal, time);
    FakeBalancer balancer(time);
    balancer.connect_outcomes = {false};
    std::ostringstream out;
    EXPECT_EQ(run_once(Config{}, balancer, time, time, log, out), 1);
    EXPECT_EQ(journal.count_containing("libvirt at qemu:///system"), 1u);
    EXPECT_EQ(out.str(), "");
}

TEST(OnceTest, StopDuringThePeriodExitsZeroWithoutASecondCycle) {
    FakeTime time;
    time.signal_at(time.now() + 1s, Wake::Stop);
    RecordingJournal journal;
    Logger log(LogLevel::Info, &journal, time);
    FakeBalancer balancer(time);
    std::ostringstream out;
    EXPECT_EQ(run_once(Config{}, balancer, time, time, log, out), 0);
    EXPECT_EQ(balancer.run_times.size(), 1u);
}

}  // namespace
}  // namespace vcpusched::daemon
