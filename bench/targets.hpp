// The quality targets `balance` must meet, checked against a set of benchmark results.
#pragma once

#include <string>
#include <vector>

#include "quality.hpp"
#include "scenario_file.hpp"

namespace vcpusched::bench {

struct TargetCheck {
    std::string target;    // e.g. "spread ≤ 5 pt"
    std::string scenario;  // empty for host-wide targets
    bool ok = false;
    std::string detail;  // the numbers behind the verdict
};

// How much worse than a baseline still counts as "not worse": noise-sized differences.
struct Tolerance {
    double spread_points = 1.0;
    double ratio = 0.02;
};

// Which targets: issue 5's balance quality (spread where reachable, max-load ratio,
// convergence, churn, not worse than the baselines), or issue 8's on the scenarios marked
// `topology` (spread ≤ threshold, at least as much demand served and no more cross-node moves
// than balance-blind, count and greedy).
enum class TargetSet { Quality, Topology };

// results holds every policy's run of every scenario; the checks look at `balance`.
std::vector<TargetCheck> check_targets(const std::vector<BenchScenario>& scenarios,
                                       const std::vector<QualityResult>& results, double threshold,
                                       Tolerance tolerance = {},
                                       TargetSet set = TargetSet::Quality);

}  // namespace vcpusched::bench
