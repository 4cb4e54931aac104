// A Clock for tests: time moves only when told (and by `step` on every reading).
#pragma once

#include <chrono>

#include "vcpusched/clock.hpp"

namespace vcpusched::testing {

class FakeClock : public Clock {
  public:
    explicit FakeClock(std::chrono::nanoseconds step = std::chrono::nanoseconds{0}) : step_(step) {}
    std::chrono::nanoseconds now() override {
        ++readings;
        auto t = now_;
        now_ += step_;
        return t;
    }
    void advance(std::chrono::nanoseconds d) { now_ += d; }
    int readings = 0;

  private:
    std::chrono::nanoseconds now_{1'000'000'000};
    std::chrono::nanoseconds step_;
};

}  // namespace vcpusched::testing
