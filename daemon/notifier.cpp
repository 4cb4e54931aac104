// SystemdNotifier: sd_notify, which does nothing when NOTIFY_SOCKET is unset.
#include "notifier.hpp"

#include <systemd/sd-daemon.h>

namespace vcpusched::daemon {

void SystemdNotifier::notify(const std::string& state) {
    // Failing to notify must not stop balancing; systemd notices on its own (timeouts).
    (void)sd_notify(0, state.c_str());
}

std::optional<std::chrono::microseconds> watchdog_timeout() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        return std::chrono::microseconds(usec);
    return std::nullopt;
}

}  // namespace vcpusched::daemon
