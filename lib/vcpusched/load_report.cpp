// Spread: the one number the policy balances, population std-dev of pCPU load in points.
#include "vcpusched/load_report.hpp"

#include <cmath>

namespace vcpusched {

double spread_points(const std::vector<double>& loads) {
    if (loads.empty())
        return 0;
    double mean = 0;
    for (double l : loads)
        mean += l;
    mean /= static_cast<double>(loads.size());
    double var = 0;
    for (double l : loads)
        var += (l - mean) * (l - mean);
    var /= static_cast<double>(loads.size());
    return std::sqrt(var) * 100.0;
}

CpuSet load_pcpus(const VcpuLoad& v, const CpuSet& online) {
    if (v.pcpu >= 0)
        return online.contains(v.pcpu) ? CpuSet{v.pcpu} : CpuSet{};
    return v.affinity.empty() ? online : v.affinity & online;
}

double LoadReport::spread() const {
    std::vector<double> loads;
    loads.reserve(pcpus.size());
    for (const auto& p : pcpus)
        loads.push_back(p.load);
    return spread_points(loads);
}

}  // namespace vcpusched
