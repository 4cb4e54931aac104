// Rate-limits repeated identical messages so a persistent fault logs once, not every cycle.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace vcpusched::daemon {

class RepeatFilter {
  public:
    explicit RepeatFilter(std::chrono::nanoseconds window) : window_(window) {}

    // The text to log now, or nullopt to stay quiet. A message seen within the window is
    // suppressed; its next appearance after the window says how many were held back.
    std::optional<std::string> admit(const std::string& message, std::chrono::nanoseconds now);

  private:
    struct Seen {
        std::chrono::nanoseconds logged_at;
        int suppressed = 0;
    };
    std::chrono::nanoseconds window_;
    std::map<std::string, Seen> seen_;
};

}  // namespace vcpusched::daemon
