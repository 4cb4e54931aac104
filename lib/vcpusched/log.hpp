// The small logging interface through which the core reports; the daemon plugs spdlog in.
#pragma once

#include <string_view>

namespace vcpusched {

enum class LogLevel { Trace, Debug, Info, Warn, Error };

class Log {
  public:
    virtual ~Log() = default;
    virtual void write(LogLevel level, std::string_view message) = 0;
    // Whether a message at `level` would be written: lets the core skip composing a line per
    // vCPU every cycle that nobody reads.
    virtual bool enabled(LogLevel) const { return true; }
};

class NullLog : public Log {
  public:
    void write(LogLevel, std::string_view) override {}
    bool enabled(LogLevel) const override { return false; }
};

}  // namespace vcpusched
