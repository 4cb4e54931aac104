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

// One reading of a step: how much busier a is than b, what travels from a to b, and a further
// term of the objective (the SMT overlap saved, 0 without SMT).
struct Reading {
    double gap = 0;
    double delta = 0;
    double extra = 0;
};

// The gain of a step in one reading, from how much busier a is than b and what travels.
Gain at_reading(double gap, double delta, double extra) {
    Gain g;
    g.squares = 2 * delta * (gap - delta) + extra;
    g.pair = (std::abs(gap) - std::abs(gap - 2 * delta)) / 2 * 100;
    return g;
}

// The readings strictly between the ends where a swap's gain can be lowest: the pair's
// narrowing is piecewise linear (kinks where the pair is even before or after the step), the
// objective quadratic: its kinks, its vertex and where nothing travels, each only where it lies
// between the ends (a sign change, a turning slope). Tested without dividing, since this runs
// for every swap candidate of a search and nearly all have none.
void inner_readings(const Reading& high, const Reading& low, Gain& worst) {
    const double dg = low.gap - high.gap;
    const double dd = low.delta - high.delta;
    const double de = low.extra - high.extra;
    auto consider_at = [&](double t) {
        const Gain g = at_reading(high.gap + dg * t, high.delta + dd * t, high.extra + de * t);
        worst.squares = std::min(worst.squares, g.squares);
        worst.pair = std::min(worst.pair, g.pair);
    };
    auto crossing = [&](double at_high, double at_low) {
        if (at_high * at_low < 0)
            consider_at(at_high / (at_high - at_low));
    };
    crossing(high.delta, low.delta);
    crossing(high.gap, low.gap);
    crossing(high.gap - 2 * high.delta, low.gap - 2 * low.delta);
    const double curve = 2 * dd * (dg - dd);
    const double slope = 2 * (high.delta * (dg - dd) + dd * (high.gap - high.delta)) + de;
    if (curve > 1e-12 && slope < 0 && slope + 2 * curve > 0)
        consider_at(-slope / (2 * curve));
}

// A guessed demand (a starved vCPU's) is only known to lie between its run share and the
// guess, so a step is priced with the guesses taken as right (`high`) and at their low end
// (`low`), and the worse gain counts: a move that pays off only if the guesses are right is not
// made, which stops ping-pong around a saturated pCPU. For a single move the ends decide: what
// travels is one demand, above zero in both readings, and a pair that turns even in between has
// turned at the low end too, where the gain is then negative. A swap moves a difference of two
// demands, and both ends can gain in opposite directions: another program saturating one pCPU
// made its guests read busier as guessed, but idler in run time, than the like guests next
// door, and a swap of like for like gained at both ends (e2e AllOnOne under a busy loop). So a
// swap is priced in every reading between, loads and demands moving together in a straight
// line, where somewhere the pair is even or nothing travels.
Gain worst_reading(const Reading& high, const Reading& low, bool swap) {
    Gain worst = at_reading(high.gap, high.delta, high.extra);
    const Gain end = at_reading(low.gap, low.delta, low.extra);
    worst.squares = std::min(worst.squares, end.squares);
    worst.pair = std::min(worst.pair, end.pair);
    if (swap)
        inner_readings(high, low, worst);
    return worst;
}

Gain step_gain(const Placement& pl, const PlacedVcpu& x, const PlacedVcpu* y, int a, int b) {
    const double la = pl.load(a);
    const double lb = pl.load(b);
    Gain g = gain_in(la, lb, x.demand, y ? y->demand : 0);
    const double ga = pl.guessed(a);
    const double gb = pl.guessed(b);
    if (ga > kEps || gb > kEps) {
        const Gain worst = worst_reading({la - lb, x.demand - (y ? y->demand : 0)},
                                         {la - ga - lb + gb, x.low - (y ? y->low : 0)}, y);
        g.squares = std::min(g.squares, worst.squares);
        g.pair = std::min(g.pair, worst.pair);
    }
    return g;
}

double busy(double load) {
    return std::clamp(load, 0.0, 1.0);
}

