// The two policies behind plan(), each editing a Placement (internal to the library).
#pragma once

#include <string>

#include "vcpusched/placement.hpp"
#include "vcpusched/plan.hpp"
#include "vcpusched/policy_config.hpp"

namespace vcpusched {

Plan plan_balance(Placement& placement, const PolicyConfig& policy);
Plan plan_count(Placement& placement, const PolicyConfig& policy);

// One decimal, for reasons ("35.2").
std::string one_decimal(double value);

}  // namespace vcpusched
