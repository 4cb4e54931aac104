// plan(): picks the policy; target_pcpus(): where moves may go.
#include "vcpusched/policy.hpp"

#include <cstdio>

#include "vcpusched/placement.hpp"
#include "vcpusched/policy_algorithms.hpp"

namespace vcpusched {

CpuSet target_pcpus(const Topology& topology, const PolicyConfig& policy) {
    CpuSet online = topology.online();
    CpuSet allowed = policy.allowed.empty() ? online : online & policy.allowed;
    return allowed - policy.reserved;
}

std::string one_decimal(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

Plan plan(const LoadReport& report, const Topology& topology, const PolicyConfig& policy,
          const MoveHistory& history) {
    Placement placement(report, topology, policy, history);
    if (placement.targets().empty())
        return placement.finish("no target pCPUs: online ∩ allowed − reserved is empty");
    return policy.algorithm == Algorithm::Count ? plan_count(placement, policy)
                                                : plan_balance(placement, policy);
}

}  // namespace vcpusched
