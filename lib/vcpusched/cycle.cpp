// Cycle: the loop body, read as the pipeline — sample, measure, plan, apply, report.
#include "vcpusched/cycle.hpp"

#include "vcpusched/error.hpp"
#include "vcpusched/policy.hpp"

namespace vcpusched {

namespace {

void log_results(Log& log, const std::vector<MoveResult>& results) {
    for (const auto& r : results) {
        switch (r.outcome) {
            case MoveOutcome::Done:
                log.write(LogLevel::Debug, "moved " + r.move.vcpu.domain_name + " vcpu " +
                                               std::to_string(r.move.vcpu.vcpu) + " " +
                                               std::to_string(r.move.from) + " → " +
                                               std::to_string(r.move.to));
                break;
            case MoveOutcome::DomainGone:  // routine: it stopped between sample and pin
                log.write(LogLevel::Debug, r.message);
                break;
            case MoveOutcome::Failed:
                log.write(LogLevel::Warn, r.message);
                break;
            case MoveOutcome::Skipped:
                break;
        }
    }
}

}  // namespace

Cycle::Cycle(Hypervisor& hypervisor, Clock& clock, CycleOptions options, Log& log)
    : hypervisor_(hypervisor), clock_(clock), options_(std::move(options)), log_(log) {}

void Cycle::set_options(const CycleOptions& options) {
    options_ = options;
}

void Cycle::reset() {
    previous_.reset();
    topology_.reset();
}

CycleReport Cycle::run() {
    CycleReport report;
    report.started_at = clock_.now();
    ++moves_.cycle;
    if (!topology_)
        topology_ = hypervisor_.topology();
    HostSample sample = hypervisor_.sample();
    if (!previous_) {
        previous_ = std::move(sample);
        report.baseline = true;
        report.plan.reason = "baseline: first sample, nothing to compare yet";
        report.duration = clock_.now() - report.started_at;
        return report;
    }

    MeasureOptions measure_options = options_.measure;
    measure_options.smoothing = options_.policy.smoothing;  // the operator's knob wins
    report.load = measure(*previous_, sample, *topology_, demand_, measure_options);
    demand_.update(report.load);
    previous_ = std::move(sample);
    report.plan = plan(report.load, *topology_, options_.policy, moves_);

    if (!options_.dry_run && !report.plan.moves.empty()) {
        try {
            apply(report.plan, hypervisor_, report.results);
        } catch (const HypervisorError&) {
            record_done(report.results);  // what was pinned before the connection broke
            throw;
        }
        record_done(report.results);
        log_results(log_, report.results);
    }
    report.duration = clock_.now() - report.started_at;
    return report;
}

void Cycle::record_done(const std::vector<MoveResult>& results) {
    for (const auto& r : results)
        if (r.outcome == MoveOutcome::Done)
            moves_.record(r.move.vcpu);
}

}  // namespace vcpusched
