// The balance policy: place unplaced vCPUs, then greedy best-improvement moves and swaps.
#include <algorithm>
#include <functional>
#include <queue>

#include "vcpusched/balance_exchange.hpp"
#include "vcpusched/balance_search.hpp"
#include "vcpusched/policy_algorithms.hpp"

namespace vcpusched {

namespace {

constexpr double kEps = kBalanceEps;
constexpr double kTargetShare = 0.5;     // a rebalance aims at this share of the threshold
constexpr std::size_t kReliefShare = 4;  // relief steps may go on up to this × max_moves

// Largest demand first onto the least loaded target: the classic greedy bin balancing. All are
// lifted first, so the targets' loads only grow and a heap keeps the least loaded at hand.
void place_on_topology(Placement& pl, std::vector<std::size_t>& order,
                       const TopologyPolicy& policy);

// Pins each vCPU to place where it runs now, when every one of them runs on a target pCPU it
// is allowed on and the host is then within `threshold`: the kernel already balanced them
// (unpinned guests), and pinning them in place moves nothing. Issues 2 and 4 want every
// unpinned vCPU pinned; re-placing them all by demand moved vCPUs on a host that needed
// nothing (bench unpinned). Where domains are kept on one node, a domain the kernel runs on
// several nodes is placed instead (place_on_topology gathers it on one when it fits): pinned
// in place, it would stay split, each vCPU far from half its memory. `order` is lifted.
bool place_where_running(Placement& pl, const std::vector<std::size_t>& order,
                         const PolicyConfig& config) {
    const bool one_node_each =
        pl.topo().active() && pl.topo().nodes() > 1 && config.topology.keep_domain_on_node;
    std::vector<double> loads(pl.slots(), 0);
    for (int s : pl.targets())
        loads[static_cast<std::size_t>(s)] = pl.load(s);
    std::vector<int> where;
    const std::string* domain = nullptr;  // `order` is in report order: a domain is one run
    int domain_node = -1;
    for (std::size_t i : order) {
        const VcpuLoad& v = pl.report_vcpu(i);
        const int s = v.running_on >= 0 ? pl.slot_of(v.running_on) : -1;
        if (s < 0 || !pl.is_target(s) || !v.affinity.contains(v.running_on))
            return false;
        if (one_node_each) {
            if (!domain || *domain != v.ref.domain_uuid)
                domain_node = pl.topo().node(s);
            else if (pl.topo().node(s) != domain_node)
                return false;
            domain = &v.ref.domain_uuid;
        }
        loads[static_cast<std::size_t>(s)] += pl.vcpus()[i].demand;
        where.push_back(s);
    }
    std::vector<double> on_targets;
    for (int s : pl.targets())
        on_targets.push_back(loads[static_cast<std::size_t>(s)]);
    if (spread_points(on_targets) > config.threshold + kEps)
        return false;
    for (std::size_t k = 0; k < order.size(); ++k)
        pl.put(order[k], where[k]);
    return true;
}

// `in_place`: set when they were pinned where they run.
std::size_t place_unplaced(Placement& pl, const PolicyConfig& config, bool& in_place) {
    const TopologyPolicy& policy = config.topology;
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < pl.vcpus().size(); ++i)
        if (pl.vcpus()[i].needs_place)
            order.push_back(i);
    if (order.empty())
        return 0;
    pl.lift(order);  // in report order, where equal affinities come in runs
    in_place = place_where_running(pl, order, config);
    if (in_place)
        return order.size();
    if (pl.topo().active()) {
        place_on_topology(pl, order, policy);
        return order.size();
    }
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

// The same on a host with a shape. A target's key adds its siblings' overlap (see
// price_topology), so busy vCPUs go to separate cores before they share one; a domain's vCPUs
// go to one node when its demand fits that node's spare capacity (largest domains first,
// each to the node with the most spare), else anywhere. Keys only grow, so stale heap entries
// are recognised by their key and dropped.
void place_on_topology(Placement& pl, std::vector<std::size_t>& order,
                       const TopologyPolicy& policy) {
    const SlotTopology& topo = pl.topo();
    auto key = [&](int s) {
        return pl.load(s) + (topo.smt() ? policy.smt_penalty * pl.sibling_load(s) : 0);
    };
    using Entry = std::pair<double, int>;
    using Heap = std::priority_queue<Entry, std::vector<Entry>, std::greater<>>;
    const auto nodes = static_cast<std::size_t>(topo.nodes());
    Heap host;
    std::vector<Heap> in_node(nodes);
    auto push = [&](int s) {
        if (!pl.is_target(s))
            return;
        host.emplace(key(s), s);
        in_node[static_cast<std::size_t>(topo.node(s))].emplace(key(s), s);
    };
    for (int s : pl.targets())
        push(s);

    // Node per vCPU (-1 = any), chosen per domain.
    std::vector<int> node_of(pl.vcpus().size(), -1);
    if (policy.keep_domain_on_node && nodes > 1) {
        std::vector<double> spare(nodes, -1);  // -1: the node has no target pCPU
        for (int s : pl.targets()) {
            double& room = spare[static_cast<std::size_t>(topo.node(s))];
            room = std::max(0.0, room) + std::max(0.0, 1.0 - pl.load(s));
        }
        struct Group {
            std::vector<std::size_t> vcpus;
            double demand = 0;
        };
        std::vector<Group> groups;  // order is in report order, where a domain is one run
        const std::string* last = nullptr;
        for (std::size_t i : order) {
            const auto& uuid = pl.report_vcpu(i).ref.domain_uuid;
            if (!last || *last != uuid)
                groups.emplace_back();
            last = &uuid;
            groups.back().vcpus.push_back(i);
            groups.back().demand += pl.vcpus()[i].demand;
        }
        std::stable_sort(groups.begin(), groups.end(),
                         [](const Group& l, const Group& r) { return l.demand > r.demand; });
        for (const Group& g : groups) {
            if (g.vcpus.size() < 2)
                continue;  // one vCPU needs no node of its own: the least loaded pCPU will do
            std::size_t best = 0;
            for (std::size_t n = 1; n < nodes; ++n)
                if (spare[n] > spare[best])
                    best = n;
            if (spare[best] < 0 || spare[best] + kEps < g.demand)
                continue;
            spare[best] -= g.demand;
            for (std::size_t i : g.vcpus)
                node_of[i] = static_cast<int>(best);
        }
    }

    std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) {
        return pl.vcpus()[l].demand > pl.vcpus()[r].demand;
    });
    for (std::size_t i : order) {
        Heap& heap = node_of[i] >= 0 ? in_node[static_cast<std::size_t>(node_of[i])] : host;
        while (heap.top().first != key(heap.top().second))
            heap.pop();  // stale: the slot or a sibling took load since
        const int s = heap.top().second;
        pl.put(i, s);
        push(s);
        for (int sib : topo.siblings(s))
            push(sib);
    }
}

