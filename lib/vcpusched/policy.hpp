// The balancing policies: pure functions from load and placement to a minimal plan.
#pragma once

#include "vcpusched/load_report.hpp"
#include "vcpusched/plan.hpp"
#include "vcpusched/policy_config.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched {

// Deterministic: the same inputs give the same plan. No I/O, no clock, no logging.
Plan plan(const LoadReport& report, const Topology& topology, const PolicyConfig& policy,
          const MoveHistory& history);

// True when a domain is under the daemon's control (include/exclude globs).
bool domain_managed(const std::string& name, const PolicyConfig& policy);

// The pCPUs a move may target: online ∩ allowed − reserved.
CpuSet target_pcpus(const Topology& topology, const PolicyConfig& policy);

}  // namespace vcpusched
