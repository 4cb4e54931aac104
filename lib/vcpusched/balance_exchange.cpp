// best_exchange(): every subset of a few vCPUs on two pCPUs, the nearest fit by binary search.
#include "vcpusched/balance_exchange.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace vcpusched {

namespace {

constexpr double kEps = kBalanceEps;

// Σ demand of every subset of `vcpus` (bit i = vcpus[i]), with its mask.
std::vector<std::pair<double, unsigned>> subset_sums(const Placement& pl,
                                                     const std::vector<std::size_t>& vcpus) {
    std::vector<std::pair<double, unsigned>> sums(std::size_t{1} << vcpus.size());
    for (unsigned mask = 0; mask < sums.size(); ++mask) {
        double sum = 0;
        for (std::size_t i = 0; i < vcpus.size(); ++i)
            if (mask & (1U << i))
                sum += pl.vcpus()[vcpus[i]].demand;
        sums[mask] = {sum, mask};
    }
    return sums;
}

bool keeps_locality(const Placement& pl, const std::vector<std::size_t>& vcpus, int to) {
    for (std::size_t v : vcpus)
        if (pl.locality_cost(v, to) > kEps)
            return false;
    return true;
}

// The best exchange from a (the heavier) to b.
void exchange_between(const Placement& pl, const MovableBySlot& movable, int a, int b,
                      const PolicyConfig& policy, std::size_t max_pins, Exchange& best) {
    const auto& on_a = movable.on(a);
    const auto& on_b = movable.on(b);
    const double gap = pl.load(a) - pl.load(b);
    // No exchange removes more than gap²/2 from Σ load².
    if (gap <= kEps || gap * gap / 2 <= best.gain.squares || on_a.empty() ||
        on_a.size() > kExchangeWidth || on_b.size() > kExchangeWidth || pl.guessed(a) > kEps ||
        pl.guessed(b) > kEps)
        return;
    const SlotTopology& topo = pl.topo();
    if (topo.active() && (topo.smt() || topo.cache(a) != topo.cache(b) ||
                          !keeps_locality(pl, on_a, b) || !keeps_locality(pl, on_b, a)))
        return;
    auto from_b = subset_sums(pl, on_b);
    std::sort(from_b.begin(), from_b.end());
    for (const auto& [sent, mask_a] : subset_sums(pl, on_a)) {
        if (mask_a == 0)
            continue;
        // The ideal exchange moves half the gap: what comes back should be near sent − gap/2.
        const double want = sent - gap / 2;
        auto it = std::lower_bound(from_b.begin(), from_b.end(), std::make_pair(want, 0U));
        for (auto cand : {it, it == from_b.begin() ? from_b.end() : std::prev(it)}) {
            if (cand == from_b.end())
                continue;
            const auto [back, mask_b] = *cand;
            const std::size_t pins = static_cast<std::size_t>(std::popcount(mask_a)) +
                                     static_cast<std::size_t>(std::popcount(mask_b));
            if (pins < 2 || pins > max_pins)
                continue;
            const double delta = sent - back;
            Gain g;
            g.squares = 2 * delta * (gap - delta);
            g.pair = (std::abs(gap) - std::abs(gap - 2 * delta)) / 2 * 100;
            if (g.pair < policy.min_gain - kEps || g.squares <= kEps * kEps)
                continue;
            const bool better = g.squares > best.gain.squares + kEps ||
                                (g.squares > best.gain.squares - kEps && pins < best.pins());
            if (!better)
                continue;
            best = Exchange{g, {}, {}, a, b};
            for (std::size_t i = 0; i < on_a.size(); ++i)
                if (mask_a & (1U << i))
                    best.to_b.push_back(on_a[i]);
            for (std::size_t i = 0; i < on_b.size(); ++i)
                if (mask_b & (1U << i))
                    best.to_a.push_back(on_b[i]);
        }
    }
}

}  // namespace

Exchange best_exchange(const Placement& pl, const MovableBySlot& movable,
                       const PolicyConfig& policy, std::size_t max_pins) {
    Exchange best;
    if (max_pins < 2)
        return best;
    // The busiest and idlest of the pCPUs with measured load: guessed ones take no part.
    int top = -1;
    int bottom = -1;
    for (int s : pl.targets()) {
        if (pl.guessed(s) > kEps)
            continue;
        if (top < 0 || pl.load(s) > pl.load(top))
            top = s;
        if (bottom < 0 || pl.load(s) < pl.load(bottom))
            bottom = s;
    }
    if (top < 0)
        return best;
    for (int s : pl.targets()) {
        if (s != top)
            exchange_between(pl, movable, top, s, policy, max_pins, best);
        if (s != bottom && s != top)
            exchange_between(pl, movable, s, bottom, policy, max_pins, best);
    }
    return best;
}

}  // namespace vcpusched
