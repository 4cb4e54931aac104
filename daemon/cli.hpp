// The command line: parsed into options that override the config file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "log_options.hpp"

namespace vcpusched::daemon {

inline constexpr const char* kDefaultConfigPath = "/etc/vcpu-scheduler.yaml";

// Exit codes of the binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // runtime failure
inline constexpr int kExitUsage = 2;    // bad command line or config

struct CliOptions {
    std::string config_path = kDefaultConfigPath;
    bool config_named = false;  // -c given: a missing file is then an error
    std::optional<std::string> connect;
    std::optional<double> interval;
    bool dry_run = false;
    bool once = false;
    bool check_config = false;
    std::optional<LogLevel> log_level;
    std::optional<LogTarget> log_target;
};

// Either options to run with, or an exit code with what to print (help, version, an error).
struct CliParse {
    std::optional<CliOptions> options;
    int exit_code = kExitOk;
    std::string out;  // for stdout
    std::string err;  // for stderr
};

// args[0] is the program name, as in argv.
CliParse parse_cli(const std::vector<std::string>& args);

// Command-line values win over the file's.
void apply_overrides(const CliOptions& options, Config& config);

}  // namespace vcpusched::daemon
