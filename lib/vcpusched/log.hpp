// The small logging interface through which the core reports; the daemon plugs spdlog in.
#pragma once

#include <string_view>

namespace vcpusched {

enum class LogLevel { Trace, Debug, Info, Warn, Error };

class Log {
  public:
    virtual ~Log() = default;
    virtual void write(LogLevel level, std::string_view message) = 0;
};

class NullLog : public Log {
  public:
    void write(LogLevel, std::string_view) override {}
};

}  // namespace vcpusched
