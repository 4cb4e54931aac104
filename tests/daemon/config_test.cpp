// parse_config: good files give the values written, every bad file names line:col and why.
#include "config.hpp"

#include <fstream>

#include <gtest/gtest.h>

namespace vcpusched::daemon {
namespace {

struct BadFile {
    const char* name;
    const char* yaml;
    const char* error;  // the exact first (here: only) error
};

const BadFile kBadFiles[] = {
    {"UnknownKey", "interval: 2\nintreval: 3\n",
     "bad.yaml:2:1: intreval: unknown key (expected one of connect, interval, dry_run, policy, "
     "cpus, domains, log, respect_manual_pins, metrics)"},
    {"UnknownNestedKey", "policy:\n  treshold: 5\n",
     "bad.yaml:2:3: policy.treshold: unknown key (expected one of algorithm, threshold, "
     "min_gain, max_moves, cooldown, smoothing, topology)"},
    {"UnknownTopologyKey", "policy:\n  topology:\n    smt_factor: 0.6\n",
     "bad.yaml:3:5: policy.topology.smt_factor: unknown key (expected one of enabled, "
     "smt_penalty, cross_cache_gain, cross_node_gain, keep_domain_on_node)"},
    {"NegativeCrossNodeGain", "policy:\n  topology:\n    cross_node_gain: -2\n",
     "bad.yaml:3:22: policy.topology.cross_node_gain: -2 is out of range (expected points of "
     "spread from 0 to 100)"},
    {"TopologyEnabledNotBool", "policy:\n  topology:\n    enabled: yes please\n",
     "bad.yaml:3:14: policy.topology.enabled: \"yes please\" is not true or false (expected true "
     "or false)"},
    {"DuplicateKey", "interval: 2\ndry_run: true\ninterval: 3\n",
     "bad.yaml:3:1: interval: duplicate key, first set on line 1 (expected each key once)"},
    {"DuplicateNestedKey", "log:\n  level: info\n  level: debug\n",
     "bad.yaml:3:3: log.level: duplicate key, first set on line 2 (expected each key once)"},
    {"IntervalNotANumber", "interval: abc\n",
     "bad.yaml:1:11: interval: \"abc\" is not a number (expected seconds from 0.1 to 3600)"},
    {"NegativeInterval", "interval: -1\n",
     "bad.yaml:1:11: interval: -1 is out of range (expected seconds from 0.1 to 3600)"},
    {"IntervalBelowMinimum", "interval: 0.05\n",
     "bad.yaml:1:11: interval: 0.05 is out of range (expected seconds from 0.1 to 3600)"},
    {"IntervalNaN", "interval: nan\n",
     "bad.yaml:1:11: interval: \"nan\" is not a number (expected seconds from 0.1 to 3600)"},
    {"QuotedNumber", "interval: \"2\"\n",
     "bad.yaml:1:11: interval: \"2\" is quoted text (expected seconds from 0.1 to 3600)"},
    {"MissingValue", "interval:\n",
     "bad.yaml:1:1: interval: missing value (expected seconds from 0.1 to 3600)"},
    {"ThresholdOutOfRange", "policy:\n  threshold: 150\n",
     "bad.yaml:2:14: policy.threshold: 150 is out of range (expected points of spread from 0 to "
     "100)"},
    {"SmoothingOfOne", "policy:\n  smoothing: 1\n",
     "bad.yaml:2:14: policy.smoothing: 1 is out of range (expected a number from 0 up to, not "
     "including, 1)"},
    {"MaxMovesNotWhole", "policy:\n  max_moves: 2.5\n",
     "bad.yaml:2:14: policy.max_moves: \"2.5\" is not a whole number (expected auto or a whole "
     "number from 1 to 1000)"},
    {"MaxMovesZero", "policy:\n  max_moves: 0\n",
     "bad.yaml:2:14: policy.max_moves: 0 is out of range (expected auto or a whole number from 1 "
     "to 1000)"},
    {"MaxMovesQuotedAuto", "policy:\n  max_moves: \"auto\"\n",
     "bad.yaml:2:14: policy.max_moves: \"auto\" is quoted text (expected auto or a whole number "
     "from 1 to 1000)"},
    {"NegativeCooldown", "policy:\n  cooldown: -1\n",
     "bad.yaml:2:13: policy.cooldown: -1 is out of range (expected a number of cycles from 0 to "
     "1000)"},
    {"UnknownAlgorithm", "policy:\n  algorithm: fastest\n",
     "bad.yaml:2:14: policy.algorithm: \"fastest\" is not a known value (expected one of "
     "balance, count)"},
    {"SectionNotAMapping", "policy: balance\n",
     "bad.yaml:1:9: policy: \"balance\" is not a mapping (expected keys algorithm, threshold, "
     "min_gain, max_moves, cooldown, smoothing, topology)"},
    {"BoolNotTrueOrFalse", "dry_run: maybe\n",
     "bad.yaml:1:10: dry_run: \"maybe\" is not true or false (expected true or false)"},
    {"RespectManualPinsNumber", "respect_manual_pins: 1\n",
     "bad.yaml:1:22: respect_manual_pins: \"1\" is not true or false (expected true or false)"},
    {"BadCpulist", "cpus:\n  allowed: 0-3,x\n",
     "bad.yaml:2:12: cpus.allowed: bad cpulist \"0-3,x\" at position 4: expected a CPU number "
     "(expected a cpulist such as \"0-3,8\")"},
    {"ReversedCpuRange", "cpus:\n  reserved: 3-1\n",
     "bad.yaml:2:13: cpus.reserved: bad cpulist \"3-1\" at position 0: range end below its "
     "start (expected a cpulist such as \"0-3,8\")"},
    {"CpulistAsList", "cpus:\n  allowed: [0, 1]\n",
     "bad.yaml:2:12: cpus.allowed: a list is the wrong type (expected a cpulist such as "
     "\"0-3,8\")"},
    {"ReservedCoversAllowed", "cpus:\n  allowed: 0-3\n  reserved: 0-7\n",
     "bad.yaml:3:13: cpus.reserved: reserves every allowed CPU (0-3) (expected at least one "
     "allowed CPU left to balance on)"},
    {"UnclosedGlobBracket", "domains:\n  include: [\"web[12\"]\n",
     "bad.yaml:2:13: domains.include[0]: bad glob \"web[12\": \"[\" at position 3 is never "
     "closed (expected a domain name pattern with * ? [set])"},
    {"EmptyGlob", "domains:\n  exclude:\n    - db*\n    - \"\"\n",
     "bad.yaml:4:7: domains.exclude[1]: bad glob \"\": empty pattern (expected a domain name "
     "pattern with * ? [set])"},
    {"GlobsNotAList", "domains:\n  include: web*\n",
     "bad.yaml:2:12: domains.include: \"web*\" is not a list (expected a list of domain name "
     "globs such as [\"web*\"])"},
    {"UnknownLogLevel", "log:\n  level: verbose\n",
     "bad.yaml:2:10: log.level: \"verbose\" is not a known value (expected one of trace, debug, "
     "info, warn, error)"},
    {"RelativeMetricsPath", "metrics:\n  textfile: vcpu.prom\n",
     "bad.yaml:2:13: metrics.textfile: \"vcpu.prom\" is a relative path (expected an absolute "
     "path, or \"\" for no metrics file)"},
    {"EmptyUri", "connect: \"\"\n",
     "bad.yaml:1:10: connect: empty URI (expected a libvirt URI such as qemu:///system)"},
    {"EmptyFile", "",
     "bad.yaml:1:1: empty file (expected settings as \"key: value\" lines, e.g. interval: 2)"},
    {"OnlyComments", "# interval: 2\n",
     "bad.yaml:1:1: empty file (expected settings as \"key: value\" lines, e.g. interval: 2)"},
    {"NotYaml", "policy: [1, 2\n", "bad.yaml:2:1: not valid YAML: end of sequence flow not found"},
    {"TopLevelList", "- interval\n- 2\n",
     "bad.yaml:1:1: a list is not a mapping (expected settings as \"key: value\" lines, e.g. "
     "interval: 2)"},
    {"TwoDocuments", "interval: 2\n---\ninterval: 3\n",
     "bad.yaml:3:1: a second YAML document (expected only one)"},
};

class BadConfigFile : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadConfigFile, IsRejectedWithLineColumnAndReason) {
    const BadFile& bad = GetParam();
    ConfigLoad load = parse_config(bad.yaml, "bad.yaml");
    EXPECT_FALSE(load.ok());
    ASSERT_EQ(load.errors.size(), 1u) << (load.errors.empty() ? "" : load.errors[1].format());
    EXPECT_EQ(load.errors[0].format(), bad.error);
}

INSTANTIATE_TEST_SUITE_P(Table, BadConfigFile, ::testing::ValuesIn(kBadFiles),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ConfigTest, EveryErrorInAFileIsReported) {
    ConfigLoad load = parse_config(
        "interval: 0\npolicy:\n  threshold: -3\n  colour: blue\ncpus:\n  allowed: x\n", "f.yaml");
    ASSERT_EQ(load.errors.size(), 4u);
    EXPECT_EQ(load.errors[0].format(),
              "f.yaml:1:11: interval: 0 is out of range (expected seconds from 0.1 to 3600)");
    EXPECT_EQ(load.errors[1].path, "policy.threshold");
    EXPECT_EQ(load.errors[1].line, 3);
    EXPECT_EQ(load.errors[2].path, "policy.colour");
    EXPECT_EQ(load.errors[2].line, 4);
    EXPECT_EQ(load.errors[3].path, "cpus.allowed");
    EXPECT_EQ(load.errors[3].line, 6);
}

TEST(ConfigTest, EmptyMappingGivesDefaults) {
    ConfigLoad load = parse_config("{}\n", "f.yaml");
    ASSERT_TRUE(load.ok());
    const Config& c = *load.config;
    EXPECT_EQ(c.connect, "qemu:///system");
    EXPECT_EQ(c.interval, 2.0);
    EXPECT_FALSE(c.dry_run);
    EXPECT_TRUE(c.respect_manual_pins);
    EXPECT_EQ(c.policy.algorithm, Algorithm::Balance);
    EXPECT_EQ(c.log_level, LogLevel::Info);
    EXPECT_EQ(c.log_target, LogTarget::Auto);
    EXPECT_EQ(c.metrics_textfile, "");
}

TEST(ConfigTest, EveryKeyIsRead) {
    ConfigLoad load = parse_config(R"(
connect: test:///default
interval: 0.5
dry_run: true
respect_manual_pins: false
policy:
  algorithm: count
  threshold: 7.5
  min_gain: 2
  max_moves: 3
  cooldown: 0
  smoothing: 0
  topology:
    enabled: false
    smt_penalty: 0.25
    cross_cache_gain: 3
    cross_node_gain: 10
    keep_domain_on_node: false
cpus:
  allowed: 0-7
  reserved: "0"
domains:
  include: ["web*", "db?"]
  exclude:
    - "web-test[0-9]"
log:
  level: debug
  target: stderr
metrics:
  textfile: /var/lib/node_exporter/vcpu.prom
)",
                                   "f.yaml");
    ASSERT_TRUE(load.ok()) << load.errors[0].format();
    const Config& c = *load.config;
    EXPECT_EQ(c.connect, "test:///default");
    EXPECT_EQ(c.interval, 0.5);
    EXPECT_TRUE(c.dry_run);
    EXPECT_FALSE(c.respect_manual_pins);
    EXPECT_EQ(c.policy.algorithm, Algorithm::Count);
    EXPECT_EQ(c.policy.threshold, 7.5);
    EXPECT_EQ(c.policy.min_gain, 2);
    EXPECT_EQ(c.policy.max_moves, 3);
    EXPECT_EQ(c.policy.cooldown, 0);
    EXPECT_EQ(c.policy.smoothing, 0);
    EXPECT_FALSE(c.policy.topology.enabled);
    EXPECT_EQ(c.policy.topology.smt_penalty, 0.25);
    EXPECT_EQ(c.policy.topology.cross_cache_gain, 3);
    EXPECT_EQ(c.policy.topology.cross_node_gain, 10);
    EXPECT_FALSE(c.policy.topology.keep_domain_on_node);
    EXPECT_EQ(c.policy.allowed, CpuSet::range(0, 7));
    EXPECT_EQ(c.policy.reserved, CpuSet{0});
    EXPECT_EQ(c.policy.include, (std::vector<std::string>{"web*", "db?"}));
    EXPECT_EQ(c.policy.exclude, (std::vector<std::string>{"web-test[0-9]"}));
    EXPECT_EQ(c.log_level, LogLevel::Debug);
    EXPECT_EQ(c.log_target, LogTarget::Stderr);
    EXPECT_EQ(c.metrics_textfile, "/var/lib/node_exporter/vcpu.prom");
}

