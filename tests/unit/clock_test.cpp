// The loop's only time source is CLOCK_MONOTONIC, which wall-clock steps cannot move.
#include "vcpusched/clock.hpp"

#include <time.h>

#include <gtest/gtest.h>

namespace vcpusched {
namespace {

std::chrono::nanoseconds read(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

static_assert(std::chrono::steady_clock::is_steady);

TEST(MonotonicClock, ReadsClockMonotonicNotTheWallClock) {
    // Bracketed by two CLOCK_MONOTONIC readings. CLOCK_REALTIME (counted from 1970) is decades
    // past the boot-relative monotonic time, so it could not fall between them.
    const auto before = read(CLOCK_MONOTONIC);
    MonotonicClock clock;
    const auto now = clock.now();
    const auto after = read(CLOCK_MONOTONIC);
    EXPECT_LE(before, now);
    EXPECT_LE(now, after);
    ASSERT_GT(read(CLOCK_REALTIME) - after, std::chrono::hours(24 * 365))
        << "this host's wall clock is too close to its uptime to tell the two apart";
}

}  // namespace
}  // namespace vcpusched