// Fewest pins first: a swap costs two, so it must beat twice the best single move.
const Step* choose(const Step& single, const Step& swap, const Placement& pl, double target) {
    bool single_ok = single.gain.squares > kNoGain;
    bool swap_ok = swap.gain.squares > kNoGain;
    if (single_ok && (!swap_ok || spread_after(pl, single) <= target + kEps ||
                      2 * single.gain.squares >= swap.gain.squares))
        return &single;
    return swap_ok ? &swap : nullptr;
}

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// On an SMT host whose spread is within bounds, the move worth making for the siblings alone:
// one that saves `threshold` points of run time lost to busy siblings sharing a core (two
// busy vCPUs on one core while another core idles) and leaves the spread within `ceiling`.
// Spread only counts loads, so without this such a host counts as balanced.
Step sibling_move(const Placement& pl, const MovableBySlot& movable, const PolicyConfig& policy,
                  double ceiling, MoveCache& cache) {
    if (!pl.topo().smt())
        return Step{};
    Step s = best_single_move(pl, movable, policy, StepFilter{policy.threshold, false}, &cache);
    if (s.gain.squares > kNoGain && spread_after(pl, s) > ceiling + kEps)
        return Step{};
    return s;
}

// What a run of greedy steps did.
struct Descent {
    std::size_t moves = 0;
    std::size_t swaps = 0;
    std::size_t exchanges = 0;
    std::size_t sibling_moves = 0;
    std::string stop;  // why it ended before its aim; empty when it got there