// On a host with a shape, a step is also priced by what it does to SMT overlap and locality.
// Overlap: while two siblings both run, each does less work (TopologyPolicy::smt_penalty), and
// the share of time both are busy is about the product of their busy shares (load capped at
// one pCPU), so the objective becomes Σ load² + 2·smt_penalty·Σ_{sibling pairs} busy_p·busy_q.
// The cap matters: moving work off a pCPU that stays saturated frees none of its core. The
// run time a step saves that way (2·smt_penalty × the fall of the overlap) is capacity the
// host gains, so it counts in the step's gain against min_gain as points of a pCPU, like the
// pair's narrowing: two busy vCPUs on one core's threads move to an idle core although the
// loads only trade places. Like the balance term it is priced in both readings of guessed
// demands, and the worse counts.
// Locality: the target counts as `cost` points busier, which ranks an in-node target above an
// equally good remote one, and the step must gain min_gain + cost to be made at all.
//
// What pricing a step from slot a to slot b needs, gathered once for every vCPU that could go:
// a search prices thousands of vCPUs against the same few pairs.
struct PairContext {
    int a = -1;
    int b = -1;
    double load_a[2] = {0, 0};  // [0] as estimated, [1] with guesses at their low end
    double load_b[2] = {0, 0};
    int readings = 1;             // 2 when a or b carries guessed demand
    bool siblings = false;        // a and b are threads of one core
    double others_a[2] = {0, 0};  // Σ busy share of a's siblings other than b, per reading
    double others_b[2] = {0, 0};  // the same for b, a excepted
    double w = 0;                 // 2 × smt_penalty on an SMT host, else 0
    double crossing[2] = {0, 0};  // points for leaving a's cache and node for b's, and back
    double leaving[2] = {0, 0};   // points for leaving a's node for b's (the domain's), and back
    int node_a = 0;
    int node_b = 0;

    PairContext(const Placement& pl, int from, int to) : a(from), b(to) {
        const SlotTopology& topo = pl.topo();
        const double ga = pl.guessed(a);
        const double gb = pl.guessed(b);
        readings = ga > kEps || gb > kEps ? 2 : 1;
        load_a[0] = pl.load(a);
        load_b[0] = pl.load(b);
        load_a[1] = load_a[0] - ga;
        load_b[1] = load_b[0] - gb;
        if (topo.smt()) {
            w = 2 * topo.policy().smt_penalty;
            siblings = topo.are_siblings(a, b);
            for (int r = 0; r < readings; ++r) {
                for (int t : topo.siblings(a))
                    if (t != b)
                        others_a[r] += busy(pl.load(t) - (r ? pl.guessed(t) : 0));
                for (int t : topo.siblings(b))
                    if (t != a)
                        others_b[r] += busy(pl.load(t) - (r ? pl.guessed(t) : 0));
            }
        }
        crossing[0] = pl.crossing_cost(a, b);
        crossing[1] = pl.crossing_cost(b, a);
        if (topo.nodes() > 1) {
            leaving[0] = pl.node_cost(topo.node(a), topo.node(b));
            leaving[1] = pl.node_cost(topo.node(b), topo.node(a));
        }
        node_a = topo.node(a);
        node_b = topo.node(b);
    }

    // Change of the siblings' overlap when delta goes from a to b, in one reading.
    double overlap_change(double delta, int r) const {
        const double a0 = busy(load_a[r]);
        const double a1 = busy(load_a[r] - delta);
        const double b0 = busy(load_b[r]);
        const double b1 = busy(load_b[r] + delta);
        double change = (a1 - a0) * others_a[r] + (b1 - b0) * others_b[r];
        if (siblings)
            change += a1 * b1 - a0 * b0;
        return change;
    }

    // Points a vCPU moving from `from` (a or b) to the other slot gives up (Placement::
    // locality_cost without the lookups).
    double locality(const PlacedVcpu& v, bool from_a) const {
        const int from = from_a ? node_a : node_b;
        const int to = from_a ? node_b : node_a;
        const int way = from_a ? 0 : 1;
        double cost = crossing[way];
        if (v.home >= 0 && to != v.home && from == v.home)
            cost += leaving[way];
        return cost;
    }
};

