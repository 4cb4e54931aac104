// The built binary as systemd would run it, against libvirt's test driver: notify sequence,
// reload good and bad, stop, --once, --check-config, bad command lines.
#include <signal.h>

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon_process.hpp"

namespace vcpusched::daemon::process {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

using Messages = std::vector<std::string>;

std::size_t count_prefix(const Messages& m, const std::string& prefix, std::size_t from = 0) {
    std::size_t n = 0;
    for (std::size_t i = from; i < m.size(); ++i)
        n += m[i].rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
}

std::optional<std::size_t> find_prefix(const Messages& m, const std::string& prefix,
                                       std::size_t from = 0) {
    for (std::size_t i = from; i < m.size(); ++i)
        if (m[i].rfind(prefix, 0) == 0)
            return i;
    return std::nullopt;
}

// The daemon under systemd-like conditions: NOTIFY_SOCKET bound here, WATCHDOG_USEC set.
class RunningDaemon : public ::testing::Test {
  protected:
    void start(const std::string& config_text, std::vector<std::string> extra = {}) {
        config_path = dir.write("vcpu-scheduler.yaml", config_text);
        std::vector<std::string> args = {"-c", config_path, "--log-target", "stderr"};
        args.insert(args.end(), extra.begin(), extra.end());
        daemon.emplace(
            args,
            std::vector<std::string>{"PATH=/usr/bin:/bin", "NOTIFY_SOCKET=" + notify.path(),
                                     "WATCHDOG_USEC=20000000"},
            dir.path());
    }
    bool wait(const std::function<bool(const Messages&)>& done) {
        return notify.wait_for(done, 10s);
    }
    std::string diagnostics() {
        std::string text = "notifications:\n";
        for (const auto& m : notify.messages())
            text += "  [" + m + "]\n";
        return text + "stderr:\n" + (daemon ? daemon->err() : "");
    }

    TempDir dir;
    NotifySocket notify{dir.path() + "/notify"};
    std::string config_path;
    std::optional<DaemonProcess> daemon;
};

const char* kTestConfig = "connect: test:///default\ninterval: 0.2\n";

TEST_F(RunningDaemon, ReadyThenStatusAndWatchdogEveryCycleThenStoppingOnSigterm) {
    start(kTestConfig);
    ASSERT_TRUE(wait([](const Messages& m) { return find_prefix(m, "READY=1").has_value(); }))
        << diagnostics();
    const std::size_t ready = *find_prefix(notify.messages(), "READY=1");
    // Three cycles after READY, each reporting its status and feeding the watchdog.
    ASSERT_TRUE(wait([&](const Messages& m) {
        return count_prefix(m, "WATCHDOG=1", ready) >= 3 &&
               count_prefix(m, "STATUS=1 domains", ready) >= 3;
    })) << diagnostics();
    EXPECT_THAT(notify.messages(), ::testing::Contains(HasSubstr("STATUS=1 domains, 2 vCPUs")))
        << diagnostics();

    daemon->signal(SIGTERM);
    auto exit = daemon->wait_exit(10s);
    ASSERT_TRUE(exit) << diagnostics();
    EXPECT_EQ(exit->code, 0);
    EXPECT_LT(exit->after, 1s);
    // The datagram was sent before the exit; it may still sit in the socket's queue.
    ASSERT_TRUE(wait([](const Messages& m) { return find_prefix(m, "STOPPING=1").has_value(); }))
        << diagnostics();
    EXPECT_EQ(notify.messages().back(), "STOPPING=1");
}

TEST_F(RunningDaemon, SighupWithAGoodConfigReloadsAndSaysReadyAgain) {
    start(kTestConfig);
    ASSERT_TRUE(wait([](const Messages& m) { return count_prefix(m, "STATUS=1 domains") >= 1; }))
        << diagnostics();
    dir.write("vcpu-scheduler.yaml",
              "connect: test:///default\ninterval: 0.3\nlog:\n  level: debug\n");
    daemon->signal(SIGHUP);
    ASSERT_TRUE(wait([](const Messages& m) {
        auto r = find_prefix(m, "RELOADING=1\nMONOTONIC_USEC=");
        return r && find_prefix(m, "READY=1", *r + 1);
    })) << diagnostics();
    EXPECT_TRUE(daemon->wait_for_err("configuration reloaded", 10s)) << diagnostics();
    // Debug level from the new file is in force: the "no moves" lines now show.
    EXPECT_TRUE(daemon->wait_for_err("debug: no moves", 10s)) << diagnostics();
    daemon->signal(SIGTERM);
    auto exit = daemon->wait_exit(10s);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->code, 0);
}

