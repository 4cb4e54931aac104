// greedy_plan(): place the unplaced, then shift the heaviest vCPU of the busiest pCPU.
#include "greedy.hpp"

#include <algorithm>
#include <numeric>

namespace vcpusched::bench {

Plan greedy_plan(const LoadReport& report) {
    Plan plan;
    const std::size_t n = report.pcpus.size();
    if (n == 0)
        return plan;
    std::vector<double> load(n, 0.0);
    std::vector<int> where(report.vcpus.size(), -1);  // index into report.pcpus
    auto index_of = [&](int id) {
        for (std::size_t i = 0; i < n; ++i)
            if (report.pcpus[i].id == id)
                return static_cast<int>(i);
        return -1;
    };
    std::vector<std::size_t> unplaced;
    for (std::size_t v = 0; v < report.vcpus.size(); ++v) {
        where[v] = index_of(report.vcpus[v].pcpu);
        if (where[v] >= 0)
            load[static_cast<std::size_t>(where[v])] += report.vcpus[v].demand;
        else
            unplaced.push_back(v);
    }
    plan.load_before = load;
    std::stable_sort(unplaced.begin(), unplaced.end(), [&](std::size_t a, std::size_t b) {
        return report.vcpus[a].demand > report.vcpus[b].demand;
    });
    std::vector<int> original = where;
    for (std::size_t v : unplaced) {
        auto idlest = std::min_element(load.begin(), load.end()) - load.begin();
        where[v] = static_cast<int>(idlest);
        load[static_cast<std::size_t>(idlest)] += report.vcpus[v].demand;
    }
    // Bounded: every step lowers the busiest load, but noise-sized steps could go on long.
    for (std::size_t step = 0; step < report.vcpus.size() * 2; ++step) {
        auto busiest =
            static_cast<std::size_t>(std::max_element(load.begin(), load.end()) - load.begin());
        auto idlest =
            static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        std::size_t heaviest = report.vcpus.size();
        for (std::size_t v = 0; v < report.vcpus.size(); ++v)
            if (where[v] == static_cast<int>(busiest) &&
                (heaviest == report.vcpus.size() ||
                 report.vcpus[v].demand > report.vcpus[heaviest].demand))
                heaviest = v;
        if (heaviest == report.vcpus.size())
            break;
        const double d = report.vcpus[heaviest].demand;
        if (d <= 0 || d >= load[busiest] - load[idlest])
            break;  // would not lower the busiest pCPU below where it is
        load[busiest] -= d;
        load[idlest] += d;
        where[heaviest] = static_cast<int>(idlest);
    }
    for (std::size_t v = 0; v < report.vcpus.size(); ++v) {
        if (where[v] == original[v])
            continue;
        const auto& vl = report.vcpus[v];
        plan.moves.push_back(Move{
            vl.ref, original[v] >= 0 ? report.pcpus[static_cast<std::size_t>(original[v])].id : -1,
            report.pcpus[static_cast<std::size_t>(where[v])].id, vl.demand});
    }
    for (const auto& p : report.pcpus)
        plan.pcpu_ids.push_back(p.id);
    plan.load_after = load;
    plan.spread_before = spread_points(plan.load_before);
    plan.spread_after = spread_points(plan.load_after);
    plan.reason = "greedy: " + std::to_string(plan.moves.size()) + " moves";
    return plan;
}

}  // namespace vcpusched::bench
