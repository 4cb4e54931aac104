// sd_notify behind an interface: READY, STATUS, WATCHDOG, RELOADING, STOPPING.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vcpusched::daemon {

class Notifier {
  public:
    virtual ~Notifier() = default;
    // One datagram of newline-separated VAR=value assignments.
    virtual void notify(const std::string& state) = 0;

    void ready() { notify("READY=1"); }
    void status(std::string_view line) { notify("STATUS=" + std::string(line)); }
    void watchdog() { notify("WATCHDOG=1"); }
    // systemd wants the monotonic time of the reload so it can tell which READY=1 answers it.
    void reloading(std::chrono::microseconds monotonic_now) {
        notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_now.count()));
    }
    void stopping() { notify("STOPPING=1"); }
};

class SystemdNotifier : public Notifier {
  public:
    void notify(const std::string& state) override;
};

// The watchdog timeout systemd set for this process (WATCHDOG_USEC), or nullopt when off.
std::optional<std::chrono::microseconds> watchdog_timeout();

}  // namespace vcpusched::daemon