Gain priced(const PairContext& c, const PlacedVcpu& vx, const PlacedVcpu* vy,
            const PolicyConfig& policy) {
    const double delta = vx.demand - (vy ? vy->demand : 0);
    Gain g = gain_in(c.load_a[0], c.load_b[0], vx.demand, vy ? vy->demand : 0);
    // What the siblings could save at most: a's busy share falls by at most delta, and so does
    // the product with b when they are siblings. A step that fails min_gain even with that is
    // out before the finer pricing.
    const double smt_bound = c.w * std::abs(delta) * (c.others_a[0] + (c.siblings ? 1 : 0)) * 100;
    if (g.pair + smt_bound < policy.min_gain - kEps)
        return g;
    double smt = c.w > 0 ? -c.w * c.overlap_change(delta, 0) : 0;
    g.squares += smt;
    g.smt = smt * 100;
    if (c.readings == 2) {
        const double low_delta = vx.low - (vy ? vy->low : 0);
        double low_smt = c.w > 0 ? -c.w * c.overlap_change(low_delta, 1) : 0;
        const Gain worst = worst_reading({c.load_a[0] - c.load_b[0], delta, smt},
                                         {c.load_a[1] - c.load_b[1], low_delta, low_smt}, vy);
        g.squares = std::min(g.squares, worst.squares);
        g.pair = std::min(g.pair, worst.pair);
        g.smt = std::min(g.smt, low_smt * 100);
    }
    g.cost = c.locality(vx, true);
    if (vy)
        g.cost = std::max(g.cost, c.locality(*vy, false));
    g.squares -= 2 * std::abs(delta) * g.cost / 100;
    return g;
}

// A step between two pCPUs that both show no idle time gives no vCPU more run time in total; it
// only shares the waiting differently, and where demands are guesses (run + delay) its gain is
// within the noise of those guesses: on a host other programs saturated, such steps swapped
// equal vCPUs back and forth. So there a step must narrow the pair by the threshold itself.
bool noise_between_saturated(const Placement& pl, const Step& step, const PolicyConfig& policy) {
    const int a = step.a;
    const int b = step.b;
    return pl.saturated(a) && pl.saturated(b) && (pl.guessed(a) > kEps || pl.guessed(b) > kEps) &&
           step.gain.pair < policy.threshold - kEps;
}

// Keeps the candidate that lowers the host's spread most among those worth a move and let
// through by the filter (relief, the dearer test, only for a candidate that would win).
void consider(Step& best, const Step& candidate, const PolicyConfig& policy, const Placement& pl,
              const StepFilter& filter) {
    if (candidate.gain.worth() < policy.min_gain + candidate.gain.cost - kEps ||
        candidate.gain.squares <= kEps * kEps || candidate.gain.smt < filter.min_smt - kEps ||
        candidate.gain.squares <= best.gain.squares)
        return;
    if (noise_between_saturated(pl, candidate, policy))
        return;
    if (!filter.relief_only || relieves(pl, candidate))
        best = candidate;
}

