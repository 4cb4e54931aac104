// The balance policy: place unplaced vCPUs, then greedy best-improvement moves and swaps.
#include <algorithm>
#include <functional>
#include <queue>

#include "vcpusched/balance_search.hpp"
#include "vcpusched/policy_algorithms.hpp"

namespace vcpusched {

namespace {

constexpr double kEps = kBalanceEps;

// Largest demand first onto the least loaded target: the classic greedy bin balancing. All are
// lifted first, so the targets' loads only grow and a heap keeps the least loaded at hand.
std::size_t place_unplaced(Placement& pl) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < pl.vcpus().size(); ++i)
        if (pl.vcpus()[i].needs_place)
            order.push_back(i);
    if (order.empty())
        return 0;
    pl.lift(order);  // in report order, where equal affinities come in runs
    std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) {
        return pl.vcpus()[l].demand > pl.vcpus()[r].demand;
    });
    using Entry = std::pair<double, int>;  // (load, slot): ties go to the lowest pCPU id
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> least;
    for (int s : pl.targets())
        least.emplace(pl.load(s), s);
    for (std::size_t i : order) {
        int s = least.top().second;
        least.pop();
        pl.put(i, s);
        least.emplace(pl.load(s), s);
    }
    return order.size();
}

// Fewest pins first: a swap costs two, so it must beat twice the best single move.
const Step* choose(const Step& single, const Step& swap, const Placement& pl,
                   const PolicyConfig& policy) {
    bool single_ok = single.gain.squares > kNoGain;
    bool swap_ok = swap.gain.squares > kNoGain;
    if (single_ok && (!swap_ok || spread_after(pl, single) <= policy.threshold + kEps ||
                      2 * single.gain.squares >= swap.gain.squares))
        return &single;
    return swap_ok ? &swap : nullptr;
}

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Plan plan_balance(Placement& pl, const PolicyConfig& policy) {
    const std::size_t placed = place_unplaced(pl);
    const double start = pl.spread();
    const std::string prefix = placed ? "placed " + plural(placed, "vCPU") + "; " : "";
    if (start <= policy.threshold + kEps)
        return pl.finish(prefix + "balanced: spread " + one_decimal(start) + " ≤ threshold " +
                         one_decimal(policy.threshold));

    MovableBySlot movable(pl);
    const auto max_moves = static_cast<std::size_t>(std::max(0, policy.max_moves));
    std::size_t moves = 0;
    std::size_t swaps = 0;
    std::string stop;
    while (pl.spread() > policy.threshold + kEps) {
        if (moves >= max_moves) {
            stop = "max_moves " + std::to_string(policy.max_moves) + " reached";
            break;
        }
        Step single = best_single_move(pl, movable, policy);
        Step swap = moves + 2 <= max_moves
                        ? best_swap(pl, movable, policy, std::max(0.0, 2 * single.gain.squares))
                        : Step{};
        const Step* step = choose(single, swap, pl, policy);
        if (!step) {
            stop = "no further move gains ≥ min_gain " + one_decimal(policy.min_gain);
            break;
        }
        const Step chosen = *step;
        movable.remove(chosen.a, chosen.x);
        pl.move(chosen.x, chosen.b);
        ++moves;
        if (chosen.y) {
            movable.remove(chosen.b, *chosen.y);
            pl.move(*chosen.y, chosen.a);
            ++moves;
            ++swaps;
        }
    }
    if (moves == 0)
        return pl.finish(prefix + "spread " + one_decimal(start) + " > threshold " +
                         one_decimal(policy.threshold) + " but " + stop);
    std::string reason = prefix + "spread " + one_decimal(start) + " → " +
                         one_decimal(pl.spread()) + " points with " + plural(moves, "move");
    if (swaps)
        reason += " (" + plural(swaps, "swap") + ")";
    if (!stop.empty())
        reason += "; " + stop;
    return pl.finish(reason);
}

}  // namespace vcpusched
