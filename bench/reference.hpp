// Reference placements: how balanced the host could be with the true demands, knowing them in
// advance (clairvoyant) or one period late (the best a reacting policy can hope for).
#pragma once

#include <vector>

namespace vcpusched::bench {

struct Reference {
    double spread = 0;       // points, of the best placement found
    double lower_bound = 0;  // max(largest vCPU demand, total demand ÷ pCPUs)
    double max_load = 0;     // of the best placement found
    std::vector<int> where;  // the pCPU (0-based) of each demand
};

// Longest-processing-time first, then moves and swaps between the busiest pCPU and the rest
// while they lower the variance. Not proven optimal; good enough to say "a placement this
// even exists" when its spread is under a threshold.
Reference reference_placement(const std::vector<double>& demands, int pcpus);

// The spread (points) of demands `now` placed as `where` says; items with -1 (not there when
// the placement was chosen) go to the least loaded pCPU, biggest first.
double spread_of_placement(const std::vector<double>& now, std::vector<int> where, int pcpus);

// max(largest single demand, total ÷ pCPUs): no placement has a busier pCPU than this.
double load_lower_bound(const std::vector<double>& demands, int pcpus);

}  // namespace vcpusched::bench
