// The service's signals: blocked before any thread exists, then awaited in the loop's sleep.
#pragma once

#include <signal.h>

#include <chrono>

#include "vcpusched/clock.hpp"

namespace vcpusched::daemon {

// What ended a wait.
enum class Wake {
    Deadline,  // the time came
    Reload,    // SIGHUP
    Stop,      // SIGTERM or SIGINT
};

class SignalWaiter {
  public:
    virtual ~SignalWaiter() = default;
    // Sleeps until the monotonic `deadline` or until a signal arrives, whichever is first.
    virtual Wake wait_until(std::chrono::nanoseconds deadline) = 0;
};

// Blocks SIGHUP, SIGTERM and SIGINT in the calling thread; threads created afterwards inherit
// the mask, so the signals stay pending until the loop takes them with sigtimedwait. Also
// ignores SIGPIPE. Call first thing in main().
sigset_t block_service_signals();

class SigtimedwaitWaiter : public SignalWaiter {
  public:
    SigtimedwaitWaiter(sigset_t signals, Clock& clock) : signals_(signals), clock_(clock) {}
    Wake wait_until(std::chrono::nanoseconds deadline) override;

  private:
    sigset_t signals_;
    Clock& clock_;
};

}  // namespace vcpusched::daemon
