// reference_placement(): LPT plus local search, to judge what spread is reachable at all.
#include "reference.hpp"

#include <algorithm>
#include <numeric>

#include "vcpusched/load_report.hpp"

namespace vcpusched::bench {

double load_lower_bound(const std::vector<double>& demands, int pcpus) {
    if (demands.empty() || pcpus <= 0)
        return 0;
    double total = std::accumulate(demands.begin(), demands.end(), 0.0);
    double largest = *std::max_element(demands.begin(), demands.end());
    return std::max(largest, total / pcpus);
}

Reference reference_placement(const std::vector<double>& demands, int pcpus) {
    Reference ref;
    if (pcpus <= 0)
        return ref;
    const auto n = static_cast<std::size_t>(pcpus);
    ref.lower_bound = load_lower_bound(demands, pcpus);
    std::vector<std::size_t> order(demands.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return demands[a] > demands[b]; });
    std::vector<double> load(n, 0.0);
    std::vector<std::vector<std::size_t>> items(n);  // indices into demands
    for (std::size_t i : order) {
        auto p =
            static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        load[p] += demands[i];
        items[p].push_back(i);
    }
    // Moving d from a to b lowers Σ load² when d < load[a] − load[b]; swapping x (on a) with
    // y (on b) when 0 < x − y < load[a] − load[b].
    // Tries one improving move or swap between a and b (a the busier).
    auto improve = [&](std::size_t a, std::size_t b) {
        const double gap = load[a] - load[b];
        if (a == b || gap <= 1e-9)
            return false;
        for (std::size_t i = 0; i < items[a].size(); ++i) {
            const double x = demands[items[a][i]];
            if (x > 1e-9 && x < gap - 1e-9) {
                load[a] -= x;
                load[b] += x;
                items[b].push_back(items[a][i]);
                items[a].erase(items[a].begin() + static_cast<std::ptrdiff_t>(i));
                return true;
            }
            for (std::size_t j = 0; j < items[b].size(); ++j) {
                const double d = x - demands[items[b][j]];
                if (d > 1e-9 && d < gap - 1e-9) {
                    load[a] -= d;
                    load[b] += d;
                    std::swap(items[a][i], items[b][j]);
                    return true;
                }
            }
        }
        return false;
    };
    for (int round = 0; round < 100000; ++round) {
        auto busiest =
            static_cast<std::size_t>(std::max_element(load.begin(), load.end()) - load.begin());
        auto idlest =
            static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        bool improved = false;
        for (std::size_t b = 0; b < n && !improved; ++b)
            improved = improve(busiest, b);
        for (std::size_t a = 0; a < n && !improved; ++a)
            improved = improve(a, idlest);
        if (!improved)
            break;
    }
    ref.spread = spread_points(load);
    ref.max_load = *std::max_element(load.begin(), load.end());
    ref.where.assign(demands.size(), -1);
    for (std::size_t p = 0; p < n; ++p)
        for (std::size_t i : items[p])
            ref.where[i] = static_cast<int>(p);
    return ref;
}

double spread_of_placement(const std::vector<double>& now, std::vector<int> where, int pcpus) {
    if (pcpus <= 0)
        return 0;
    std::vector<double> load(static_cast<std::size_t>(pcpus), 0.0);
    std::vector<std::size_t> newcomers;
    for (std::size_t i = 0; i < now.size(); ++i) {
        if (i < where.size() && where[i] >= 0 && where[i] < pcpus)
            load[static_cast<std::size_t>(where[i])] += now[i];
        else
            newcomers.push_back(i);
    }
    std::stable_sort(newcomers.begin(), newcomers.end(),
                     [&](std::size_t a, std::size_t b) { return now[a] > now[b]; });
    for (std::size_t i : newcomers)
        *std::min_element(load.begin(), load.end()) += now[i];
    return spread_points(load);
}

}  // namespace vcpusched::bench
