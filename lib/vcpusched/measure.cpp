// measure(): counter deltas → per-vCPU run/delay/demand and per-pCPU load and saturation.
#include "vcpusched/measure.hpp"

#include <algorithm>
#include <unordered_map>

#include "vcpusched/pcpu_index.hpp"

namespace vcpusched {

namespace {

PcpuIndex index_of(const std::vector<PcpuLoad>& pcpus) {
    std::vector<int> ids;
    for (const auto& p : pcpus)
        ids.push_back(p.id);
    return PcpuIndex(ids);
}

double share(std::uint64_t later, std::uint64_t earlier, double dt_ns) {
    return std::clamp(static_cast<double>(later - earlier) / dt_ns, 0.0, 1.0);
}

// Host busy share per pCPU from /proc/stat-like times; a counter going backwards means unknown.
void host_busy(const HostSample& previous, const HostSample& current, LoadReport& report,
               const PcpuIndex& index) {
    std::unordered_map<int, const PcpuTimes*> before;
    for (const auto& p : previous.pcpus)
        before[p.id] = &p;
    for (const auto& now : current.pcpus) {
        int slot = index(now.id);
        auto it = before.find(now.id);
        if (slot < 0 || it == before.end())
            continue;
        const PcpuTimes& then = *it->second;
        if (now.busy_ns < then.busy_ns || now.idle_ns < then.idle_ns)
            continue;
        double busy = static_cast<double>(now.busy_ns - then.busy_ns);
        double idle = static_cast<double>(now.idle_ns - then.idle_ns);
        if (busy + idle > 0)
            report.pcpus[static_cast<std::size_t>(slot)].busy = busy / (busy + idle);
    }
}

// Calls f(slot, weight) for each pCPU a vCPU's load lands on.
template <typename F>
void for_each_share(const VcpuLoad& v, const CpuSet& online, const PcpuIndex& index, F f) {
    if (v.pcpu >= 0) {
        if (int slot = index(v.pcpu); slot >= 0)
            f(static_cast<std::size_t>(slot), 1.0);
        return;
    }
    CpuSet where = load_pcpus(v, online);
    double weight = where.empty() ? 0 : 1.0 / static_cast<double>(where.count());
    for (int id : where.cpus())
        if (int slot = index(id); slot >= 0)
            f(static_cast<std::size_t>(slot), weight);
}

void mark_saturation(LoadReport& report, const CpuSet& online, const PcpuIndex& index,
                     const MeasureOptions& options) {
    // Without host times, a pCPU whose vCPUs ran (nearly) all the time is taken as saturated.
    std::vector<double> run_sum(report.pcpus.size(), 0);
    for (const auto& v : report.vcpus)
        for_each_share(v, online, index, [&](std::size_t s, double w) { run_sum[s] += w * v.run; });
    for (std::size_t s = 0; s < report.pcpus.size(); ++s) {
        auto& p = report.pcpus[s];
        double busy = p.busy >= 0 ? p.busy : run_sum[s];
        p.saturated = report.interval_s > 0 && busy >= 1.0 - options.saturated_idle;
    }
}

bool starved(const VcpuLoad& v, const LoadReport& report, const CpuSet& online,
             const PcpuIndex& index) {
    bool any = false;
    bool all = true;
    for_each_share(v, online, index, [&](std::size_t s, double) {
        any = true;
        all = all && report.pcpus[s].saturated;
    });
    return any && all;
}

void estimate_demand(VcpuLoad& v, const DemandHistory::Entry* past, const MeasureOptions& options) {
    double raw = v.run;
    v.uncertain = false;
    if (v.starved) {
        // Run time hides demand here, and run + delay reads ~100 % for every starved vCPU.
        if (past && past->unstarved >= 0) {
            raw = std::max(v.run, past->unstarved);
        } else {
            raw = std::min(1.0, v.run + v.delay);
            v.uncertain = true;
        }
    }
    // Blend only like with like: a guess must not linger in a measurement (nor the reverse).
    bool blend = past && options.smoothing > 0 && past->uncertain == v.uncertain;
    v.demand = blend ? options.smoothing * past->smoothed + (1 - options.smoothing) * raw : raw;
    v.demand = std::clamp(v.demand, 0.0, 1.0);
}

}  // namespace

LoadReport measure(const HostSample& previous, const HostSample& current, const Topology& topology,
                   const DemandHistory& history, const MeasureOptions& options) {
    LoadReport report;
    for (const auto& p : topology.pcpus) {
        PcpuLoad load;
        load.id = p.id;
        report.pcpus.push_back(load);
    }
    const PcpuIndex index = index_of(report.pcpus);
    const CpuSet online = topology.online();
    const auto dt = (current.taken_at - previous.taken_at).count();
    const double dt_ns = static_cast<double>(dt);
    report.interval_s = dt > 0 ? dt_ns / 1e9 : 0;
    if (dt > 0)
        host_busy(previous, current, report, index);

    std::unordered_map<std::string, const DomainSample*> before;
    for (const auto& d : previous.domains)
        before[d.uuid] = &d;

    for (const auto& d : current.domains) {
        auto found = before.find(d.uuid);
        const DomainSample* then = found == before.end() ? nullptr : found->second;
        for (const auto& vs : d.vcpus) {
            if (vs.state == VcpuState::Offline)
                continue;  // no thread to pin and nothing running
            VcpuLoad v;
            v.ref = VcpuRef{d.uuid, d.name, vs.id};
            v.affinity = vs.affinity;
            v.pcpu = vs.affinity.count() == 1 ? vs.affinity.first() : -1;
            const VcpuSample* pv = nullptr;
            if (then) {
                for (const auto& c : then->vcpus)
                    if (c.id == vs.id)
                        pv = &c;
            }
            bool went_back = pv && (vs.time_ns < pv->time_ns ||
                                    (vs.has_delay && pv->has_delay && vs.delay_ns < pv->delay_ns));
            v.fresh = dt <= 0 || !pv || went_back;
            if (!v.fresh) {
                v.run = share(vs.time_ns, pv->time_ns, dt_ns);
                if (vs.has_delay && pv->has_delay)
                    v.delay = share(vs.delay_ns, pv->delay_ns, dt_ns);
            }
            report.vcpus.push_back(std::move(v));
        }
    }

    mark_saturation(report, online, index, options);
    for (auto& v : report.vcpus) {
        const DemandHistory::Entry* past = history.find(v.ref);
        if (v.fresh) {
            // Nothing measured: a restarted domain probably wants what it wanted before.
            v.demand = dt > 0 && past ? past->smoothed : 0;
            continue;
        }
        v.starved = starved(v, report, online, index);
        estimate_demand(v, past, options);
    }
    for (const auto& v : report.vcpus)
        for_each_share(v, online, index,
                       [&](std::size_t s, double w) { report.pcpus[s].load += w * v.demand; });
    return report;
}

}  // namespace vcpusched
