// Logger: levels, journal priorities and fields, stderr timestamps, repeated errors held back.
#include "logging.hpp"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "fakes.hpp"

namespace vcpusched::daemon {
namespace {

using namespace fakes;
using ::testing::ElementsAre;
using ::testing::MatchesRegex;

TEST(LoggingTest, JournalGetsPriorityAndFields) {
    FakeTime time;
    RecordingJournal journal;
    Logger log(LogLevel::Info, &journal, time);
    log.write(LogLevel::Info, "web01 vcpu 1: pCPU 0 → 3", {{"VCPU_DOMAIN", "web01"}});
    log.write(LogLevel::Warn, "careful");
    log.write(LogLevel::Error, "broken");
    ASSERT_EQ(journal.entries.size(), 3u);
    EXPECT_EQ(journal.entries[0].priority, 6);
    EXPECT_THAT(journal.entries[0].fields, ElementsAre(JournalField{"VCPU_DOMAIN", "web01"}));
    EXPECT_EQ(journal.entries[1].priority, 4);
    EXPECT_EQ(journal.entries[2].priority, 3);
}

TEST(LoggingTest, MessagesBelowTheLevelAreDropped) {
    FakeTime time;
    RecordingJournal journal;
    Logger log(LogLevel::Warn, &journal, time);
    log.write(LogLevel::Debug, "d");
    log.write(LogLevel::Info, "i");
    log.write(LogLevel::Warn, "w");
    EXPECT_THAT(journal.messages(), ElementsAre("w"));
    log.set_level(LogLevel::Debug);
    log.write(LogLevel::Debug, "d2");
    EXPECT_THAT(journal.messages(), ElementsAre("w", "d2"));
}

TEST(LoggingTest, EnabledFollowsTheLevelSoTheCoreSkipsUnreadTraceLines) {
    FakeTime time;
    RecordingJournal journal;
    Logger log(LogLevel::Debug, &journal, time);
    EXPECT_FALSE(log.enabled(LogLevel::Trace));
    EXPECT_TRUE(log.enabled(LogLevel::Debug));
    EXPECT_TRUE(log.enabled(LogLevel::Error));
    log.set_level(LogLevel::Trace);
    EXPECT_TRUE(log.enabled(LogLevel::Trace));
}

TEST(LoggingTest, StderrLinesCarryATimestampAndLevel) {
    FakeTime time;
    std::ostringstream out;
    Logger log(LogLevel::Info, nullptr, time,
               std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    log.write(LogLevel::Info, "connected", {{"VCPU_DOMAIN", "x"}});
    EXPECT_THAT(out.str(),
                MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\\.[0-9]{3} info: connected\n"));
}

TEST(LoggingTest, RepeatedIdenticalErrorsAreRateLimited) {
    FakeTime time;
    RecordingJournal journal;
    Logger log(LogLevel::Info, &journal, time);
    for (int i = 0; i < 100; ++i) {
        log.write(LogLevel::Error, "pin failed: permission denied");
        log.write(LogLevel::Info, "cycle");
        time.advance(2s);
    }
    // 200 s of errors every 2 s: logged once, the rest held back within the 5 min window.
    EXPECT_EQ(journal.count_containing("pin failed"), 1u);
    EXPECT_EQ(journal.count_containing("cycle"), 100u);  // info is never rate-limited
    time.advance(5min);
    log.write(LogLevel::Error, "pin failed: permission denied");
    EXPECT_EQ(journal.messages().back(), "pin failed: permission denied (repeated 99 more times)");
}

TEST(LoggingTest, TargetChoice) {
    EXPECT_TRUE(logs_to_journal(LogTarget::Journal, nullptr));
    EXPECT_FALSE(logs_to_journal(LogTarget::Stderr, "8:1234"));
    EXPECT_TRUE(logs_to_journal(LogTarget::Auto, "8:1234"));
    EXPECT_FALSE(logs_to_journal(LogTarget::Auto, nullptr));
    EXPECT_FALSE(logs_to_journal(LogTarget::Auto, ""));
}

TEST(LoggingTest, LevelAndTargetNamesRoundTrip) {
    for (auto level :
         {LogLevel::Trace, LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error})
        EXPECT_EQ(parse_log_level(log_level_name(level)), level);
    for (auto target : {LogTarget::Auto, LogTarget::Journal, LogTarget::Stderr})
        EXPECT_EQ(parse_log_target(log_target_name(target)), target);
    EXPECT_FALSE(parse_log_level("WARN"));
    EXPECT_FALSE(parse_log_target("syslog"));
}

}  // namespace
}  // namespace vcpusched::daemon
