// parse_cli: CLI11 for the grammar, our own checks so that every error names the bad value.
#include "cli.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace vcpusched::daemon {

namespace {

constexpr const char* kProgram = "vcpu-scheduler";

// A period in seconds, or an error message that quotes the text.
std::optional<double> seconds(const std::string& name, const std::string& text,
                              std::string& error) {
    double value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    const std::string expected =
        fmt::format("expected seconds from {} to {}", kMinInterval, kMaxInterval);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
        error = fmt::format("{}: \"{}\" is not a number of seconds ({})", name, text, expected);
        return std::nullopt;
    }
    if (value < kMinInterval || value > kMaxInterval) {
        error = fmt::format("{}: \"{}\" is out of range ({})", name, text, expected);
        return std::nullopt;
    }
    return value;
}

CliParse usage_error(const std::string& message) {
    CliParse result;
    result.exit_code = kExitUsage;
    result.err = fmt::format("{}: {}\nRun with --help for more information.\n", kProgram, message);
    return result;
}

}  // namespace

CliParse parse_cli(const std::vector<std::string>& args) {
    CLI::App app{
        "Re-pins the vCPUs of running KVM/libvirt guests so that the host's physical "
        "CPUs stay evenly loaded.",
        kProgram};
    std::string seconds_text, interval_text, log_level_text, log_target_text, connect;
    CliOptions options;

    auto* positional =
        app.add_option("SECONDS", seconds_text,
                       "Balancing period in seconds (the classic form of --interval)")
            ->type_name("");
    // Validated below rather than by CLI11, so that each message can quote the bad value;
    // the help text names what each option takes instead of "TEXT".
    auto* config = app.add_option("-c,--config", options.config_path,
                                  std::string("Config file (default ") + kDefaultConfigPath +
                                      "; a missing default file means built-in defaults)")
                       ->type_name("FILE");
    auto* connect_opt = app.add_option("--connect", connect, "libvirt URI (default qemu:///system)")
                            ->type_name("URI");
    auto* interval = app.add_option("-i,--interval", interval_text,
                                    "Balancing period in seconds (decimals allowed, minimum 0.1)")
                         ->type_name("SEC");
    positional->excludes(interval);
    app.add_flag("--dry-run", options.dry_run, "Measure and plan, log the plan, never pin");
    app.add_flag("--once", options.once,
                 "Take two samples one period apart, plan, apply, print the report, exit");
    app.add_flag("--check-config", options.check_config,
                 "Validate the config (-c FILE, or FILE as the positional argument), print the "
                 "effective config, exit 0 (valid) or 2");
    auto* level = app.add_option("--log-level", log_level_text, "trace, debug, info, warn or error")
                      ->type_name("LEVEL");
    auto* target = app.add_option("--log-target", log_target_text,
                                  "auto (the journal under systemd, else stderr), journal, stderr")
                       ->type_name("T");
    app.set_version_flag("--version", std::string(kProgram) + " " + VCPUSCHED_VERSION);
    app.footer(
        "Exit codes: 0 clean stop, 1 runtime failure, 2 bad usage or config.\n"
        "Signals: SIGHUP reloads the config, SIGTERM/SIGINT stop.");

    std::vector<std::string> reversed(args.size() > 1 ? args.begin() + 1 : args.end(), args.end());
    std::reverse(reversed.begin(), reversed.end());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        return CliParse{std::nullopt, kExitOk, app.help(), ""};
    } catch (const CLI::CallForVersion& e) {
        return CliParse{std::nullopt, kExitOk, std::string(e.what()) + "\n", ""};
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what());
    }

    std::string error;
    // `--check-config /etc/vcpu-scheduler.yaml` is what operators type: with --check-config
    // and no -c, a positional that is not a number names the file to check.
    const bool positional_is_file =
        *positional && options.check_config && !*config && !seconds("SECONDS", seconds_text, error);
    error.clear();
    if (positional_is_file) {
        options.config_path = seconds_text;
    } else if (*positional) {
        options.interval = seconds("SECONDS", seconds_text, error);
        if (!options.interval)
            return usage_error(error);
    }
    if (*interval) {
        options.interval = seconds("--interval", interval_text, error);
        if (!options.interval)
            return usage_error(error);
    }
    if (*connect_opt) {
        if (connect.empty())
            return usage_error(
                "--connect: empty URI (expected a libvirt URI such as "
                "qemu:///system)");
        options.connect = connect;
    }
    if (*level) {
        options.log_level = parse_log_level(log_level_text);
        if (!options.log_level)
            return usage_error(fmt::format("--log-level: \"{}\" is not a level (expected {})",
                                           log_level_text, kLogLevelNames));
    }
    if (*target) {
        options.log_target = parse_log_target(log_target_text);
        if (!options.log_target)
            return usage_error(fmt::format("--log-target: \"{}\" is not a target (expected {})",
                                           log_target_text, kLogTargetNames));
    }
    options.config_named = static_cast<bool>(*config) || positional_is_file;
    if (options.config_named && options.config_path.empty())
        return usage_error("--config: empty path (expected a file name)");
    return CliParse{options, kExitOk, "", ""};
}

void apply_overrides(const CliOptions& options, Config& config) {
    if (options.connect)
        config.connect = *options.connect;
    if (options.interval)
        config.interval = *options.interval;
    if (options.dry_run)
        config.dry_run = true;
    if (options.log_level)
        config.log_level = *options.log_level;
    if (options.log_target)
        config.log_target = *options.log_target;
}

}  // namespace vcpusched::daemon
