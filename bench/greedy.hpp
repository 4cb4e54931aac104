// The greedy baseline: move the heaviest vCPU of the busiest pCPU to the idlest while it helps.
#pragma once

#include "vcpusched/load_report.hpp"
#include "vcpusched/plan.hpp"

namespace vcpusched::bench {

// Unplaced vCPUs are first pinned to the least loaded pCPU, heaviest first. No threshold, no
// cooldown, no hysteresis: the textbook greedy that a policy should beat.
Plan greedy_plan(const LoadReport& report);

}  // namespace vcpusched::bench
