// One balancing cycle: sample → measure → plan → apply, with the clock injected.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vcpusched/apply.hpp"
#include "vcpusched/clock.hpp"
#include "vcpusched/hypervisor.hpp"
#include "vcpusched/load_report.hpp"
#include "vcpusched/log.hpp"
#include "vcpusched/manual_pins.hpp"
#include "vcpusched/measure.hpp"
#include "vcpusched/pin_failures.hpp"
#include "vcpusched/plan.hpp"
#include "vcpusched/policy_config.hpp"

namespace vcpusched {

struct CycleOptions {
    PolicyConfig policy;
    MeasureOptions measure;  // its smoothing is taken from policy.smoothing, the operator's knob
    bool dry_run = false;    // plan but never pin
    // A vCPU someone else re-pinned while we run is left alone until its domain restarts;
    // false = it stays under our control (the planner may move it again).
    bool respect_manual_pins = true;
};

struct CycleReport {
    bool baseline = false;  // first sample after a (re)start: nothing to measure yet
    LoadReport load;
    Plan plan;
    std::vector<MoveResult> results;     // empty in dry-run
    std::vector<ManualPin> manual_pins;  // re-pins by someone else found in this cycle's sample
    std::chrono::nanoseconds started_at{0};
    std::chrono::nanoseconds duration{0};
};

class Cycle {
  public:
    Cycle(Hypervisor& hypervisor, Clock& clock, CycleOptions options, Log& log);

    // Throws HypervisorError (ConnectionLost) when the hypervisor is unreachable; the caller
    // reconnects and calls reset().
    CycleReport run();
    void set_options(const CycleOptions& options);
    const CycleOptions& options() const { return options_; }
    // Forgets the previous sample and topology (after a reconnect).
    void reset();

  private:
    void record_done(std::vector<MoveResult>& results, bool count_failures);
    void track_runs(const HostSample& sample, CycleReport& report);
    void hold(LoadReport& load) const;
    // Asks where the unpinned vCPUs the policy will place run now, so that they can be pinned
    // there: one call per such domain and run, and one more when a vCPU is plugged in that the
    // answer did not cover. Once pinned they are never asked about again;
    // a dry run, which never pins, reuses the first answer rather than asking every cycle
    // (steady round trips stay constant in the number of domains).
    void locate_unplaced(LoadReport& load);
    // Where the domain's vCPUs run now; empty when the hypervisor cannot say (logged).
    std::map<int, int> ask_where_running(const VcpuRef& v);

    Hypervisor& hypervisor_;
    Clock& clock_;
    CycleOptions options_;
    Log& log_;
    std::optional<HostSample> previous_;
    std::optional<Topology> topology_;
    DemandHistory demand_;
    MoveHistory moves_;
    ManualPins manual_;
    PinFailures failures_;
    // Domain UUID → vCPU → pCPU it ran on (-1: the hypervisor did not say).
    std::map<std::string, std::map<int, int>> located_;
};

}  // namespace vcpusched
