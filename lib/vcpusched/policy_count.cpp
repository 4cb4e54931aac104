// The count policy: the classic assignment that evens out vCPUs per pCPU, blind to load.
#include <algorithm>

#include "vcpusched/policy_algorithms.hpp"

namespace vcpusched {

namespace {

int fewest(const Placement& pl, const std::vector<int>& count) {
    int best = -1;
    for (int s : pl.targets())
        if (best < 0 || count[static_cast<std::size_t>(s)] < count[static_cast<std::size_t>(best)])
            best = s;
    return best;
}

// The most crowded target that still has a vCPU we may move.
int most(const Placement& pl, const std::vector<int>& count) {
    int best = -1;
    std::vector<bool> has_movable(pl.slots(), false);
    for (const auto& v : pl.vcpus())
        if (v.movable)
            has_movable[static_cast<std::size_t>(v.slot)] = true;
    for (int s : pl.targets())
        if (has_movable[static_cast<std::size_t>(s)] &&
            (best < 0 ||
             count[static_cast<std::size_t>(s)] > count[static_cast<std::size_t>(best)]))
            best = s;
    return best;
}

std::string range_text(const Placement& pl, const std::vector<int>& count) {
    int lo = count[static_cast<std::size_t>(pl.targets().front())];
    int hi = lo;
    for (int s : pl.targets()) {
        lo = std::min(lo, count[static_cast<std::size_t>(s)]);
        hi = std::max(hi, count[static_cast<std::size_t>(s)]);
    }
    return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
}

}  // namespace

Plan plan_count(Placement& pl, const PolicyConfig& policy) {
    std::vector<int> count(pl.slots(), 0);
    for (const auto& v : pl.vcpus())
        if (v.slot >= 0 && !v.needs_place)
            ++count[static_cast<std::size_t>(v.slot)];
    const std::string before = range_text(pl, count);

    std::size_t placed = 0;
    for (std::size_t i = 0; i < pl.vcpus().size(); ++i) {
        if (!pl.vcpus()[i].needs_place)
            continue;
        int to = fewest(pl, count);
        pl.move(i, to);
        ++count[static_cast<std::size_t>(to)];
        ++placed;
    }
    const std::size_t max_moves = moves_per_cycle(policy, pl.targets().size());
    std::size_t moves = 0;
    while (moves < max_moves) {
        int from = most(pl, count);
        int to = fewest(pl, count);
        if (from < 0 ||
            count[static_cast<std::size_t>(from)] - count[static_cast<std::size_t>(to)] <= 1)
            break;
        for (std::size_t i = pl.vcpus().size(); i-- > 0;) {
            if (pl.vcpus()[i].movable && pl.vcpus()[i].slot == from) {
                pl.move(i, to);
                break;
            }
        }
        --count[static_cast<std::size_t>(from)];
        ++count[static_cast<std::size_t>(to)];
        ++moves;
    }
    std::string reason = "count: vCPUs per pCPU " + before + " → " + range_text(pl, count);
    if (placed)
        reason += ", placed " + std::to_string(placed);
    reason += ", " + std::to_string(moves) + " moves; load spread " +
              one_decimal(pl.initial_spread()) + " → " + one_decimal(pl.spread());
    return pl.finish(reason);
}

}  // namespace vcpusched
