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

// results holds every policy's run of every scenario; the checks look at `balance`.
std::vector<TargetCheck> check_targets(const std::vector<BenchScenario>& scenarios,
                                       const std::vector<QualityResult>& results, double threshold,
                                       Tolerance tolerance = {});

}  // namespace vcpusched::bench
