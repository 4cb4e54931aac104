// Carries out a plan's moves through the hypervisor, one result per move.
#pragma once

#include <string>
#include <vector>

#include "vcpusched/hypervisor.hpp"
#include "vcpusched/plan.hpp"

namespace vcpusched {

enum class MoveOutcome { Done, DomainGone, Failed, Skipped };

struct MoveResult {
    Move move;
    MoveOutcome outcome = MoveOutcome::Skipped;
    std::string message;     // why it failed; empty when done
    bool permanent = false;  // Failed, and retrying the same pin cannot help
    bool given_up =
        false;  // Failed, and the cycle stops moving this vCPU until its domain restarts
};

// A lost connection stops the run: that move is Failed and the rest Skipped, then the
// HypervisorError is rethrown so the caller reconnects. Other errors are per move.
std::vector<MoveResult> apply(const Plan& plan, Hypervisor& hypervisor);
// The same, filling `results` as it goes so that a caller still has them when it throws.
void apply(const Plan& plan, Hypervisor& hypervisor, std::vector<MoveResult>& results);

}  // namespace vcpusched
