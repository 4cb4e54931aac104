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

// On a host with a shape, a step is also priced by what it does to SMT overlap and locality.
// Overlap: while two siblings both run, each does less work (TopologyPolicy::smt_penalty), and
// the share of time both are busy is about the product of their busy shares (load capped at
// one pCPU), so the objective becomes Σ load² + 2·smt_penalty·Σ_{sibling pairs} busy_p·busy_q.
// The cap matters: moving work off a pCPU that stays saturated frees none of its core. Like
// the balance term it is priced in both readings of guessed demands, and the worse counts.
// Locality: the target counts as `cost` points busier, which ranks an in-node target above an
// equally good remote one, and the step must gain min_gain + cost to be made at all.
double overlap_change(const Placement& pl, double delta, int a, int b, bool low) {
    auto load = [&](int s) { return pl.load(s) - (low ? pl.guessed(s) : 0); };
    auto busy = [](double l) { return std::clamp(l, 0.0, 1.0); };
    auto others = [&](int s, int skip) {
        double sum = 0;
        for (int t : pl.topo().siblings(s))
            if (t != skip)
                sum += busy(load(t));
        return sum;
    };
    const double a0 = busy(load(a));
    const double a1 = busy(load(a) - delta);
    const double b0 = busy(load(b));
    const double b1 = busy(load(b) + delta);
    double change = (a1 - a0) * others(a, b) + (b1 - b0) * others(b, a);
    if (pl.topo().are_siblings(a, b))
        change += a1 * b1 - a0 * b0;
    return change;
}

Gain priced(const Placement& pl, std::size_t x, const std::size_t* y, int a, int b,
            const PolicyConfig& policy) {
    const PlacedVcpu& vx = pl.vcpus()[x];
    const PlacedVcpu* vy = y ? &pl.vcpus()[*y] : nullptr;
    Gain g = step_gain(pl, vx, vy, a, b);
    const SlotTopology& topo = pl.topo();
    // Topology only raises the bar (min_gain + cost), so what fails min_gain alone is out.
    if (!topo.active() || g.pair < policy.min_gain - kEps)
        return g;
    const double delta = vx.demand - (vy ? vy->demand : 0);
    if (topo.smt()) {
        const double w = 2 * topo.policy().smt_penalty;
        // step_gain's squares is the worse of the two readings; so is this.
        const double low_delta = vx.low - (vy ? vy->low : 0);
        const bool guessed = pl.guessed(a) > kEps || pl.guessed(b) > kEps;
        Gain high = gain_in(pl.load(a), pl.load(b), vx.demand, vy ? vy->demand : 0);
        double squares = high.squares - w * overlap_change(pl, delta, a, b, false);
        if (guessed) {
            Gain low = gain_in(pl.load(a) - pl.guessed(a), pl.load(b) - pl.guessed(b), vx.low,
                               vy ? vy->low : 0);
            squares =
                std::min(squares, low.squares - w * overlap_change(pl, low_delta, a, b, true));
        }
        g.squares = squares;
    }
    g.cost = pl.locality_cost(x, b);
    if (y)
        g.cost = std::max(g.cost, pl.locality_cost(*y, a));
    g.squares -= 2 * std::abs(delta) * g.cost / 100;
    return g;
}

// Keeps the candidate that lowers the host's spread most among those worth a move.
void consider(Step& best, const Step& candidate, const PolicyConfig& policy) {
    if (candidate.gain.pair < policy.min_gain + candidate.gain.cost - kEps ||
        candidate.gain.squares <= kEps * kEps)
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
            const std::size_t y = *cand;
            consider(best, Step{priced(pl, x, &y, a, b, policy), x, y, a, b}, policy);
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

namespace {

// The two least loaded targets of each group (node or cache) and of the host, by a key that
// adds the siblings' overlap: the only targets a single move from anywhere needs to try.
struct LeastTwo {
    int first = -1;
    int second = -1;
    void offer(int s, const std::vector<double>& key) {
        auto k = static_cast<std::size_t>(s);
        if (first < 0 || key[k] < key[static_cast<std::size_t>(first)]) {
            second = first;
            first = s;
        } else if (second < 0 || key[k] < key[static_cast<std::size_t>(second)]) {
            second = s;
        }
    }
    int other_than(int s) const { return s == first ? second : first; }
};

// The best target of a move is the one with the least load + smt_penalty × siblings' load, in
// whichever reading of guessed demands decides (both are tried), in the host, the source's
// node and cache, or the domain's node; or one of the source's own siblings, which the key
// misjudges because their siblings' load includes what leaves.
Step best_single_move_topology(const Placement& pl, const MovableBySlot& movable,
                               const PolicyConfig& policy) {
    const SlotTopology& topo = pl.topo();
    const double w = topo.smt() ? topo.policy().smt_penalty : 0;
    struct Least {
        LeastTwo host;
        std::vector<LeastTwo> node;
        std::vector<LeastTwo> cache;
    };
    // The low reading differs only where demands are guessed.
    bool any_guess = false;
    for (int t : pl.targets())
        any_guess = any_guess || pl.guessed(t) > kEps;
    const int readings = any_guess ? 2 : 1;
    Least by[2];
    std::vector<double> key(pl.slots(), 0);
    for (int reading = 0; reading < readings; ++reading) {
        const bool low = reading == 1;
        for (int s : pl.targets()) {
            double siblings = 0;
            for (int t : topo.siblings(s))
                siblings += std::clamp(pl.load(t) - (low ? pl.guessed(t) : 0), 0.0, 1.0);
            key[static_cast<std::size_t>(s)] =
                pl.load(s) - (low ? pl.guessed(s) : 0) + w * siblings;
        }
        Least& l = by[reading];
        l.node.resize(static_cast<std::size_t>(topo.nodes()));
        l.cache.resize(static_cast<std::size_t>(topo.caches()));
        for (int s : pl.targets()) {
            l.host.offer(s, key);
            l.node[static_cast<std::size_t>(topo.node(s))].offer(s, key);
            l.cache[static_cast<std::size_t>(topo.cache(s))].offer(s, key);
        }
    }
    Step best;
    std::vector<int> near;
    auto try_move = [&](std::size_t x, int a, int b) {
        if (b >= 0 && b != a)
            consider(best, Step{priced(pl, x, nullptr, a, b, policy), x, std::nullopt, a, b},
                     policy);
    };
    for (int a : pl.targets()) {
        if (movable.on(a).empty())
            continue;
        // The same targets serve every vCPU on a; only the domain's node differs.
        near.clear();
        for (int r = 0; r < readings; ++r) {
            near.push_back(by[r].host.other_than(a));
            near.push_back(by[r].node[static_cast<std::size_t>(topo.node(a))].other_than(a));
            near.push_back(by[r].cache[static_cast<std::size_t>(topo.cache(a))].other_than(a));
        }
        for (int t : topo.siblings(a))
            if (pl.is_target(t))
                near.push_back(t);
        std::sort(near.begin(), near.end());
        near.erase(std::unique(near.begin(), near.end()), near.end());
        for (std::size_t x : movable.on(a)) {
            for (int b : near)
                try_move(x, a, b);
            const int home = pl.vcpus()[x].home;
            if (home >= 0 && home != topo.node(a))
                for (int r = 0; r < readings; ++r)
                    try_move(x, a, by[r].node[static_cast<std::size_t>(home)].other_than(a));
        }
    }
    return best;
}

}  // namespace

Step best_single_move(const Placement& pl, const MovableBySlot& movable,
                      const PolicyConfig& policy) {
    if (pl.topo().active())
        return best_single_move_topology(pl, movable, policy);
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
