// The balance policy's search: candidates priced in O(1), swap partners by binary search.
#include "vcpusched/balance_search.hpp"

#include <algorithm>
#include <cmath>

namespace vcpusched {

namespace {

constexpr double kEps = kBalanceEps;

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

// Keeps the candidate that lowers the host's spread most among those worth a move.
void consider(Step& best, const Step& candidate, const PolicyConfig& policy) {
    if (candidate.gain.pair < policy.min_gain - kEps || candidate.gain.squares <= kEps * kEps)
        return;
    if (candidate.gain.squares > best.gain.squares)
        best = candidate;
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

}  // namespace

// The host's spread after a step, in the estimated loads.
double spread_after(const Placement& pl, const Step& step) {
    const double delta = pl.vcpus()[step.x].demand - (step.y ? pl.vcpus()[*step.y].demand : 0);
    const double la = pl.load(step.a);
    const double lb = pl.load(step.b);
    return pl.tracker().spread_if(la, la - delta, lb, lb + delta);
}

int least_loaded_target(const Placement& pl, int except) {
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

// Swaps are searched between the most loaded pCPU and every lighter one, and between the least
// loaded and every heavier one: O(pCPUs × vCPUs per pCPU × log) instead of all pairs. No swap
// between two pCPUs can remove more than gap²/2 from Σ load², so pairs that could not beat
// `floor` (what a swap must beat: twice the best single move) are not searched at all.
Step best_swap(const Placement& pl, const MovableBySlot& movable, const PolicyConfig& policy,
               double floor) {
    Step best;
    const int top = most_loaded_target(pl);
    const int bottom = least_loaded_target(pl);
    auto worth = [&](int a, int b) {
        double gap = pl.load(a) - pl.load(b);
        return gap > 0 && gap * gap / 2 > std::max(floor, best.gain.squares);
    };
    for (int s : pl.targets()) {
        if (worth(top, s))
            best_swaps_between(pl, movable, top, s, policy, best);
        if (s != top && worth(s, bottom))
            best_swaps_between(pl, movable, s, bottom, policy, best);
    }
    return best;
}

}  // namespace vcpusched