    std::string steps() const {
        std::string text = plural(moves, "move");
        std::string kinds;
        if (swaps)
            kinds = plural(swaps, "swap");
        if (exchanges)
            kinds += (kinds.empty() ? "" : ", ") + plural(exchanges, "exchange");
        return kinds.empty() ? text : text + " (" + kinds + ")";
    }
};

struct DescentGoal {
    bool by_spread = true;      // a rebalance: steps that lower the spread, down to `aim`
    double aim = 0;             // the spread a rebalance stops at
    double target = 0;          // the rebalance's target (choose() prefers single moves there)
    bool siblings = false;      // then moves off busy SMT siblings ...
    double ceiling = 0;         // ... that leave the spread within this
    std::size_t max_moves = 0;  // pins per cycle, relief aside
};

// Greedy steps: while the spread is above the aim, the single move or swap that lowers it
// most, and when neither is worth it an exchange of a few vCPUs between two pCPUs; beyond
// max_moves only single moves that relieve a pCPU short of run time. Below the aim (when
// `siblings`), moves off busy SMT siblings. What a step sends off its pCPU comes from
// `movable`, a swap's partner from `partners` (a superset of it, or null for the same).
Descent descend(Placement& pl, MovableBySlot& movable, MovableBySlot* partners, MoveCache& cache,
                const PolicyConfig& policy, const DescentGoal& goal) {
    // Beyond max_moves, a step goes on only while it relieves a pCPU whose load exceeds what
    // it can serve: that demand is lost every period the rebalance takes (a random start needs
    // tens of moves), whereas max_moves is there to spare pins that only even out load.
    const std::size_t relief_moves = kReliefShare * goal.max_moves;
    auto take = [&](std::size_t v, int from, int to) {
        movable.remove(from, v);
        if (partners)
            partners->remove(from, v);
        pl.move(v, to);
    };
    Descent d;
    for (;;) {
        Step chosen;
        if (goal.by_spread && pl.spread() > goal.aim + kEps) {
            const bool relief = d.moves >= goal.max_moves;
            const std::size_t budget = relief ? relief_moves : goal.max_moves;
            if (d.moves >= budget) {
                d.stop = "max_moves " + std::to_string(goal.max_moves) + " reached";
                break;
            }
            const StepFilter filter{kNoGain, relief};
            Step single = best_single_move(pl, movable, policy, filter, &cache);
            // Relief goes by single moves: a swap brings load back onto the pCPU it relieves.
            Step swap = !relief && d.moves + 2 <= budget
                            ? best_swap(pl, movable, policy, std::max(0.0, 2 * single.gain.squares),
                                        {}, partners)
                            : Step{};
            if (const Step* step = choose(single, swap, pl, goal.target)) {
                chosen = *step;
            } else {
                const Exchange ex =
                    relief ? Exchange{} : best_exchange(pl, movable, policy, budget - d.moves);
                if (ex.gain.squares <= kNoGain) {
                    d.stop =
                        relief ? "max_moves " + std::to_string(goal.max_moves) +
                                     " reached and no pCPU short of run time to relieve"
                               : "no further move gains ≥ min_gain " + one_decimal(policy.min_gain);
                    break;
                }
                for (std::size_t x : ex.to_b)
                    take(x, ex.a, ex.b);
                for (std::size_t y : ex.to_a)
                    take(y, ex.b, ex.a);
                d.moves += ex.pins();
                ++d.exchanges;
                continue;
            }
        } else {
            if (!goal.siblings)
                break;
            if (d.moves >= goal.max_moves) {
                d.stop = "max_moves " + std::to_string(goal.max_moves) + " reached";
                break;
            }
            chosen = sibling_move(pl, movable, policy, goal.ceiling, cache);
            if (chosen.gain.squares == kNoGain)
                break;
            ++d.sibling_moves;
        }
        take(chosen.x, chosen.a, chosen.b);
        ++d.moves;
        if (chosen.y) {
            take(*chosen.y, chosen.b, chosen.a);
            ++d.moves;
            ++d.swaps;
        }
    }
    return d;
}

}  // namespace

