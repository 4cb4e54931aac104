// The knobs of the balancing policy, as validated values (the daemon fills them from YAML).
#pragma once

#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace vcpusched {

enum class Algorithm {
    Balance,  // even out pCPU load with the fewest moves (default)
    Count,    // the classic assignment: even out the number of vCPUs per pCPU
};

struct PolicyConfig {
    Algorithm algorithm = Algorithm::Balance;
    double threshold = 5.0;            // points of spread under which the host counts as balanced
    double min_gain = 1.0;             // points of spread a move must remove to be worth it
    int max_moves = 8;                 // per cycle
    int cooldown = 3;                  // cycles during which a moved vCPU stays put
    double smoothing = 0.5;            // EWMA weight kept from the previous demand (0 = none, < 1)
    CpuSet allowed;                    // empty = every online pCPU
    CpuSet reserved;                   // never a target
    std::vector<std::string> include;  // domain name globs; empty = all
    std::vector<std::string> exclude;  // domain name globs, left alone (load still counts)
};

}  // namespace vcpusched
