// Signal blocking and the sigtimedwait sleep of the service loop.
#include "signals.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <system_error>

namespace vcpusched::daemon {

sigset_t block_service_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0)
        throw std::system_error(rc, std::generic_category(), "blocking signals");
    // A libvirtd that dies under us closes its socket; the next write must fail with EPIPE
    // (a lost connection, handled by reconnecting), not kill the daemon. libvirt asks its
    // applications to do this.
    std::signal(SIGPIPE, SIG_IGN);
    return set;
}

Wake SigtimedwaitWaiter::wait_until(std::chrono::nanoseconds deadline) {
    while (true) {
        auto left = deadline - clock_.now();
        if (left <= std::chrono::nanoseconds::zero())
            left = std::chrono::nanoseconds::zero();  // still take a pending signal first
        timespec timeout{};
        timeout.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
        timeout.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
        int sig = sigtimedwait(&signals_, nullptr, &timeout);
        if (sig == SIGHUP)
            return Wake::Reload;
        if (sig == SIGTERM || sig == SIGINT)
            return Wake::Stop;
        if (sig < 0 && errno == EAGAIN)
            return Wake::Deadline;
        if (sig < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "sigtimedwait");
        // EINTR (another signal's handler ran): wait out the rest.
    }
}

}  // namespace vcpusched::daemon
