// config_to_yaml: what --check-config prints reads back to the same config.
#include "config_print.hpp"

#include <gtest/gtest.h>

namespace vcpusched::daemon {
namespace {

TEST(ConfigPrintTest, PrintedConfigParsesBackToTheSameValues) {
    Config c;
    c.connect = "qemu+ssh://root@host/system";
    c.interval = 0.3;
    c.dry_run = true;
    c.respect_manual_pins = false;
    c.policy.algorithm = Algorithm::Count;
    c.policy.threshold = 12.5;
    c.policy.min_gain = 0.1;
    c.policy.max_moves = 4;
    c.policy.cooldown = 9;
    c.policy.smoothing = 0.75;
    c.policy.topology.enabled = false;
    c.policy.topology.smt_penalty = 0.3;
    c.policy.topology.cross_cache_gain = 0;
    c.policy.topology.cross_node_gain = 7.5;
    c.policy.topology.keep_domain_on_node = false;
    c.policy.allowed = CpuSet::parse("0-5,8");
    c.policy.reserved = CpuSet{1};
    c.policy.include = {"web*", "a\"b"};
    c.policy.exclude = {"[!x]*"};
    c.log_level = LogLevel::Warn;
    c.log_target = LogTarget::Journal;
    c.metrics_textfile = "/run/m.prom";

    const std::string text = config_to_yaml(c);
    ConfigLoad load = parse_config(text, "printed");
    ASSERT_TRUE(load.ok()) << load.errors[0].format() << "\n" << text;
    const Config& r = *load.config;
    EXPECT_EQ(r.connect, c.connect);
    EXPECT_EQ(r.interval, c.interval);
    EXPECT_EQ(r.dry_run, c.dry_run);
    EXPECT_EQ(r.respect_manual_pins, c.respect_manual_pins);
    EXPECT_EQ(r.policy.algorithm, c.policy.algorithm);
    EXPECT_EQ(r.policy.threshold, c.policy.threshold);
    EXPECT_EQ(r.policy.min_gain, c.policy.min_gain);
    EXPECT_EQ(r.policy.max_moves, c.policy.max_moves);
    EXPECT_EQ(r.policy.cooldown, c.policy.cooldown);
    EXPECT_EQ(r.policy.smoothing, c.policy.smoothing);
    EXPECT_EQ(r.policy.topology.enabled, c.policy.topology.enabled);
    EXPECT_EQ(r.policy.topology.smt_penalty, c.policy.topology.smt_penalty);
    EXPECT_EQ(r.policy.topology.cross_cache_gain, c.policy.topology.cross_cache_gain);
    EXPECT_EQ(r.policy.topology.cross_node_gain, c.policy.topology.cross_node_gain);
    EXPECT_EQ(r.policy.topology.keep_domain_on_node, c.policy.topology.keep_domain_on_node);
    EXPECT_EQ(r.policy.allowed, c.policy.allowed);
    EXPECT_EQ(r.policy.reserved, c.policy.reserved);
    EXPECT_EQ(r.policy.include, c.policy.include);
    EXPECT_EQ(r.policy.exclude, c.policy.exclude);
    EXPECT_EQ(r.log_level, c.log_level);
    EXPECT_EQ(r.log_target, c.log_target);
    EXPECT_EQ(r.metrics_textfile, c.metrics_textfile);
}

TEST(ConfigPrintTest, AutoMaxMovesPrintsAsAutoAndReadsBack) {
    const std::string text = config_to_yaml(Config{});
    EXPECT_NE(text.find("max_moves: auto"), std::string::npos) << text;
    ConfigLoad load = parse_config(text, "printed");
    ASSERT_TRUE(load.ok()) << load.errors[0].format();
    EXPECT_EQ(load.config->policy.max_moves, 0);
}

TEST(ConfigPrintTest, DefaultsPrintEveryKey) {
    const std::string text = config_to_yaml(Config{});
    for (const char* key :
         {"connect:",           "interval: 2",        "dry_run: false", "respect_manual_pins: true",
          "algorithm: balance", "threshold:",         "min_gain:",      "max_moves:",
          "cooldown:",          "smoothing:",         "topology:",      "enabled: true",
          "smt_penalty: 0.5",   "cross_node_gain: 4", "allowed: \"\"",  "reserved: \"\"",
          "include: []",        "exclude: []",        "level: info",    "target: auto",
          "textfile: \"\""})
        EXPECT_NE(text.find(key), std::string::npos) << key << " missing from\n" << text;
}

}  // namespace
}  // namespace vcpusched::daemon
