// The balance policy's way out of a local optimum: several vCPUs exchanged between two pCPUs.
#pragma once

#include <cstddef>
#include <vector>

#include "vcpusched/balance_search.hpp"

namespace vcpusched {

// Some vCPUs go from slot a to slot b and some come back. When the vCPUs are coarse next to
// the gap between two pCPUs, no single move or swap narrows it by min_gain, yet two for one
// or two for two may close it (bench steady-noise: a greedy descent stalled at 3-4 points
// where 0.3 exists, and noise kept tipping the host over the threshold).
struct Exchange {
    Gain gain;
    std::vector<std::size_t> to_b;  // vCPUs moved from a to b
    std::vector<std::size_t> to_a;  // vCPUs moved from b to a
    int a = -1;
    int b = -1;
    std::size_t pins() const { return to_b.size() + to_a.size(); }
};

// At most this many movable vCPUs on each side: the exchange tries every subset.
inline constexpr std::size_t kExchangeWidth = 6;

// The best exchange of 2 to `max_pins` pins between the most loaded target and another, or
// the least loaded and another, that narrows their gap by min_gain (gain.squares == kNoGain
// when none). Only between pCPUs with measured demands (guesses are measured again first),
// at most kExchangeWidth movable vCPUs each, and, on a host with a shape, no SMT to price
// and no locality given up (same cache group, the vCPUs' home node kept).
Exchange best_exchange(const Placement& pl, const MovableBySlot& movable,
                       const PolicyConfig& policy, std::size_t max_pins);

}  // namespace vcpusched
