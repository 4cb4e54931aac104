// Service::run: sleep until the next period or signal, cycle, report, ping; reconnect on loss.
#include "service.hpp"

#include <fmt/format.h>

#include "report.hpp"
#include "vcpusched/error.hpp"

namespace vcpusched::daemon {

using std::chrono::nanoseconds;

Service::Service(Config config, ServiceParts parts)
    : config_(std::move(config)), parts_(std::move(parts)) {}

nanoseconds Service::period() const {
    return std::chrono::duration_cast<nanoseconds>(std::chrono::duration<double>(config_.interval));
}

std::string Service::waiting_status() const {
    return "waiting for libvirt at " + config_.connect;
}

int Service::run() {
    const nanoseconds start = parts_.clock.now();
    next_cycle_ = start;
    reconnect_at_ = start;
    last_ping_ = start;
    parts_.balancer.set_options(cycle_options(config_));
    parts_.log.write(LogLevel::Info,
                     fmt::format("started: libvirt {}, every {} s{}", config_.connect,
                                 config_.interval, config_.dry_run ? ", dry run" : ""));
    // Ready means the config is loaded and the loop runs; libvirt may come later.
    parts_.notifier.ready();
    parts_.notifier.status(waiting_status());
    while (true) {
        if (!parts_.balancer.connected() && parts_.clock.now() >= reconnect_at_)
            try_connect();
        if (parts_.balancer.connected() && parts_.clock.now() >= next_cycle_)
            run_cycle();
        if (parts_.watchdog && parts_.clock.now() - last_ping_ >= *parts_.watchdog / 2)
            ping_watchdog();  // a long period still needs the watchdog fed

        switch (parts_.waiter.wait_until(wake_time())) {
            case Wake::Deadline:
                break;
            case Wake::Reload:
                reload();
                break;
            case Wake::Stop:
                parts_.notifier.stopping();
                parts_.log.write(LogLevel::Info, "stopping");
                parts_.balancer.disconnect();
                return 0;
        }
    }
}

nanoseconds Service::wake_time() const {
    nanoseconds wake = parts_.balancer.connected() ? next_cycle_ : reconnect_at_;
    if (parts_.watchdog)
        wake = std::min(wake, last_ping_ + *parts_.watchdog / 2);
    return wake;
}

void Service::ping_watchdog() {
    parts_.notifier.watchdog();
    last_ping_ = parts_.clock.now();
}

void Service::try_connect() {
    try {
        parts_.balancer.connect(config_.connect);
    } catch (const Error& e) {
        if (link_ != Link::Down) {
            parts_.log.write(LogLevel::Warn,
                             fmt::format("cannot reach libvirt at {}: {}; retrying every 1-30 s",
                                         config_.connect, e.what()));
        } else {
            parts_.log.write(LogLevel::Debug, fmt::format("libvirt at {} still unreachable: {}",
                                                          config_.connect, e.what()));
        }
        link_ = Link::Down;
        parts_.notifier.status(waiting_status());
        metrics_disconnected();
        reconnect_at_ = parts_.clock.now() + backoff_.next();
        // The loop is alive even when libvirt is not: that is what the watchdog asks.
        ping_watchdog();
        return;
    }
    parts_.log.write(LogLevel::Info, (link_ == Link::Down ? "reconnected to libvirt at "
                                                          : "connected to libvirt at ") +
                                         config_.connect);
    link_ = Link::Up;
    backoff_.reset();
    next_cycle_ = parts_.clock.now();  // a first sample at once: the baseline
}

void Service::run_cycle() {
    try {
        const CycleReport done = parts_.balancer.run();
        report(done);
        metrics_cycle_done(done);
    } catch (const HypervisorError& e) {
        if (e.kind() == HypervisorErrorKind::ConnectionLost)
            lost(e.what());
        else
            parts_.log.write(LogLevel::Warn, std::string("cycle failed: ") + e.what());
    } catch (const Error& e) {
        parts_.log.write(LogLevel::Warn, std::string("cycle failed: ") + e.what());
    }
    // Fed after the cycle, on this thread: a cycle that hangs starves the watchdog, and
    // systemd restarts us. Never from another thread.
    ping_watchdog();

    // Periods are anchored to the first one: a slow cycle does not shift the ones after it,
    // and periods missed entirely are skipped, not run back to back.
    const nanoseconds now = parts_.clock.now();
    const nanoseconds p = period();
    next_cycle_ += p;
    if (next_cycle_ <= now) {
        const auto missed = (now - next_cycle_) / p + 1;
        parts_.log.write(LogLevel::Debug,
                         fmt::format("cycle overran: skipping {} period(s)", missed));
        next_cycle_ += missed * p;
    }
}

void Service::report(const CycleReport& report) {
    // Why this cycle moves anything, once, ahead of the moves themselves: an operator reading
    // the journal sees the decision, not only its pins.
    if (!report.plan.moves.empty())
        parts_.log.write(LogLevel::Info, "plan: " + report.plan.reason);
    if (config_.dry_run) {
        for (const Move& m : report.plan.moves) {
            parts_.log.write(LogLevel::Info,
                             "dry run, not pinned: " + describe_move(m, report.plan),
                             move_fields(m));
        }
    }
    for (const MoveResult& r : report.results) {
        const std::string line = describe_move(r.move, report.plan);
        switch (r.outcome) {
            case MoveOutcome::Done:
                parts_.log.write(LogLevel::Info, line, move_fields(r.move));
                break;
            case MoveOutcome::DomainGone:
                parts_.log.write(LogLevel::Debug, line + ": not pinned, the domain is gone");
                break;
            case MoveOutcome::Failed:
                // One line per failure; a vCPU is given up on after a few (see PinFailures).
                parts_.log.write(LogLevel::Warn,
                                 line + ": pin failed: " + r.message +
                                     (r.given_up ? "; giving up on this vCPU until its domain "
                                                   "restarts"
                                                 : "; will retry"),
                                 move_fields(r.move));
                break;
            case MoveOutcome::Skipped:
                parts_.log.write(LogLevel::Debug, line + ": skipped");
                break;
        }
    }
    if (!report.baseline && report.plan.moves.empty())
        parts_.log.write(LogLevel::Debug, "no moves: " + report.plan.reason);
    parts_.notifier.status(status_line(report));
}

void Service::lost(const std::string& why) {
    parts_.log.write(LogLevel::Warn,
                     fmt::format("lost libvirt at {}: {}; reconnecting", config_.connect, why));
    parts_.balancer.disconnect();
    link_ = Link::Down;
    backoff_.reset();
    reconnect_at_ = parts_.clock.now() + backoff_.next();
    parts_.notifier.status(waiting_status());
    metrics_disconnected();
}

void Service::metrics_cycle_done(const CycleReport& report) {
    if (!parts_.metrics)
        return;
    try {
        parts_.metrics->cycle_done(report, std::chrono::system_clock::now());
    } catch (const Error& e) {
        parts_.log.write(LogLevel::Warn, std::string("metrics: ") + e.what());
    }
}

void Service::metrics_disconnected() {
    if (!parts_.metrics)
        return;
    try {
        parts_.metrics->disconnected();
    } catch (const Error& e) {
        parts_.log.write(LogLevel::Warn, std::string("metrics: ") + e.what());
    }
}

void Service::reload() {
    const nanoseconds now = parts_.clock.now();
    parts_.notifier.reloading(std::chrono::duration_cast<std::chrono::microseconds>(now));
    ConfigLoad load = parts_.reload();
    if (!load.ok()) {
        for (const ConfigError& e : load.errors)
            parts_.log.write(LogLevel::Error, e.format());
        parts_.log.write(LogLevel::Error,
                         fmt::format("reload failed ({} errors): keeping the current configuration",
                                     load.errors.size()));
        parts_.notifier.ready();
        return;
    }
    const Config old = std::exchange(config_, std::move(*load.config));
    parts_.balancer.set_options(cycle_options(config_));
    parts_.log.set_level(config_.log_level);
    if (parts_.metrics)
        parts_.metrics->set_path(config_.metrics_textfile);
    if (config_.log_target != old.log_target)
        parts_.log.write(LogLevel::Warn, "log.target changes take effect at the next start");
    if (config_.interval != old.interval)
        next_cycle_ = now + period();
    if (config_.connect != old.connect) {
        parts_.log.write(LogLevel::Info, fmt::format("libvirt URI changed from {} to {}",
                                                     old.connect, config_.connect));
        parts_.balancer.disconnect();
        link_ = Link::Unknown;
        backoff_.reset();
        reconnect_at_ = now;
        parts_.notifier.status(waiting_status());
    }
    parts_.log.write(LogLevel::Info, "configuration reloaded");
    parts_.notifier.ready();
}

}  // namespace vcpusched::daemon