// For x on a, the partner y on b whose demand is nearest to the ideal exchange.
void best_swaps_between(const Placement& pl, const MovableBySlot& movable,
                        const MovableBySlot& coming_back, int a, int b, const PolicyConfig& policy,
                        const StepFilter& filter, Step& best) {
    const auto& partners = coming_back.on(b);
    if (partners.empty())
        return;
    std::optional<PairContext> context;
    if (pl.topo().active())
        context.emplace(pl, a, b);
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
            const Gain g =
                context ? priced(*context, vx, &vy, policy) : step_gain(pl, vx, &vy, a, b);
            consider(best, Step{g, x, *cand, a, b}, policy, pl, filter);
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

namespace {

// Run time a slot's load needs, a busy sibling slowing it by smt_penalty (`shift` is added to
// the loads of a and b first: what a step would change).
double need(const Placement& pl, int s, bool low, int a = -1, int b = -1, double shift = 0) {
    const SlotTopology& topo = pl.topo();
    const double penalty = topo.smt() ? topo.policy().smt_penalty : 0;
    auto load = [&](int t) {
        return pl.load(t) - (low ? pl.guessed(t) : 0) + (t == b ? shift : 0) - (t == a ? shift : 0);
    };
    double slowed = 1;
    for (int t : topo.siblings(s))
        slowed += penalty * busy(load(t));
    return load(s) * slowed;
}

}  // namespace

bool waits(const Placement& pl, int slot) {
    return pl.guessed(slot) > kEps || need(pl, slot, false) > 1 + kEps;
}

bool relieves(const Placement& pl, const Step& step) {
    const SlotTopology& topo = pl.topo();
    const PlacedVcpu& x = pl.vcpus()[step.x];
    const PlacedVcpu* y = step.y ? &pl.vcpus()[*step.y] : nullptr;
    if (!waits(pl, step.a))
        return false;
    // The low reading: the run share of a starved vCPU is what is sure to arrive. A pCPU the
    // step leaves short of run time, and shorter than before (the target, or a sibling of
    // either end that the step made busier), is not relieved but burdened.
    const double delta = x.low - (y ? y->low : 0);
    auto short_after = [&](int t) {
        const double after = need(pl, t, true, step.a, step.b, delta);
        return after > 1 + kEps && after > need(pl, t, true) + kEps;
    };
    if (short_after(step.b))
        return false;
    for (int end : {step.a, step.b})
        for (int t : topo.siblings(end))
            if (t != step.a && t != step.b && short_after(t))
                return false;
    return true;
}

void MoveCache::use(const StepFilter& filter) {
    if (used_ && filter.min_smt == filter_.min_smt && filter.relief_only == filter_.relief_only)
        return;
    for (auto& list : pairs_)
        list.clear();
    filter_ = filter;
    used_ = true;
}

namespace {

// Whether a move from a to b leaves a's node or cache: only such a move's price depends on the
// groups' means.
bool crosses(const Placement& pl, int a, int b) {
    const SlotTopology& topo = pl.topo();
    return topo.node(a) != topo.node(b) || topo.cache(a) != topo.cache(b);
}

}  // namespace

const Step* MoveCache::find(const Placement& pl, int a, int b, bool far) const {
    for (const Entry& e : pairs_[static_cast<std::size_t>(a)])
        if (e.b == b && e.far == far)
            return e.version_a == pl.version(a) && e.version_b == pl.version(b) &&
                           (e.crossings == pl.crossings() || !crosses(pl, a, b))
                       ? &e.step
                       : nullptr;
    return nullptr;
}

void MoveCache::store(const Placement& pl, int a, int b, bool far, const Step& step) {
    auto& list = pairs_[static_cast<std::size_t>(a)];
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const Entry& e) { return e.b == b && e.far == far; });
    Entry& e = it != list.end() ? *it : list.emplace_back();
    e = Entry{b, far, pl.version(a), pl.version(b), pl.crossings(), step};
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

// At most what a single move of δ off slot a to slot b can gain in the objective, in one
// reading: 2δ(gap − δ) from Σ load², plus at most c·δ through the siblings (see PairContext):
// a's busy share falls by δ unless a stays saturated, which saves δ × the busy share of a's
// other siblings, while b's rises by δ when b stays unsaturated, which costs δ × that of b's;
// when b is a's sibling their product can fall by up to δ·(b's share + δ), hence + w·δ².
// Largest at δ = (2·gap + c)/4 within the demands on a. Where a or b carries guesses a move
// is priced in the worse reading, so the bound is the lower of the two readings'. Locality
// costs only lower it. Pairs whose bound cannot beat the best move found are not priced.
struct MoveBound {
    double load[2] = {0, 0};  // a's load, as estimated and with guesses at their low end
    double most[2] = {0, 0};  // the largest demand on a, in both readings
    double w = 0;
    bool guessed = false;
    int slot = -1;

    MoveBound(const Placement& pl, const MovableBySlot& movable, int a, double smt_weight)
        : w(smt_weight), guessed(pl.guessed(a) > kEps), slot(a) {
        const auto& on = movable.on(a);
        load[0] = pl.load(a);
        load[1] = pl.load(a) - pl.guessed(a);
        most[0] = std::max(0.0, pl.vcpus()[on.back()].demand);  // sorted by demand
        most[1] = most[0];  // without guesses, low is the demand
        if (guessed) {
            most[1] = 0;
            for (std::size_t x : on)
                most[1] = std::max(most[1], pl.vcpus()[x].low);
        }
    }
    // `busy[r][s]`: Σ busy share of slot s's siblings in reading r.
    double to(const Placement& pl, int b, const std::vector<double> (&busy_of)[2]) const {
        const SlotTopology& topo = pl.topo();
        const bool sibling = w > 0 && topo.are_siblings(slot, b);
        auto in = [&](int r) {
            const double lb = pl.load(b) - (r ? pl.guessed(b) : 0);
            const double m = most[r];
            double c = 0;
            if (w > 0) {
                const auto ia = static_cast<std::size_t>(slot);
                const auto ib = static_cast<std::size_t>(b);
                const double others_a = busy_of[r][ia] - (sibling ? busy(lb) : 0);
                const double others_b = busy_of[r][ib] - (sibling ? busy(load[r]) : 0);
                if (load[r] - m < 1)
                    c += w * others_a;
                if (lb >= 0 && lb + m <= 1)
                    c -= w * others_b;
            }
            const double gap = load[r] - lb;
            const double delta = std::clamp((2 * gap + c) / 4, 0.0, m);
            return -2 * delta * delta + (2 * gap + c) * delta + (sibling ? w * m * m : 0);
        };
        const double high = in(0);
        return guessed || pl.guessed(b) > kEps ? std::min(high, in(1)) : high;
    }
};

