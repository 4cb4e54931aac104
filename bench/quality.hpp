// Runs one scenario under one policy against the simulator and scores the result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference.hpp"
#include "scenario_file.hpp"
#include "vcpusched/policy_config.hpp"

namespace vcpusched::bench {

// BalanceBlind is balance with policy.topology.enabled = false: what topology awareness buys.
enum class PolicyKind { Balance, BalanceBlind, Count, Greedy };
const char* policy_name(PolicyKind kind);

struct PeriodRecord {
    double spread = 0;  // points, true demand per pCPU over the period
    double ratio = 1;   // busiest pCPU ÷ lower bound
    int moves = 0;      // pins done by the cycle at the end of this period
    double served = 1;  // share of the period's demand the host served
    double late = -1;   // points: the best placement of the previous period's demands scored
                        // on this period's (-1 in the first period)
    std::string note;   // the policy's reason for that cycle's plan
};

// A stretch of periods between two load changes (the first starts at period 1).
struct Segment {
    int first = 1;  // 1-based periods, both included
    int last = 1;
    Reference reference;  // clairvoyant: on the true demands of the segment's last period
    // The best a policy reacting one period late can do: the reference placement of the
    // period before the last, scored on the last period's demands.
    double late_spread = 0;
    double threshold = 0;   // max(policy threshold, late_spread + 1): reachable balance
    int converged_at = -1;  // first period from which spread stays ≤ threshold; -1 = never
    int moves_after = 0;    // pins from converged_at to the segment's end
    int periods_to_converge() const { return converged_at < 0 ? -1 : converged_at - first; }
};

struct QualityResult {
    std::string scenario;
    std::string policy;
    std::vector<PeriodRecord> periods;  // index 0 = period 1
    std::vector<Segment> segments;
    double final_spread = 0;
    double final_ratio = 1;
    Reference final_reference;
    double final_late_spread = 0;
    int worst_convergence = -1;  // max periods_to_converge over segments; -1 if one never did
    int moves = 0;
    int moves_after_convergence = 0;
    double served = 1;  // share of the demand the host served over the run
    std::uint64_t cross_node_pins = 0;
    std::string error;  // non-empty when the run threw
};

QualityResult run_quality(const BenchScenario& scenario, PolicyKind kind,
                          const PolicyConfig& policy);

}  // namespace vcpusched::bench
