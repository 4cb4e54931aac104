// parse_cli: every option, bad values named in the message, exit codes 0 and 2.
#include "cli.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vcpusched::daemon {
namespace {

using ::testing::HasSubstr;

CliParse parse(std::vector<std::string> args) {
    args.insert(args.begin(), "vcpu-scheduler");
    return parse_cli(args);
}

TEST(CliTest, NoArgumentsMeansDefaults) {
    CliParse r = parse({});
    ASSERT_TRUE(r.options);
    EXPECT_EQ(r.options->config_path, "/etc/vcpu-scheduler.yaml");
    EXPECT_FALSE(r.options->config_named);
    EXPECT_FALSE(r.options->connect);
    EXPECT_FALSE(r.options->interval);
    EXPECT_FALSE(r.options->dry_run);
    EXPECT_FALSE(r.options->once);
    EXPECT_FALSE(r.options->check_config);
    EXPECT_FALSE(r.options->log_level);
    EXPECT_FALSE(r.options->log_target);
}

TEST(CliTest, EveryOptionIsRead) {
    CliParse r =
        parse({"-c", "/tmp/x.yaml", "--connect", "test:///default", "-i", "0.5", "--dry-run",
               "--once", "--check-config", "--log-level", "debug", "--log-target", "stderr"});
    ASSERT_TRUE(r.options) << r.err;
    EXPECT_EQ(r.options->config_path, "/tmp/x.yaml");
    EXPECT_TRUE(r.options->config_named);
    EXPECT_EQ(r.options->connect, "test:///default");
    EXPECT_EQ(r.options->interval, 0.5);
    EXPECT_TRUE(r.options->dry_run);
    EXPECT_TRUE(r.options->once);
    EXPECT_TRUE(r.options->check_config);
    EXPECT_EQ(r.options->log_level, LogLevel::Debug);
    EXPECT_EQ(r.options->log_target, LogTarget::Stderr);
}

TEST(CliTest, CheckConfigTakesTheFileAsPositional) {
    CliParse r = parse({"--check-config", "/etc/vcpu-scheduler.yaml"});
    ASSERT_TRUE(r.options) << r.err;
    EXPECT_TRUE(r.options->check_config);
    EXPECT_EQ(r.options->config_path, "/etc/vcpu-scheduler.yaml");
    EXPECT_TRUE(r.options->config_named);
    EXPECT_FALSE(r.options->interval);
}

TEST(CliTest, CheckConfigWithNumberStillMeansSeconds) {
    CliParse r = parse({"--check-config", "3"});
    ASSERT_TRUE(r.options) << r.err;
    EXPECT_EQ(r.options->interval, 3.0);
    EXPECT_FALSE(r.options->config_named);
}

TEST(CliTest, LongFormsAreRead) {
    CliParse r = parse({"--config=/tmp/y.yaml", "--interval", "3", "--log-target=journal"});
    ASSERT_TRUE(r.options) << r.err;
    EXPECT_EQ(r.options->config_path, "/tmp/y.yaml");
    EXPECT_EQ(r.options->interval, 3.0);
    EXPECT_EQ(r.options->log_target, LogTarget::Journal);
}

TEST(CliTest, ClassicSecondsArgumentSetsTheInterval) {
    CliParse r = parse({"5"});
    ASSERT_TRUE(r.options) << r.err;
    EXPECT_EQ(r.options->interval, 5.0);
}

TEST(CliTest, SecondsThatAreNotANumberExitTwoNamingTheValue) {
    CliParse r = parse({"abc"});
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("SECONDS: \"abc\" is not a number of seconds"));
}

TEST(CliTest, BadNumbersAreRejected) {
    for (const char* bad : {"0", "-1", "0.05", "nan", "inf", "1e9", "2s", "", "0x10"}) {
        CliParse r = parse({"--interval", bad});
        EXPECT_FALSE(r.options) << bad;
        EXPECT_EQ(r.exit_code, 2) << bad;
        EXPECT_THAT(r.err, HasSubstr(std::string("--interval: \"") + bad + "\"")) << r.err;
    }
}

TEST(CliTest, SecondsAndIntervalTogetherAreAnError) {
    CliParse r = parse({"-i", "2", "3"});
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.exit_code, 2);
}

TEST(CliTest, UnknownOptionExitsTwo) {
    CliParse r = parse({"--frobnicate"});
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("--frobnicate"));
}

TEST(CliTest, ExtraArgumentExitsTwo) {
    CliParse r = parse({"2", "3"});
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("3"));
}

TEST(CliTest, MissingOptionValueExitsTwo) {
    CliParse r = parse({"--connect"});
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.exit_code, 2);
}

TEST(CliTest, BadLogLevelAndTargetAreNamed) {
    CliParse level = parse({"--log-level", "loud"});
    EXPECT_EQ(level.exit_code, 2);
    EXPECT_THAT(level.err, HasSubstr("--log-level: \"loud\" is not a level (expected trace, debug, "
                                     "info, warn, error)"));
    CliParse target = parse({"--log-target", "syslog"});
    EXPECT_EQ(target.exit_code, 2);
    EXPECT_THAT(target.err, HasSubstr("--log-target: \"syslog\""));
}

TEST(CliTest, HelpAndVersionExitZeroOnStdout) {
    CliParse help = parse({"--help"});
    EXPECT_FALSE(help.options);
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_THAT(help.out, HasSubstr("--check-config"));
    EXPECT_THAT(help.out, HasSubstr("SECONDS"));
    CliParse version = parse({"--version"});
    EXPECT_FALSE(version.options);
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_THAT(version.out, HasSubstr("vcpu-scheduler " VCPUSCHED_VERSION));
}

TEST(CliTest, OverridesWinOverTheFile) {
    Config c;
    c.connect = "qemu:///system";
    c.interval = 2;
    CliOptions o;
    o.connect = "test:///default";
    o.interval = 0.5;
    o.dry_run = true;
    o.log_level = LogLevel::Error;
    o.log_target = LogTarget::Stderr;
    apply_overrides(o, c);
    EXPECT_EQ(c.connect, "test:///default");
    EXPECT_EQ(c.interval, 0.5);
    EXPECT_TRUE(c.dry_run);
    EXPECT_EQ(c.log_level, LogLevel::Error);
    EXPECT_EQ(c.log_target, LogTarget::Stderr);
}

TEST(CliTest, AbsentOptionsLeaveTheFileAlone) {
    Config c;
    c.connect = "qemu+ssh://h/system";
    c.dry_run = true;
    apply_overrides(CliOptions{}, c);
    EXPECT_EQ(c.connect, "qemu+ssh://h/system");
    EXPECT_TRUE(c.dry_run);
}

}  // namespace
}  // namespace vcpusched::daemon
