// The balance policy: place unplaced vCPUs, then greedy best-improvement moves and swaps.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <queue>

#include "vcpusched/policy_algorithms.hpp"

namespace vcpusched {

namespace {

constexpr double kEps = 1e-9;
constexpr double kNone = -std::numeric_limits<double>::infinity();

// What a step buys, in the least favourable reading of guessed demands.
struct Gain {
    // Reduction of Σ load² over the targets. The mean does not change with a move, so the
    // host's spread falls exactly when this is positive, and more when it is larger: it ranks
    // the candidates without a square root each.
    double squares = kNone;
    double pair = kNone;  // points by which the spread of the two pCPUs involved falls: hysteresis
};

// One greedy step: x goes from slot a to slot b; for a swap, y comes back from b to a.
struct Step {
    Gain gain;
    std::size_t x = 0;
    std::optional<std::size_t> y;
    int a = -1;
    int b = -1;
};

// The gain of a step in one reading of the loads of a and b and of the moved demands.
Gain gain_in(double la, double lb, double xd, double yd) {
    const double delta = xd - yd;  // what travels from a to b
    const double gap = la - lb;
    Gain g;
    g.squares = 2 * delta * (gap - delta);
    g.pair = (std::abs(gap) - std::abs(gap - 2 * delta)) / 2 * 100;
    return g;
}

// A guessed demand (a starved vCPU's) is only known to lie between its run share and the
// guess, so the step is priced twice, with the guesses on both pCPUs taken as right and taken
// at their low end, and the worse gain counts: a move that pays off only if the guesses are
// right is not made, which stops ping-pong around a saturated pCPU.
Gain step_gain(const Placement& pl, const PlacedVcpu& x, const PlacedVcpu* y, int a, int b) {
    const double la = pl.load(a);
    const double lb = pl.load(b);
    Gain g = gain_in(la, lb, x.demand, y ? y->demand : 0);
    const double ga = pl.guessed(a);
    const double gb = pl.guessed(b);
    if (ga > kEps || gb > kEps) {
        Gain low = gain_in(la - ga, lb - gb, x.low, y ? y->low : 0);
        g.squares = std::min(g.squares, low.squares);
        g.pair = std::min(g.pair, low.pair);
    }
    return g;
}

// The host's spread after a step, in the estimated loads.
double spread_after(const Placement& pl, const Step& step) {
    const double delta = pl.vcpus()[step.x].demand - (step.y ? pl.vcpus()[*step.y].demand : 0);
    const double la = pl.load(step.a);
    const double lb = pl.load(step.b);
    return pl.tracker().spread_if(la, la - delta, lb, lb + delta);
}

int least_loaded_target(const Placement& pl, int except = -1) {
    int best = -1;
    for (int s : pl.targets())
        if (s != except && (best < 0 || pl.load(s) < pl.load(best)))
            best = s;
    return best;
}

int most_loaded_target(const Placement& pl) {
    int best = -1;
    for (int s : pl.targets())
        if (best < 0 || pl.load(s) > pl.load(best))
            best = s;
    return best;
}

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

// Movable vCPUs per slot, sorted by demand, so a swap partner is found by binary search.
class MovableBySlot {
  public:
    explicit MovableBySlot(const Placement& pl) : on_(pl.slots()) {
        for (std::size_t i = 0; i < pl.vcpus().size(); ++i)
            if (pl.vcpus()[i].movable)
                on_[static_cast<std::size_t>(pl.vcpus()[i].slot)].push_back(i);
        for (auto& list : on_)
            std::stable_sort(list.begin(), list.end(), [&](std::size_t l, std::size_t r) {
                return pl.vcpus()[l].demand < pl.vcpus()[r].demand;
            });
    }
    const std::vector<std::size_t>& on(int slot) const {
        return on_[static_cast<std::size_t>(slot)];
    }
    void remove(int slot, std::size_t v) {
        auto& list = on_[static_cast<std::size_t>(slot)];
        list.erase(std::find(list.begin(), list.end(), v));
    }

  private:
    std::vector<std::vector<std::size_t>> on_;
};

// Keeps the candidate that lowers the host's spread most among those worth a move.
void consider(Step& best, const Step& candidate, const PolicyConfig& policy) {
    if (candidate.gain.pair < policy.min_gain - kEps || candidate.gain.squares <= kEps * kEps)
        return;
    if (candidate.gain.squares > best.gain.squares)
        best = candidate;
}

Step best_single_move(const Placement& pl, const MovableBySlot& movable,
                      const PolicyConfig& policy) {
    // Moving demand d from a to b changes the sum of squares by 2d(lb − la + d): the best
    // target for any vCPU is the least loaded one other than its own.
    const int first = least_loaded_target(pl);
    const int second = least_loaded_target(pl, first);
    Step best;
    for (int a : pl.targets()) {
        int b = a == first ? second : first;
        if (b < 0)
            continue;
        for (std::size_t x : movable.on(a))
            consider(best, Step{step_gain(pl, pl.vcpus()[x], nullptr, a, b), x, std::nullopt, a, b},
                     policy);
    }
    return best;
}

// For x on a, the partner y on b whose demand is nearest to the ideal exchange.
void best_swaps_between(const Placement& pl, const MovableBySlot& movable, int a, int b,
                        const PolicyConfig& policy, Step& best) {
    const auto& partners = movable.on(b);
    if (partners.empty())
        return;
    const double half_gap = (pl.load(a) - pl.load(b)) / 2;
    for (std::size_t x : movable.on(a)) {
        const PlacedVcpu& vx = pl.vcpus()[x];
        const double want = vx.demand - half_gap;
        auto it =
            std::lower_bound(partners.begin(), partners.end(), want,
                             [&](std::size_t v, double d) { return pl.vcpus()[v].demand < d; });
        for (auto cand : {it, it == partners.begin() ? partners.end() : std::prev(it)}) {
            if (cand == partners.end())
                continue;
            const PlacedVcpu& vy = pl.vcpus()[*cand];
            if (vy.demand >= vx.demand)
                continue;  // a swap must carry load from a to b
            consider(best, Step{step_gain(pl, vx, &vy, a, b), x, *cand, a, b}, policy);
        }
    }
}

// Swaps are searched between the most loaded pCPU and every lighter one, and between the least
// loaded and every heavier one: O(pCPUs × vCPUs per pCPU × log) instead of all pairs.
Step best_swap(const Placement& pl, const MovableBySlot& movable, const PolicyConfig& policy) {
    Step best;
    const int top = most_loaded_target(pl);
    const int bottom = least_loaded_target(pl);
    for (int s : pl.targets()) {
        if (pl.load(s) < pl.load(top))
            best_swaps_between(pl, movable, top, s, policy, best);
        if (s != top && pl.load(s) > pl.load(bottom))
            best_swaps_between(pl, movable, s, bottom, policy, best);
    }
    return best;
}

// Fewest pins first: a swap costs two, so it must beat twice the best single move.
const Step* choose(const Step& single, const Step& swap, const Placement& pl,
                   const PolicyConfig& policy) {
    bool single_ok = single.gain.squares > kNone;
    bool swap_ok = swap.gain.squares > kNone;
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
        Step swap = moves + 2 <= max_moves ? best_swap(pl, movable, policy) : Step{};
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