// The best target of a move is the one with the least load + smt_penalty × siblings' load, in
// whichever reading of guessed demands decides (both are tried), in the host, the source's
// node and cache, or the domain's node; or one of the source's own siblings, which the key
// misjudges because their siblings' load includes what leaves.
Step best_single_move_topology(const Placement& pl, const MovableBySlot& movable,
                               const PolicyConfig& policy, const StepFilter& filter,
                               MoveCache* cache) {
    const SlotTopology& topo = pl.topo();
    if (cache)
        cache->use(filter);
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
                siblings += busy(pl.load(t) - (low ? pl.guessed(t) : 0));
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
    // Sources: for relief only those whose vCPUs wait.
    std::vector<double> busy_of[2];
    for (int r = 0; r < 2; ++r) {
        busy_of[r].assign(pl.slots(), 0);
        for (int s : pl.targets())
            for (int t : topo.siblings(s))
                busy_of[r][static_cast<std::size_t>(s)] +=
                    busy(pl.load(t) - (r ? pl.guessed(t) : 0));
    }
    std::vector<MoveBound> bounds;
    bounds.reserve(pl.targets().size());
    for (int a : pl.targets())
        if (!movable.on(a).empty() && (!filter.relief_only || waits(pl, a)))
            bounds.emplace_back(pl, movable, a, 2 * w);
    // Every candidate pair, with what its best move could gain at most. The pairs priced in
    // an earlier step whose pCPUs did not change cost nothing and set the bar; the others are
    // priced in the order of their bounds until no bound reaches the best move found.
    struct Candidate {
        double bound;
        int a;
        int b;
        bool only_home;  // only the vCPUs whose domain lives on b's node
    };
    std::vector<Candidate> candidates;
    candidates.reserve(bounds.size() * 8);
    std::vector<int> near;
    std::vector<int> far;
    for (const MoveBound& bound : bounds) {
        const int a = bound.slot;
        auto add = [&](int b, bool only_home) {
            candidates.push_back({bound.to(pl, b, busy_of), a, b, only_home});
        };
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
        for (int b : near)
            if (b >= 0 && b != a)
                add(b, false);
        // The least loaded targets of the nodes where the domains of a's vCPUs live.
        far.clear();
        for (std::size_t x : movable.on(a)) {
            const int home = pl.vcpus()[x].home;
            if (home < 0 || home == topo.node(a))
                continue;
            for (int r = 0; r < readings; ++r) {
                const int b = by[r].node[static_cast<std::size_t>(home)].other_than(a);
                if (b >= 0 && b != a && !std::binary_search(near.begin(), near.end(), b))
                    far.push_back(b);
            }
        }
        std::sort(far.begin(), far.end());
        far.erase(std::unique(far.begin(), far.end()), far.end());
        for (int b : far)
            add(b, true);
    }

    Step best;
    // Equal gains (demands come in 10 ms steps) go to the lowest source and target, so that
    // the order in which pairs are searched does not decide.
    auto keep = [&](const Step& s) {
        if (s.gain.squares > best.gain.squares ||
            (s.gain.squares == best.gain.squares && s.gain.squares > kNoGain &&
             std::pair(s.a, s.b) < std::pair(best.a, best.b)))
            best = s;
    };
    std::vector<Candidate> unknown;
    unknown.reserve(candidates.size());
    for (const Candidate& c : candidates) {
        if (const Step* known = cache ? cache->find(pl, c.a, c.b, c.only_home) : nullptr)
            keep(*known);
        else
            unknown.push_back(c);
    }
    unknown.erase(std::remove_if(unknown.begin(), unknown.end(),
                                 [&](const Candidate& c) { return c.bound < best.gain.squares; }),
                  unknown.end());
    // Usually only the first few are priced: a heap hands them out without sorting the rest.
    auto lower = [](const Candidate& l, const Candidate& r) { return l.bound < r.bound; };
    std::make_heap(unknown.begin(), unknown.end(), lower);
    while (!unknown.empty()) {
        std::pop_heap(unknown.begin(), unknown.end(), lower);
        const Candidate c = unknown.back();
        unknown.pop_back();
        if (c.bound < best.gain.squares)
            break;
        Step pair;
        const PairContext context(pl, c.a, c.b);
        for (std::size_t x : movable.on(c.a)) {
            const PlacedVcpu& v = pl.vcpus()[x];
            if (!c.only_home || v.home == topo.node(c.b))
                consider(pair, Step{priced(context, v, nullptr, policy), x, std::nullopt, c.a, c.b},
                         policy, pl, filter);
        }
        if (cache)
            cache->store(pl, c.a, c.b, c.only_home, pair);
        keep(pair);
    }
    return best;
}

}  // namespace

