// apply(): one pin per move, each outcome recorded; a lost connection ends the run.
#include "vcpusched/apply.hpp"

#include "vcpusched/error.hpp"
#include "vcpusched/pin_failures.hpp"

namespace vcpusched {

namespace {

std::string describe(const Move& m) {
    return "pin " + m.vcpu.domain_name + " vcpu " + std::to_string(m.vcpu.vcpu) + " to pCPU " +
           std::to_string(m.to);
}

}  // namespace

void apply(const Plan& plan, Hypervisor& hypervisor, std::vector<MoveResult>& results) {
    results.clear();
    results.reserve(plan.moves.size());
    for (const Move& m : plan.moves)
        results.push_back(MoveResult{m, MoveOutcome::Skipped, {}});
    for (auto& r : results) {
        if (r.move.to < 0) {
            r.message = describe(r.move) + ": no target pCPU";
            continue;
        }
        try {
            hypervisor.pin(r.move.vcpu, CpuSet{r.move.to});
            r.outcome = MoveOutcome::Done;
        } catch (const HypervisorError& e) {
            r.message = describe(r.move) + ": " + e.what();
            if (e.kind() == HypervisorErrorKind::DomainGone) {
                r.outcome = MoveOutcome::DomainGone;
                continue;
            }
            r.outcome = MoveOutcome::Failed;
            r.permanent = pin_failure_is_permanent(e);
            if (e.kind() == HypervisorErrorKind::ConnectionLost) {
                for (auto rest = &r + 1; rest != results.data() + results.size(); ++rest)
                    rest->message = "not tried: connection lost";
                throw;
            }
        } catch (const Error& e) {
            r.outcome = MoveOutcome::Failed;
            r.message = describe(r.move) + ": " + e.what();
        }
    }
}

std::vector<MoveResult> apply(const Plan& plan, Hypervisor& hypervisor) {
    std::vector<MoveResult> results;
    apply(plan, hypervisor, results);
    return results;
}

}  // namespace vcpusched
