// check_targets(): spread, max-load ratio, convergence, churn, baselines; topology's gains.
#include "targets.hpp"

#include <cstdio>

namespace vcpusched::bench {

namespace {

std::string fmt(const char* format, double a, double b = 0, double c = 0) {
    char buf[256];
    std::snprintf(buf, sizeof buf, format, a, b, c);
    return buf;
}

const QualityResult* find(const std::vector<QualityResult>& results, const std::string& scenario,
                          const std::string& policy) {
    for (const auto& r : results)
        if (r.scenario == scenario && r.policy == policy)
            return &r;
    return nullptr;
}

}  // namespace

std::vector<TargetCheck> check_targets(const std::vector<BenchScenario>& scenarios,
                                       const std::vector<QualityResult>& results, double threshold,
                                       Tolerance tolerance, TargetSet set) {
    std::vector<TargetCheck> checks;
    double ratio_sum = 0;
    int ratio_count = 0;
    for (const auto& s : scenarios) {
        const QualityResult* b = find(results, s.name, "balance");
        if (!b) {
            checks.push_back({"ran", s.name, false, "no balance result"});
            continue;
        }
        if (!b->error.empty()) {
            checks.push_back({"ran", s.name, false, "error: " + b->error});
            continue;
        }
        if (set == TargetSet::Topology) {
            if (!s.topology)
                continue;
            checks.push_back({fmt("spread ≤ %.0f pt", threshold), s.name,
                              b->final_spread <= threshold,
                              fmt("final spread %.2f pt", b->final_spread)});
            for (const char* other : {"balance-blind", "count", "greedy"}) {
                const QualityResult* o = find(results, s.name, other);
                if (!o || !o->error.empty())
                    continue;
                checks.push_back(
                    {std::string("serves more demand than ") + other, s.name, b->served > o->served,
                     fmt("served %.3f %% vs %.3f %%", b->served * 100, o->served * 100)});
                checks.push_back(
                    {std::string("fewer cross-node moves than ") + other, s.name,
                     b->cross_node_pins < o->cross_node_pins,
                     fmt("%.0f vs %.0f cross-node pins", static_cast<double>(b->cross_node_pins),
                         static_cast<double>(o->cross_node_pins))});
            }
            continue;
        }
        // Reachable by a policy that sees each period's load only after it happened.
        if (b->final_late_spread <= threshold - 1.0) {
            checks.push_back({fmt("spread ≤ %.0f pt where reachable", threshold), s.name,
                              b->final_spread <= threshold,
                              fmt("final spread %.2f pt (best placement one period late %.2f pt)",
                                  b->final_spread, b->final_late_spread)});
        }
        ratio_sum += b->final_ratio;
        ++ratio_count;
        for (const auto& seg : b->segments) {
            int took = seg.periods_to_converge();
            checks.push_back(
                {"converged within 3 periods of a change", s.name, took >= 0 && took <= 3,
                 took < 0 ? fmt("periods %.0f-%.0f: never under %.2f pt", seg.first, seg.last,
                                seg.threshold)
                          : fmt("periods %.0f-%.0f: %.0f periods", seg.first, seg.last, took) +
                                fmt(" (threshold %.2f pt)", seg.threshold)});
        }
        if (s.steady) {
            checks.push_back({"no moves after convergence on steady load", s.name,
                              b->worst_convergence >= 0 && b->moves_after_convergence == 0,
                              fmt("%.0f moves after convergence", b->moves_after_convergence)});
        }
        for (const char* other : {"count", "greedy"}) {
            const QualityResult* o = find(results, s.name, other);
            if (!o || !o->error.empty())
                continue;
            bool ok = b->final_spread <= o->final_spread + tolerance.spread_points &&
                      b->final_ratio <= o->final_ratio + tolerance.ratio;
            checks.push_back({std::string("not worse than ") + other, s.name, ok,
                              fmt("spread %.2f vs %.2f pt", b->final_spread, o->final_spread) +
                                  fmt(", max/LB %.3f vs %.3f", b->final_ratio, o->final_ratio)});
        }
    }
    if (ratio_count > 0 && set == TargetSet::Quality) {
        double mean = ratio_sum / ratio_count;
        checks.push_back({"max-load ratio ≤ 1.05 on average", "", mean <= 1.05,
                          fmt("mean final max/LB %.3f over %.0f scenarios", mean, ratio_count)});
    }
    return checks;
}

}  // namespace vcpusched::bench