TEST_F(RunningDaemon, SighupWithABrokenConfigKeepsTheOldOneAndLogsTheErrors) {
    start(kTestConfig);
    ASSERT_TRUE(wait([](const Messages& m) { return count_prefix(m, "STATUS=1 domains") >= 1; }))
        << diagnostics();
    dir.write("vcpu-scheduler.yaml", "connect: test:///default\ninterval: -1\npolicy:\n  x: 1\n");
    daemon->signal(SIGHUP);
    ASSERT_TRUE(wait([](const Messages& m) {
        auto r = find_prefix(m, "RELOADING=1");
        return r && find_prefix(m, "READY=1", *r + 1);
    })) << diagnostics();
    EXPECT_TRUE(
        daemon->wait_for_err("reload failed (2 errors): keeping the current configuration", 10s))
        << diagnostics();
    EXPECT_THAT(daemon->err(), HasSubstr(config_path + ":2:11: interval: -1 is out of range"));
    EXPECT_THAT(daemon->err(), HasSubstr(config_path + ":4:3: policy.x: unknown key"));
    // Still balancing on the old config.
    const std::size_t after = notify.messages().size();
    ASSERT_TRUE(wait([&](const Messages& m) {
        return count_prefix(m, "STATUS=1 domains", after) >= 2;
    })) << diagnostics();
    daemon->signal(SIGINT);
    auto exit = daemon->wait_exit(10s);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->code, 0);
}

TEST_F(RunningDaemon, UnreachableLibvirtKeepsRunningAndSaysSo) {
    const std::string uri = "qemu+unix:///system?socket=" + dir.path() + "/no-such-socket";
    start("connect: \"" + uri + "\"\ninterval: 0.2\n");
    ASSERT_TRUE(wait([&](const Messages& m) {
        return find_prefix(m, "READY=1") && find_prefix(m, "STATUS=waiting for libvirt at " + uri);
    })) << diagnostics();
    EXPECT_TRUE(daemon->wait_for_err("cannot reach libvirt at " + uri, 10s)) << diagnostics();
    daemon->signal(SIGTERM);
    auto exit = daemon->wait_exit(10s);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->code, 0);
}

TEST(DaemonOnce, DryRunPrintsAPlanAndPinsNothing) {
    Finished r =
        run_to_end({"--once", "--dry-run", "--connect", "test:///default", "--interval", "0.2",
                    "--log-target", "stderr", "-c", "/nonexistent/default-is-not-named"});
    // A named config that is missing is an error; the default path may be missing.
    EXPECT_EQ(r.code, 2);
    r = run_to_end({"--once", "--dry-run", "--connect", "test:///default", "--interval", "0.2",
                    "--log-target", "stderr"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("1 domains, 2 vCPUs"));
    EXPECT_THAT(r.out, HasSubstr("plan: "));
    // Nothing pinned: no move reports an outcome other than the dry run's.
    EXPECT_THAT(r.out, Not(HasSubstr(": done")));
    EXPECT_THAT(r.err, Not(HasSubstr("info: test vcpu")));
}

TEST(DaemonCommandLine, ShippedConfigPassesCheckConfig) {
    Finished r =
        run_to_end({"--check-config", "-c", VCPUSCHED_SOURCE_DIR "/config/vcpu-scheduler.yaml"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("interval: 2"));
    EXPECT_THAT(r.out, HasSubstr("connect: \"qemu:///system\""));
}

TEST(DaemonCommandLine, CheckConfigShowsOverridesAndRejectsBadFiles) {
    TempDir dir;
    std::string good = dir.write("good.yaml", "interval: 5\n");
    Finished r = run_to_end({"--check-config", "-c", good, "--connect", "test:///default"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("interval: 5"));
    EXPECT_THAT(r.out, HasSubstr("connect: \"test:///default\""));

    std::string bad =
        dir.write("bad.yaml", "interval: 5\nintervall: 6\npolicy:\n  threshold: 101\n");
    r = run_to_end({"--check-config", "-c", bad});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr(bad + ":2:1: intervall: unknown key"));
    EXPECT_THAT(r.err, HasSubstr(bad + ":4:14: policy.threshold: 101 is out of range"));
    EXPECT_EQ(r.out, "");
}

TEST(DaemonCommandLine, NonNumericSecondsExitTwoNamingTheValue) {
    Finished r = run_to_end({"abc"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("\"abc\""));
}

TEST(DaemonCommandLine, UnknownOptionExitsTwo) {
    Finished r = run_to_end({"--bogus"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("--bogus"));
}

TEST(DaemonCommandLine, VersionAndHelpExitZero) {
    Finished v = run_to_end({"--version"});
    EXPECT_EQ(v.code, 0);
    EXPECT_THAT(v.out, HasSubstr("vcpu-scheduler "));
    Finished h = run_to_end({"--help"});
    EXPECT_EQ(h.code, 0);
    EXPECT_THAT(h.out, HasSubstr("--dry-run"));
}

}  // namespace
}  // namespace vcpusched::daemon::process
