// trace_loads(): the measured loads of a cycle as trace lines.
#include "vcpusched/load_trace.hpp"

#include <cmath>
#include <string>

namespace vcpusched {

namespace {

std::string percent(double share) {
    return std::to_string(static_cast<long>(std::lround(share * 100))) + "%";
}

std::string where(const VcpuLoad& v) {
    if (v.pcpu >= 0)
        return "on pCPU " + std::to_string(v.pcpu);
    if (v.running_on >= 0)
        return "unpinned, running on pCPU " + std::to_string(v.running_on);
    return "unpinned (" + v.affinity.format() + ")";
}

std::string demand_note(const VcpuLoad& v) {
    if (v.fresh)
        return " (new: no previous counters)";
    if (v.uncertain)
        return " (guessed: starved, never measured unstarved)";
    if (v.starved)
        return " (starved: its last unstarved demand)";
    return "";
}

}  // namespace

void trace_loads(Log& log, const LoadReport& report) {
    if (!log.enabled(LogLevel::Trace))
        return;
    for (const auto& v : report.vcpus)
        log.write(LogLevel::Trace,
                  "measured " + v.ref.domain_name + " vcpu " + std::to_string(v.ref.vcpu) + " " +
                      where(v) + ": ran " + percent(v.run) + ", waited " + percent(v.delay) +
                      ", demand " + percent(v.demand) + demand_note(v) + (v.held ? ", held" : ""));
    for (const auto& p : report.pcpus)
        log.write(LogLevel::Trace, "measured pCPU " + std::to_string(p.id) + ": load " +
                                       percent(p.load) +
                                       (p.busy >= 0 ? ", busy " + percent(p.busy) : "") +
                                       (p.saturated ? ", saturated" : ""));
}

}  // namespace vcpusched
