// SigtimedwaitWaiter: pending SIGHUP/SIGTERM/SIGINT end the wait; otherwise the deadline does.
#include "signals.hpp"

#include <signal.h>

#include <gtest/gtest.h>

namespace vcpusched::daemon {
namespace {

using namespace std::chrono_literals;

class SignalsTest : public ::testing::Test {
  protected:
    void SetUp() override { pthread_sigmask(SIG_SETMASK, nullptr, &saved_); }
    void TearDown() override {
        // Drop anything still pending, then restore the mask gtest started with.
        sigset_t set = block_service_signals();
        timespec zero{};
        while (sigtimedwait(&set, nullptr, &zero) > 0) {
        }
        pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
    }
    sigset_t saved_;
    MonotonicClock clock_;
};

TEST_F(SignalsTest, PendingSignalsWakeTheWaitWithTheirMeaning) {
    SigtimedwaitWaiter waiter(block_service_signals(), clock_);
    const auto far = clock_.now() + 60s;
    // Blocked: raise() leaves the signal pending for this thread instead of killing it.
    raise(SIGHUP);
    EXPECT_EQ(waiter.wait_until(far), Wake::Reload);
    raise(SIGTERM);
    EXPECT_EQ(waiter.wait_until(far), Wake::Stop);
    raise(SIGINT);
    EXPECT_EQ(waiter.wait_until(far), Wake::Stop);
}

TEST_F(SignalsTest, WithoutASignalTheDeadlineEndsTheWait) {
    SigtimedwaitWaiter waiter(block_service_signals(), clock_);
    const auto deadline = clock_.now() + 20ms;
    EXPECT_EQ(waiter.wait_until(deadline), Wake::Deadline);
    EXPECT_GE(clock_.now(), deadline);
}

TEST_F(SignalsTest, APassedDeadlineStillTakesAPendingSignal) {
    SigtimedwaitWaiter waiter(block_service_signals(), clock_);
    raise(SIGTERM);
    EXPECT_EQ(waiter.wait_until(clock_.now() - 1s), Wake::Stop);
}

}  // namespace
}  // namespace vcpusched::daemon
