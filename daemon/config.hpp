// The daemon's settings as one fully validated value, and how YAML text becomes one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log_options.hpp"
#include "vcpusched/cycle.hpp"
#include "vcpusched/policy_config.hpp"

namespace vcpusched::daemon {

inline constexpr double kMinInterval = 0.1;
inline constexpr double kMaxInterval = 3600;

// Every default lives here (and in PolicyConfig); config/vcpu-scheduler.yaml repeats them.
struct Config {
    std::string connect = "qemu:///system";
    double interval = 2.0;  // seconds
    bool dry_run = false;
    PolicyConfig policy;
    LogLevel log_level = LogLevel::Info;
    LogTarget log_target = LogTarget::Auto;
    bool respect_manual_pins = true;
    std::string metrics_textfile;  // empty = no metrics file
};

// One fault in a config file. line/column are 1-based; 0 when the fault has no position
// (the file cannot be read).
struct ConfigError {
    std::string file;
    int line = 0;
    int column = 0;
    std::string path;      // dotted key path, e.g. "policy.threshold"; empty for the whole file
    std::string what;      // what is wrong
    std::string expected;  // what would be right; may be empty

    // FILE:LINE:COL: key.path: what is wrong (expected …)
    std::string format() const;
};

// A config, or every error found in the text (never both).
struct ConfigLoad {
    std::optional<Config> config;
    std::vector<ConfigError> errors;
    bool ok() const { return config.has_value(); }
};

// Parses and validates YAML text; `file` names it in errors.
ConfigLoad parse_config(std::string_view text, const std::string& file);
// Reads and parses a file; an unreadable file is one error.
ConfigLoad load_config_file(const std::string& path);

// What the core needs of a config.
CycleOptions cycle_options(const Config& config);

}  // namespace vcpusched::daemon
