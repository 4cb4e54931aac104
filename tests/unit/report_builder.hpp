// Terse construction of LoadReports for policy tests: vCPUs with demand and affinity.
#pragma once

#include <string>
#include <utility>

#include "vcpusched/load_report.hpp"
#include "vcpusched/plan.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched::testing {

class ReportBuilder {
  public:
    explicit ReportBuilder(int pcpus) : topology_(Topology::flat(pcpus)) {}
    // A host with a shape (pCPU ids must be 0..n-1).
    explicit ReportBuilder(Topology topology) : topology_(std::move(topology)) {}

    // A vCPU of domain `name` with `demand`, on `affinity` (a cpulist; one CPU = placed).
    ReportBuilder& vcpu(const std::string& name, int id, double demand,
                        const std::string& affinity) {
        VcpuLoad v;
        v.ref = VcpuRef{"uuid-" + name, name, id};
        v.affinity = CpuSet::parse(affinity);
        v.pcpu = v.affinity.count() == 1 ? v.affinity.first() : -1;
        v.run = demand;
        v.demand = demand;
        report_.vcpus.push_back(v);
        return *this;
    }
    // The last vCPU added (unpinned) runs on pCPU `pcpu` now, as the hypervisor tells.
    ReportBuilder& running_on(int pcpu) {
        report_.vcpus.back().running_on = pcpu;
        return *this;
    }
    // A starved vCPU whose demand is a guess: it ran `run`, reads `guess`.
    ReportBuilder& guessed_vcpu(const std::string& name, int id, double run, double guess,
                                const std::string& affinity) {
        vcpu(name, id, guess, affinity);
        report_.vcpus.back().run = run;
        report_.vcpus.back().delay = guess - run;
        report_.vcpus.back().starved = true;
        report_.vcpus.back().uncertain = true;
        return *this;
    }

    LoadReport build() const { return with_loads(report_, topology_); }

    // The loads of the pCPUs recomputed from the vCPUs.
    static LoadReport with_loads(LoadReport r, const Topology& topology) {
        r.interval_s = 2;
        r.pcpus.clear();
        CpuSet online = topology.online();
        for (const auto& p : topology.pcpus) {
            PcpuLoad load;
            load.id = p.id;
            r.pcpus.push_back(load);
        }
        for (const auto& v : r.vcpus) {
            CpuSet where = load_pcpus(v, online);
            for (int id : where.cpus())
                r.pcpus[static_cast<std::size_t>(id)].load +=
                    v.demand / static_cast<double>(where.count());
        }
        return r;
    }

    // The report as it would read after the plan's moves (same demands, new places).
    static LoadReport after(const LoadReport& report, const Plan& plan, const Topology& topology) {
        LoadReport r = report;
        for (const auto& m : plan.moves)
            for (auto& v : r.vcpus)
                if (v.ref == m.vcpu) {
                    v.pcpu = m.to;
                    v.affinity = CpuSet{m.to};
                }
        return with_loads(r, topology);
    }
    const Topology& topology() const { return topology_; }

  private:
    Topology topology_;
    LoadReport report_;
};

}  // namespace vcpusched::testing