Step best_single_move(const Placement& pl, const MovableBySlot& movable, const PolicyConfig& policy,
                      const StepFilter& filter, MoveCache* cache) {
    if (pl.topo().active())
        return best_single_move_topology(pl, movable, policy, filter, cache);
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
                     policy, pl, filter);
    }
    return best;
}

// Swaps are searched between the most loaded pCPU and every lighter one, and between the least
// loaded and every heavier one: O(pCPUs × vCPUs per pCPU × log) instead of all pairs. No swap
// between two pCPUs can remove more than gap²/2 from Σ load², so pairs that could not beat
// `floor` (what a swap must beat: twice the best single move) are not searched at all. On a
// host with NUMA nodes the same is done within each node too: once the nodes' loads differ by
// less than a crossing is worth, the host's busiest and idlest pCPUs sit in different nodes,
// and the swaps that still even out a node are between its own busiest and idlest.
Step best_swap(const Placement& pl, const MovableBySlot& movable, const PolicyConfig& policy,
               double floor, const StepFilter& filter, const MovableBySlot* partners) {
    const MovableBySlot& coming_back = partners ? *partners : movable;
    Step best;
    // A swap is priced in the worse reading of guessed demands, so the smaller gap bounds it.
    auto worth = [&](int a, int b) {
        const double gap = pl.load(a) - pl.load(b);
        double square = gap * gap;
        if (pl.guessed(a) > kEps || pl.guessed(b) > kEps) {
            const double low = gap - pl.guessed(a) + pl.guessed(b);
            square = std::min(square, low * low);
        }
        return gap > 0 && square / 2 > std::max(floor, best.gain.squares);
    };
    auto search = [&](int top, int bottom, int group) {
        for (int s : pl.targets()) {
            if (group >= 0 && pl.topo().node(s) != group)
                continue;
            if (worth(top, s))
                best_swaps_between(pl, movable, coming_back, top, s, policy, filter, best);
            if (s != top && worth(s, bottom))
                best_swaps_between(pl, movable, coming_back, s, bottom, policy, filter, best);
        }
    };
    search(most_loaded_target(pl), least_loaded_target(pl), -1);
    const SlotTopology& topo = pl.topo();
    if (!topo.active() || topo.nodes() < 2)
        return best;
    const auto nodes = static_cast<std::size_t>(topo.nodes());
    std::vector<int> top(nodes, -1);
    std::vector<int> bottom(nodes, -1);
    for (int s : pl.targets()) {
        const auto n = static_cast<std::size_t>(topo.node(s));
        if (top[n] < 0 || pl.load(s) > pl.load(top[n]))
            top[n] = s;
        if (bottom[n] < 0 || pl.load(s) < pl.load(bottom[n]))
            bottom[n] = s;
    }
    for (std::size_t n = 0; n < nodes; ++n)
        if (top[n] >= 0)
            search(top[n], bottom[n], static_cast<int>(n));
    return best;
}

}  // namespace vcpusched
