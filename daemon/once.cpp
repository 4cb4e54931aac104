// run_once: the single visible cycle of --once, for operators and for trying settings.
#include "once.hpp"

#include <chrono>

#include "cli.hpp"
#include "report.hpp"
#include "vcpusched/error.hpp"

namespace vcpusched::daemon {

int run_once(const Config& config, Balancer& balancer, Clock& clock, SignalWaiter& waiter,
             Logger& log, std::ostream& out) {
    try {
        balancer.set_options(cycle_options(config));
        balancer.connect(config.connect);
        const auto started = clock.now();
        balancer.run();  // the baseline
        const auto period = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::duration<double>(config.interval));
        Wake wake = Wake::Reload;
        while (wake == Wake::Reload)  // a reload has nothing to reload here
            wake = waiter.wait_until(started + period);
        if (wake == Wake::Stop)
            return kExitOk;
        const auto report = balancer.run();
        out << once_report(report, config.dry_run);
        out.flush();
        for (const MoveResult& r : report.results)
            if (r.outcome == MoveOutcome::Done)
                log.write(LogLevel::Info, describe_move(r.move, report.plan), move_fields(r.move));
        balancer.disconnect();
        return kExitOk;
    } catch (const Error& e) {
        log.write(LogLevel::Error, std::string("libvirt at ") + config.connect + ": " + e.what());
        return kExitFailure;
    }
}

}  // namespace vcpusched::daemon
