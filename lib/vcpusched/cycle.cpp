// Cycle: the loop body, read as the pipeline — sample, measure, plan, apply, report.
#include "vcpusched/cycle.hpp"

#include <map>
#include <set>
#include <string>

#include "vcpusched/domain_runs.hpp"
#include "vcpusched/error.hpp"
#include "vcpusched/load_trace.hpp"
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
            case MoveOutcome::Failed:  // the caller reports it (the daemon, once per failure)
                log.write(LogLevel::Debug, r.message);
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
    located_.clear();
    // Domains may have restarted while we could not see them: start their records afresh.
    manual_.clear();
    failures_.clear();
}

void Cycle::track_runs(const HostSample& sample, CycleReport& report) {
    if (previous_) {
        for (const auto& uuid : ended_runs(*previous_, sample)) {
            manual_.forget(uuid);
            failures_.forget(uuid);
            located_.erase(uuid);
        }
    }
    const std::set<std::string> running = uuids(sample);
    failures_.keep_only(running);
    // Cooldowns of domains that stopped would otherwise pile up with every domain ever seen.
    std::erase_if(moves_.last_moved,
                  [&](const auto& entry) { return !running.contains(entry.first.first); });
    std::erase_if(located_, [&](const auto& entry) { return !running.contains(entry.first); });
    report.manual_pins = manual_.observe(sample);
    for (const auto& m : report.manual_pins) {
        const std::string who = m.vcpu.domain_name + " vcpu " + std::to_string(m.vcpu.vcpu);
        const std::string what = who + " was re-pinned by someone else (" + m.before.format() +
                                 " → " + m.now.format() + ")";
        log_.write(LogLevel::Info,
                   options_.respect_manual_pins
                       ? what + "; leaving it alone until the domain restarts"
                       : what + "; respect_manual_pins is off: balancing it anyway");
    }
}

void Cycle::hold(LoadReport& load) const {
    for (auto& v : load.vcpus)
        v.held =
            (options_.respect_manual_pins && manual_.manual(v.ref)) || failures_.given_up(v.ref);
}

std::map<int, int> Cycle::ask_where_running(const VcpuRef& v) {
    try {
        return hypervisor_.running_on(v.domain_uuid);
    } catch (const HypervisorError& e) {
        // Gone since the sample: the pins will say so. Placing where it runs is a preference,
        // not worth failing the cycle for, unless the link itself broke.
        if (e.kind() == HypervisorErrorKind::ConnectionLost)
            throw;
        log_.write(LogLevel::Debug, v.domain_name +
                                        ": where its vCPUs run is unknown, placing them by "
                                        "demand: " +
                                        e.what());
        return {};
    }
}

void Cycle::locate_unplaced(LoadReport& load) {
    std::set<std::string> asked;  // domains asked this cycle: one question each at most
    for (auto& v : load.vcpus) {
        if (v.pcpu >= 0 || v.held || !domain_managed(v.ref.domain_name, options_.policy))
            continue;
        auto it = located_.find(v.ref.domain_uuid);
        // A vCPU the last answer did not cover was plugged in since: ask again, once. Whatever
        // the answer, the vCPU gets an entry (-1 = unknown), so a vCPU the hypervisor cannot
        // place costs no question per cycle.
        if (it == located_.end() ||
            (!it->second.contains(v.ref.vcpu) && !asked.contains(v.ref.domain_uuid))) {
            std::map<int, int> answer = ask_where_running(v.ref);
            asked.insert(v.ref.domain_uuid);
            if (it == located_.end())
                it = located_.emplace(v.ref.domain_uuid, std::move(answer)).first;
            else
                it->second = std::move(answer);
        }
        const int where = it->second.try_emplace(v.ref.vcpu, -1).first->second;
        if (where >= 0)
            v.running_on = where;
    }
}

CycleReport Cycle::run() {
    CycleReport report;
    report.started_at = clock_.now();
    ++moves_.cycle;
    if (!topology_)
        topology_ = hypervisor_.topology();
    HostSample sample = hypervisor_.sample();
    track_runs(sample, report);
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
    hold(report.load);
    locate_unplaced(report.load);
    trace_loads(log_, report.load);
    report.plan = plan(report.load, *topology_, options_.policy, moves_);

    if (!options_.dry_run && !report.plan.moves.empty()) {
        try {
            apply(report.plan, hypervisor_, report.results);
        } catch (const HypervisorError&) {
            // What was pinned before the connection broke; the failure is the link's, not the
            // pin's.
            record_done(report.results, false);
            throw;
        }
        record_done(report.results, true);
        log_results(log_, report.results);
    }
    report.duration = clock_.now() - report.started_at;
    return report;
}

void Cycle::record_done(std::vector<MoveResult>& results, bool count_failures) {
    for (auto& r : results) {
        if (r.outcome == MoveOutcome::Done) {
            moves_.record(r.move.vcpu);
            manual_.pinned(r.move.vcpu, CpuSet{r.move.to});
            failures_.succeeded(r.move.vcpu);
        } else if (count_failures && r.outcome == MoveOutcome::Failed && r.move.to >= 0) {
            r.given_up = failures_.failed(r.move.vcpu, r.permanent);
        }
    }
}

}  // namespace vcpusched
