// Synthetic hosts for the cost benchmark: N pCPUs, V vCPUs in 4-vCPU domains, pinned at random.
#pragma once

#include "vcpusched/sim/scenario.hpp"

namespace vcpusched::bench {

// Total demand ≈ 70 % of the host (each vCPU at most one pCPU), every vCPU pinned to one
// random pCPU, one tick per 2 s period so that simulating costs little next to what is timed.
sim::Scenario cost_scenario(int pcpus, int vcpus, std::uint64_t seed = 1);

}  // namespace vcpusched::bench
