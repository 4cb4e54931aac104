// A Log for tests that keeps every line, to assert what the core says and how often.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vcpusched/log.hpp"

namespace vcpusched::testing {

class RecordingLog : public Log {
  public:
    void write(LogLevel level, std::string_view message) override {
        lines.emplace_back(level, std::string(message));
    }
    bool enabled(LogLevel level) const override { return level >= from; }
    std::size_t count(LogLevel level, const std::string& text) const {
        std::size_t n = 0;
        for (const auto& [l, m] : lines)
            n += l == level && m.find(text) != std::string::npos ? 1 : 0;
        return n;
    }
    std::vector<std::pair<LogLevel, std::string>> lines;
    LogLevel from = LogLevel::Trace;  // what enabled() admits (write() keeps everything)
};

}  // namespace vcpusched::testing