TEST(ConfigTest, MaxMovesAutoScalesWithTheHost) {
    ConfigLoad load = parse_config("policy:\n  max_moves: auto\n", "f.yaml");
    ASSERT_TRUE(load.ok()) << load.errors[0].format();
    EXPECT_EQ(load.config->policy.max_moves, 0);
    EXPECT_EQ(moves_per_cycle(load.config->policy, 4), 8U);
    EXPECT_EQ(moves_per_cycle(load.config->policy, 40), 20U);
    EXPECT_EQ(moves_per_cycle(load.config->policy, 64), 32U);
    EXPECT_EQ(moves_per_cycle(load.config->policy, 1024), 32U);
    EXPECT_EQ(moves_per_cycle(PolicyConfig{}, 64), 32U) << "auto is the default";
    ConfigLoad fixed = parse_config("policy:\n  max_moves: 5\n", "f.yaml");
    ASSERT_TRUE(fixed.ok());
    EXPECT_EQ(moves_per_cycle(fixed.config->policy, 1024), 5U);
}

TEST(ConfigTest, EmptySectionMeansDefaults) {
    ConfigLoad load = parse_config("policy:\ncpus:\n", "f.yaml");
    ASSERT_TRUE(load.ok());
    EXPECT_EQ(load.config->policy.threshold, PolicyConfig{}.threshold);
}

