// One balancing cycle: sample → measure → plan → apply, with the clock injected.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "vcpusched/apply.hpp"
#include "vcpusched/clock.hpp"
#include "vcpusched/hypervisor.hpp"
#include "vcpusched/load_report.hpp"
#include "vcpusched/log.hpp"
#include "vcpusched/measure.hpp"
#include "vcpusched/plan.hpp"
#include "vcpusched/policy_config.hpp"

namespace vcpusched {

struct CycleOptions {
    PolicyConfig policy;
    MeasureOptions measure;  // its smoothing is taken from policy.smoothing, the operator's knob
    bool dry_run = false;    // plan but never pin
};

struct CycleReport {
    bool baseline = false;  // first sample after a (re)start: nothing to measure yet
    LoadReport load;
    Plan plan;
    std::vector<MoveResult> results;  // empty in dry-run
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
    void record_done(const std::vector<MoveResult>& results);

    Hypervisor& hypervisor_;
    Clock& clock_;
    CycleOptions options_;
    Log& log_;
    std::optional<HostSample> previous_;
    std::optional<Topology> topology_;
    DemandHistory demand_;
    MoveHistory moves_;
};

}  // namespace vcpusched
