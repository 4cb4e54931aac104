// The knobs of the balancing policy, as validated values (the daemon fills them from YAML).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace vcpusched {

enum class Algorithm {
    Balance,  // even out pCPU load with the fewest moves (default)
    Count,    // the classic assignment: even out the number of vCPUs per pCPU
};

// How the balance policy weighs the host's shape (SMT siblings, L3 caches, NUMA nodes). On a
// flat host (no SMT, one node, one cache) none of it applies and balance behaves as without it.
struct TopologyPolicy {
    bool enabled = true;
    // Extra run time a vCPU needs while its SMT sibling is busy, as a share of what it needs
    // alone: a thread that does f of a core's work beside a busy sibling needs 1/f − 1 more
    // (f ≈ 0.67 → 0.5). Overlap of busy siblings counts this much in the balance objective.
    double smt_penalty = 0.5;
    // Points of spread a move must remove on top of min_gain when it leaves its L3 cache, and
    // again when it leaves its NUMA node (or its domain's node): locality is not traded for
    // a small balance gain, and an in-node target wins over an equally good remote one. Each
    // is lowered by how many points the group left is busier on average than the one entered
    // (never below 0): only crossings even out unevenly loaded nodes.
    double cross_cache_gain = 2.0;
    double cross_node_gain = 4.0;
    // Place a new multi-vCPU domain on one node when it fits, and count a move away from the
    // node holding most of its domain's vCPUs as one more node crossing.
    bool keep_domain_on_node = true;
};

struct PolicyConfig {
    Algorithm algorithm = Algorithm::Balance;
    double threshold = 5.0;  // points of spread under which the host counts as balanced
    double min_gain = 1.0;   // points of spread a move must remove to be worth it
    int max_moves = 0;  // pins per cycle (0 = auto, see moves_per_cycle()); up to 4× to relieve
                        // pCPUs whose vCPUs wait
    int cooldown = 3;   // cycles during which a moved vCPU stays put
    double smoothing = 0.5;            // EWMA weight kept from the previous demand (0 = none, < 1)
    CpuSet allowed;                    // empty = every online pCPU
    CpuSet reserved;                   // never a target
    std::vector<std::string> include;  // domain name globs; empty = all
    std::vector<std::string> exclude;  // domain name globs, left alone (load still counts)
    TopologyPolicy topology;
};

// The pins one cycle may make: max_moves, or with auto (0) one per two target pCPUs, at
// least 8 and at most 32. A host of 64 pCPUs and ~900 vCPUs pinned at random needs ~60 moves,
// and its loads drift by a few points each period: at 8 per cycle it took 14 cycles to stay
// within the threshold (issue 5, bench two-hundred-vms), at 32 two. The cap keeps a cycle's
// pins (3-9 ms each on a real host) and its plan small.
inline std::size_t moves_per_cycle(const PolicyConfig& policy, std::size_t targets) {
    if (policy.max_moves > 0)
        return static_cast<std::size_t>(policy.max_moves);
    return std::clamp<std::size_t>(targets / 2, 8, 32);
}

}  // namespace vcpusched
