// Conversions between log levels/targets and their names.
#include "log_options.hpp"

#include <array>
#include <utility>

namespace vcpusched::daemon {

namespace {

constexpr std::array kLevels = {
    std::pair{LogLevel::Trace, std::string_view{"trace"}},
    std::pair{LogLevel::Debug, std::string_view{"debug"}},
    std::pair{LogLevel::Info, std::string_view{"info"}},
    std::pair{LogLevel::Warn, std::string_view{"warn"}},
    std::pair{LogLevel::Error, std::string_view{"error"}},
};

constexpr std::array kTargets = {
    std::pair{LogTarget::Auto, std::string_view{"auto"}},
    std::pair{LogTarget::Journal, std::string_view{"journal"}},
    std::pair{LogTarget::Stderr, std::string_view{"stderr"}},
};

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
    for (auto [level, level_name] : kLevels)
        if (level_name == name)
            return level;
    return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
    for (auto [l, name] : kLevels)
        if (l == level)
            return name;
    return "info";
}

std::optional<LogTarget> parse_log_target(std::string_view name) {
    for (auto [target, target_name] : kTargets)
        if (target_name == name)
            return target;
    return std::nullopt;
}

std::string_view log_target_name(LogTarget target) {
    for (auto [t, name] : kTargets)
        if (t == target)
            return name;
    return "auto";
}

}  // namespace vcpusched::daemon
