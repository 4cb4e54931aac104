// Monotonic time, behind an interface so the loop and the cycle are testable without waiting.
#pragma once

#include <chrono>

namespace vcpusched {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual std::chrono::nanoseconds now() = 0;
};

// CLOCK_MONOTONIC: immune to wall-clock steps.
class MonotonicClock : public Clock {
  public:
    std::chrono::nanoseconds now() override {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch());
    }
};

}  // namespace vcpusched
