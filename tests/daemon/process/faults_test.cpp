// The real binary under signal storms, signals mid-cycle and config files caught half-written.
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon_process.hpp"

namespace vcpusched::daemon::process {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Messages = std::vector<std::string>;

std::size_t count_of(const Messages& m, const std::string& prefix, std::size_t from = 0) {
    std::size_t n = 0;
    for (std::size_t i = from; i < m.size(); ++i)
        n += m[i].rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

class DaemonUnderFaults : public ::testing::Test {
  protected:
    void start(const std::string& config_text) {
        // The notify socket outlives a daemon: only what this one sends counts.
        config_path = dir.write("vcpu-scheduler.yaml", config_text);
        daemon.emplace(
            std::vector<std::string>{"-c", config_path, "--log-target", "stderr"},
            std::vector<std::string>{"PATH=/usr/bin:/bin", "NOTIFY_SOCKET=" + notify.path()},
            dir.path());
        const std::size_t from = notify.messages().size();
        ASSERT_TRUE(notify.wait_for(
            [from](const Messages& m) { return count_of(m, "STATUS=1", from) > 0; }, 10s))
            << diagnostics();
    }
    std::string diagnostics() {
        std::string text = "notifications:\n";
        for (const auto& m : notify.messages())
            text += "  [" + m + "]\n";
        return text + "stderr:\n" + (daemon ? daemon->err() : "");
    }
    // Waits for stderr to hold `text` `times` times, draining the notify socket meanwhile: a
    // full socket would block the daemon in sd_notify (systemd reads it; a test must too).
    bool wait_err(const std::string& text, std::size_t times = 1) {
        return notify.wait_for(
            [&](const Messages&) { return occurrences(daemon->err(), text) >= times; }, 10s);
    }
    void stop_cleanly() {
        daemon->signal(SIGTERM);
        auto exit = daemon->wait_exit(10s);
        ASSERT_TRUE(exit) << diagnostics();
        EXPECT_EQ(exit->code, 0) << diagnostics();
    }

    TempDir dir;
    NotifySocket notify{dir.path() + "/notify"};
    std::string config_path;
    std::optional<DaemonProcess> daemon;
};

const char* kInfo = "connect: test:///default\ninterval: 0.1\n";
const char* kInfoSlower = "connect: test:///default\ninterval: 0.2\n";
const char* kDebug = "connect: test:///default\ninterval: 0.1\nlog:\n  level: debug\n";

TEST_F(DaemonUnderFaults, SighupStormKeepsRunningAndEndsOnTheLastGoodConfig) {
    start(kInfo);
    // 200 reloads in a burst, the file replaced atomically before each (two info-level
    // configs); the last good file alone turns debug logging on, then a broken one is refused.
    for (int i = 0; i < 200; ++i) {
        dir.write("vcpu-scheduler.yaml", i % 2 ? kInfoSlower : kInfo);
        daemon->signal(SIGHUP);
    }
    dir.write("vcpu-scheduler.yaml", kDebug);
    daemon->signal(SIGHUP);
    // Signals coalesce: wait until the last good file is in force before breaking it.
    ASSERT_TRUE(wait_err("debug: no moves")) << diagnostics();
    dir.write("vcpu-scheduler.yaml", "connect: test:///default\ninterval: oops\n");
    daemon->signal(SIGHUP);
    ASSERT_TRUE(wait_err("keeping the current configuration")) << diagnostics();
    const std::size_t debug_before = occurrences(daemon->err(), "debug: no moves");
    ASSERT_TRUE(wait_err("debug: no moves", debug_before + 3))
        << "still cycling on the last good (debug) config\n"
        << diagnostics();
    EXPECT_FALSE(daemon->wait_exit(0ms)) << "the storm killed it";
    stop_cleanly();
}

TEST_F(DaemonUnderFaults, TruncatedConfigIsRejectedAndTheOldOneKept) {
    start(kDebug);
    // What a reader sees while a non-atomic writer is at work: empty, then cut mid-key. (The
    // second "keeping the current configuration" is held back by the repeat filter, so each
    // step waits for its own error.)
    const std::vector<std::pair<std::string, std::string>> cuts = {
        {"", "empty file"},
        {"connect: test:///default\ninterval: 0.1\nlog:\n  lev", "\"lev\" is not a mapping"}};
    for (const auto& [cut, error] : cuts) {
        { std::ofstream(config_path, std::ios::trunc) << cut; }
        daemon->signal(SIGHUP);
        ASSERT_TRUE(wait_err(error)) << diagnostics();
    }
    EXPECT_THAT(daemon->err(), HasSubstr("keeping the current configuration"));
    const std::size_t debug_before = occurrences(daemon->err(), "debug: no moves");
    ASSERT_TRUE(wait_err("debug: no moves", debug_before + 3)) << diagnostics();
    stop_cleanly();
}

TEST_F(DaemonUnderFaults, SigtermAtAnyPointOfTheLoopStopsCleanly) {
    // Signals are taken only between cycles, so one that lands mid-cycle waits for the cycle
    // to end: whatever the moment, the exit is clean and STOPPING=1 is the last word.
    for (int delay_ms : {0, 3, 17, 41, 73}) {
        daemon.reset();
        start(kInfo);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        stop_cleanly();
        ASSERT_TRUE(notify.wait_for(
            [](const Messages& m) { return !m.empty() && m.back() == "STOPPING=1"; }, 10s))
            << "delay " << delay_ms << "\n"
            << diagnostics();
    }
}

}  // namespace
}  // namespace vcpusched::daemon::process
