// The balance policy's search: how a candidate move or swap is priced and where the best is found.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include "vcpusched/placement.hpp"
#include "vcpusched/policy_config.hpp"

namespace vcpusched {

inline constexpr double kBalanceEps = 1e-9;
inline constexpr double kNoGain = -std::numeric_limits<double>::infinity();

// What a step buys, in the least favourable reading of guessed demands.
struct Gain {
    // Reduction of Σ load² over the targets. The mean does not change with a move, so the
    // host's spread falls exactly when this is positive, and more when it is larger: it ranks
    // the candidates without a square root each.
    double squares = kNoGain;
    // Points by which the spread of the two pCPUs involved falls: the hysteresis (min_gain).
    double pair = kNoGain;
    // Points of a pCPU's run time the step saves on busy SMT siblings (negative when it adds
    // overlap): capacity the host gains. Always 0 without SMT.
    double smt = 0;
    // Points of locality the step gives up (cache, node, domain's node); the step must gain
    // min_gain + cost in `worth()`. Always 0 on a flat host.
    double cost = 0;
    // What the step is worth against min_gain + cost (the hysteresis): the pair's narrowing
    // plus the run time it saves on siblings. Overlap it adds does not count here: the
    // objective (`squares`) already weighs it when it ranks the steps, and a move off a
    // saturated thread next to a busy one serves more than the overlap it adds costs.
    double worth() const { return pair + std::max(0.0, smt); }
};

// One greedy step: x goes from slot a to slot b; for a swap, y comes back from b to a.
struct Step {
    Gain gain;
    std::size_t x = 0;
    std::optional<std::size_t> y;
    int a = -1;
    int b = -1;
};

// Which steps a search may return, besides those failing min_gain + cost.
struct StepFilter {
    double min_smt = kNoGain;  // only steps saving at least this many points on SMT siblings
    bool relief_only = false;  // only steps that relieve a pCPU short of run time (relieves())
};

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
    // Takes v off the slot's list, if it is there.
    void remove(int slot, std::size_t v) {
        auto& list = on_[static_cast<std::size_t>(slot)];
        if (auto it = std::find(list.begin(), list.end(), v); it != list.end())
            list.erase(it);
    }
    // Nothing on the slot may move.
    void clear(int slot) { on_[static_cast<std::size_t>(slot)].clear(); }

  private:
    std::vector<std::vector<std::size_t>> on_;
};

// The best move of each (source, target) pair a topology search priced, kept between the steps
// of one plan: a step changes the loads of two pCPUs (and their siblings), so the next search
// prices again only the pairs that involve one of them — or every pair after a step that
// crossed a node or cache, which changes the price of crossings.
class MoveCache {
  public:
    explicit MoveCache(std::size_t slots) : pairs_(slots) {}
    // Forgets everything when the filter is not the one the cached moves passed.
    void use(const StepFilter& filter);
    // The best move from a to b (`far`: of the vCPUs whose domain lives on b's node), or null
    // when it is not known for the pCPUs' current loads.
    const Step* find(const Placement& pl, int a, int b, bool far) const;
    void store(const Placement& pl, int a, int b, bool far, const Step& step);

  private:
    struct Entry {
        int b = -1;
        bool far = false;
        unsigned version_a = 0;
        unsigned version_b = 0;
        unsigned crossings = 0;
        Step step;
    };
    std::vector<std::vector<Entry>> pairs_;
    StepFilter filter_;
    bool used_ = false;
};

int least_loaded_target(const Placement& pl, int except = -1);
int most_loaded_target(const Placement& pl);

// The host's spread after a step, in the estimated loads.
double spread_after(const Placement& pl, const Step& step);

// True when the slot's vCPUs wait: some are starved (their demand is a guess), or their
// demand as estimated needs more run time than the pCPU has, SMT siblings counted.
bool waits(const Placement& pl, int slot);

// True when the step relieves a pCPU that cannot serve its load: it takes a vCPU off a pCPU
// whose vCPUs wait (starved, or needing more run time than it has, SMT siblings counted) and
// leaves no pCPU it touches short of run time for what is known of the demands.
bool relieves(const Placement& pl, const Step& step);

// The best single move worth making that passes the filter (gain.squares == kNoGain when
// there is none).
// `cache` (optional) spares pricing again what the previous steps of the plan priced.
Step best_single_move(const Placement& pl, const MovableBySlot& movable, const PolicyConfig& policy,
                      const StepFilter& filter = {}, MoveCache* cache = nullptr);

// The best swap worth making that removes more than `floor` from Σ load² and passes the filter.
// The vCPU sent off the heavier pCPU comes from `movable`, its partner from `partners` (a
// superset; null for `movable` itself).
Step best_swap(const Placement& pl, const MovableBySlot& movable, const PolicyConfig& policy,
               double floor, const StepFilter& filter = {},
               const MovableBySlot* partners = nullptr);

}  // namespace vcpusched
