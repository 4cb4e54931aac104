// Log level and target: the names used on the command line and in the config file.
#pragma once

#include <optional>
#include <string_view>

#include "vcpusched/log.hpp"

namespace vcpusched::daemon {

enum class LogTarget {
    Auto,     // the journal when started by systemd (JOURNAL_STREAM set), else stderr
    Journal,  // always the journal
    Stderr,   // always stderr, with timestamps
};

inline constexpr std::string_view kLogLevelNames = "trace, debug, info, warn, error";
inline constexpr std::string_view kLogTargetNames = "auto, journal, stderr";

std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view log_level_name(LogLevel level);
std::optional<LogTarget> parse_log_target(std::string_view name);
std::string_view log_target_name(LogTarget target);

}  // namespace vcpusched::daemon
