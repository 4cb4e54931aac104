// Reconnect delays: 1 s, doubling, capped at 30 s; reset once connected.
#pragma once

#include <algorithm>
#include <chrono>

namespace vcpusched::daemon {

class Backoff {
  public:
    static constexpr std::chrono::nanoseconds kFirst = std::chrono::seconds(1);
    static constexpr std::chrono::nanoseconds kMax = std::chrono::seconds(30);

    // The delay before the next attempt; each call doubles the one after.
    std::chrono::nanoseconds next() {
        auto delay = delay_;
        delay_ = std::min(delay_ * 2, kMax);
        return delay;
    }
    void reset() { delay_ = kFirst; }

  private:
    std::chrono::nanoseconds delay_ = kFirst;
};

}  // namespace vcpusched::daemon
