// A plan: the moves that bring the pCPUs into balance, with predicted loads and why.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vcpusched/sample.hpp"

namespace vcpusched {

struct Move {
    VcpuRef vcpu;
    int from = -1;  // -1 = was unplaced
    int to = -1;
    double demand = 0;
};

struct Plan {
    std::vector<Move> moves;
    std::vector<int> pcpu_ids;        // the order of the load vectors below
    std::vector<double> load_before;  // predicted per pCPU, fractions
    std::vector<double> load_after;
    double spread_before = 0;  // points, over the target pCPUs (online ∩ allowed − reserved)
    double spread_after = 0;
    std::string reason;  // one line: why these moves, or why none
};

// When each vCPU was last moved, in cycle numbers, for the cooldown.
struct MoveHistory {
    std::uint64_t cycle = 0;                                          // the current cycle number
    std::map<std::pair<std::string, int>, std::uint64_t> last_moved;  // (uuid, vcpu) -> cycle

    bool cooling(const VcpuRef& v, int cooldown) const;
    void record(const VcpuRef& v) { last_moved[{v.domain_uuid, v.vcpu}] = cycle; }
};

}  // namespace vcpusched
