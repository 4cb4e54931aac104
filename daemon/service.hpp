// The service loop: fixed-period cycles, reconnects, reload and stop, sd_notify and watchdog.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "backoff.hpp"
#include "balancer.hpp"
#include "config.hpp"
#include "logging.hpp"
#include "metrics_textfile.hpp"
#include "notifier.hpp"
#include "signals.hpp"
#include "vcpusched/clock.hpp"

namespace vcpusched::daemon {

// Everything with a side effect, passed in so that tests can drive the loop on fake time.
struct ServiceParts {
    Clock& clock;
    SignalWaiter& waiter;
    Notifier& notifier;
    Balancer& balancer;
    Logger& log;
    // Reads and validates the config again (file plus command-line overrides) on SIGHUP.
    std::function<ConfigLoad()> reload;
    // systemd's watchdog timeout; pinged at least every half of it. nullopt = no watchdog.
    std::optional<std::chrono::nanoseconds> watchdog;
    // The Prometheus textfile (metrics.textfile); null = none at all.
    MetricsTextfile* metrics = nullptr;
};

class Service {
  public:
    Service(Config config, ServiceParts parts);

    // Runs until SIGTERM/SIGINT; returns the exit code.
    int run();
    const Config& config() const { return config_; }

  private:
    enum class Link { Unknown, Up, Down };

    void try_connect();
    void run_cycle();
    void report(const CycleReport& report);
    void lost(const std::string& why);
    void reload();
    void ping_watchdog();
    // Metrics are a report, never a reason to stop balancing: failures are logged.
    void metrics_cycle_done(const CycleReport& report);
    void metrics_disconnected();
    std::chrono::nanoseconds period() const;
    std::chrono::nanoseconds wake_time() const;
    std::string waiting_status() const;

    Config config_;
    ServiceParts parts_;
    Link link_ = Link::Unknown;
    Backoff backoff_;
    std::chrono::nanoseconds next_cycle_{0};
    std::chrono::nanoseconds reconnect_at_{0};
    std::chrono::nanoseconds last_ping_{0};
};

}  // namespace vcpusched::daemon