TEST(ConfigTest, CycleOptionsCarryPolicyAndDryRun) {
    Config c;
    c.dry_run = true;
    c.policy.smoothing = 0.25;
    c.policy.max_moves = 2;
    CycleOptions o = cycle_options(c);
    EXPECT_TRUE(o.dry_run);
    EXPECT_EQ(o.policy.max_moves, 2);
    EXPECT_EQ(o.measure.smoothing, 0.25);
}

TEST(ConfigTest, UnreadableFileIsOneErrorWithoutPosition) {
    ConfigLoad load = load_config_file("/nonexistent/vcpu-scheduler.yaml");
    ASSERT_EQ(load.errors.size(), 1u);
    EXPECT_EQ(load.errors[0].format(),
              "/nonexistent/vcpu-scheduler.yaml: cannot read the file (expected a readable YAML "
              "file)");
}

TEST(ConfigTest, ShippedConfigIsValidAndHoldsTheDefaults) {
    ConfigLoad load = load_config_file(VCPUSCHED_SOURCE_DIR "/config/vcpu-scheduler.yaml");
    ASSERT_TRUE(load.ok()) << load.errors[0].format();
    const Config& c = *load.config;
    const Config d;
    // The comments document the defaults, so the file must not drift from the code.
    EXPECT_EQ(c.connect, d.connect);
    EXPECT_EQ(c.interval, d.interval);
    EXPECT_EQ(c.dry_run, d.dry_run);
    EXPECT_EQ(c.respect_manual_pins, d.respect_manual_pins);
    EXPECT_EQ(c.policy.algorithm, d.policy.algorithm);
    EXPECT_EQ(c.policy.threshold, d.policy.threshold);
    EXPECT_EQ(c.policy.min_gain, d.policy.min_gain);
    EXPECT_EQ(c.policy.max_moves, d.policy.max_moves);
    EXPECT_EQ(c.policy.cooldown, d.policy.cooldown);
    EXPECT_EQ(c.policy.smoothing, d.policy.smoothing);
    EXPECT_EQ(c.policy.topology.enabled, d.policy.topology.enabled);
    EXPECT_EQ(c.policy.topology.smt_penalty, d.policy.topology.smt_penalty);
    EXPECT_EQ(c.policy.topology.cross_cache_gain, d.policy.topology.cross_cache_gain);
    EXPECT_EQ(c.policy.topology.cross_node_gain, d.policy.topology.cross_node_gain);
    EXPECT_EQ(c.policy.topology.keep_domain_on_node, d.policy.topology.keep_domain_on_node);
    EXPECT_EQ(c.policy.allowed, d.policy.allowed);
    EXPECT_EQ(c.policy.reserved, d.policy.reserved);
    EXPECT_EQ(c.policy.include, d.policy.include);
    EXPECT_EQ(c.policy.exclude, d.policy.exclude);
    EXPECT_EQ(c.log_level, d.log_level);
    EXPECT_EQ(c.log_target, d.log_target);
    EXPECT_EQ(c.metrics_textfile, d.metrics_textfile);
}

}  // namespace
}  // namespace vcpusched::daemon
