// Fair sharing of one pCPU among the vCPUs on it (max-min fairness, "water-filling").
#pragma once

#include <vector>

namespace vcpusched::sim {

// What each want gets out of capacity: nobody gets more than it wants, and what the satisfied
// leave is split evenly among the rest. The result sums to min(capacity, sum of wants).
std::vector<double> water_fill(const std::vector<double>& wants, double capacity);

}  // namespace vcpusched::sim