Plan plan_balance(Placement& pl, const PolicyConfig& policy) {
    // Hysteresis on the host (issue 5, bench): the threshold starts a rebalance, which aims at
    // half of it, and keeps aiming there in the cycle after a move (moves off a saturated pCPU
    // rest on guessed demands, max_moves may cut a rebalance short). Stopping right at the
    // threshold left hosts where noise tipped them back over it period after period.
    const double target = policy.threshold * kTargetShare;
    const double trigger = pl.rebalancing() ? target : policy.threshold;
    bool in_place = false;
    const std::size_t placed = place_unplaced(pl, policy, in_place);
    const double start = pl.spread();
    const std::string prefix =
        placed ? "placed " + plural(placed, "vCPU") + (in_place ? " where they run" : "") + "; "
               : "";
    MovableBySlot movable(pl);
    MoveCache cache(pl.slots());
    // Where starved vCPUs' demands are guesses (run + run-queue delay on a saturated pCPU), the
    // spread must also show in what they surely ran. On a host that other programs saturate,
    // every guest vCPU waits and the guesses scatter by tens of points while the run shares
    // stay even; trusting the guesses alone swapped vCPUs back and forth on a balanced host.
    const double sure = start > trigger + kEps ? pl.measured_spread() : start;
    const bool by_spread = start > trigger + kEps && sure > trigger + kEps;
    if (!by_spread && sibling_move(pl, movable, policy, trigger, cache).gain.squares == kNoGain) {
        if (start <= trigger + kEps)
            return pl.finish(prefix + "balanced: spread " + one_decimal(start) + " ≤ threshold " +
                             one_decimal(policy.threshold));
        return pl.finish(prefix + "balanced: spread " + one_decimal(start) +
                         " on guessed demands, " + one_decimal(sure) + " in run time ≤ threshold " +
                         one_decimal(policy.threshold));
    }

    // A rebalance aims at the target; one started for the siblings alone keeps the spread
    // within the trigger and makes sibling moves only.
    const double aim = by_spread ? target : trigger;
    const std::size_t max_moves = moves_per_cycle(policy, pl.targets().size());
    Descent d;
    // pCPUs whose load rests on guessed demands (starved vCPUs on a saturated pCPU, whose
    // demand is only known to lie between their run share and all of the pCPU): while there
    // are any, a rebalance first only takes load off them, and balances the rest of the host on
    // the next cycle's measurements. Balancing everything around the guesses, often far above
    // the truth, settled in a placement one more cycle of moves away from a good one, and that
    // cycle came after the host had already dipped under the threshold (bench steady-noise).
    bool guessed_first = false;
    if (by_spread) {
        MovableBySlot off_guessed(pl);
        bool any = false;
        for (int s : pl.targets()) {
            if (pl.guessed(s) > kEps)
                any = true;
            else
                off_guessed.clear(s);
        }
        if (any) {
            MovableBySlot everyone(pl);
            MoveCache guessed_cache(pl.slots());
            Descent first = descend(pl, off_guessed, &everyone, guessed_cache, policy,
                                    {true, aim, target, false, trigger, max_moves});
            if (first.moves > 0) {
                d = first;
                guessed_first = true;
            }
        }
    }
    if (!guessed_first)
        d = descend(pl, movable, nullptr, cache, policy,
                    {by_spread, aim, target, true, trigger, max_moves});
    if (d.moves == 0)
        return pl.finish(prefix + "spread " + one_decimal(start) + " > threshold " +
                         one_decimal(policy.threshold) + " but " + d.stop);
    std::string reason = prefix + "spread " + one_decimal(start) + " → " +
                         one_decimal(pl.spread()) + " points with " + d.steps();
    if (d.sibling_moves)
        reason += "; " + plural(d.sibling_moves, "move") + " off busy SMT siblings";
    if (guessed_first)
        reason += " off pCPUs whose load is partly guessed; the rest after measuring again";
    else if (!d.stop.empty())
        reason += "; " + d.stop;
    return pl.finish(reason);
}

}  // namespace vcpusched
