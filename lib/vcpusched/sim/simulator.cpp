// Simulator: per tick, demand from profiles, the kernel's placement, fair sharing, counters.
#include "vcpusched/sim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "vcpusched/error.hpp"
#include "vcpusched/sim/host_topology.hpp"
#include "vcpusched/sim/water_fill.hpp"

namespace vcpusched::sim {

namespace {

std::string seconds(std::chrono::nanoseconds t) {
    return std::to_string(static_cast<double>(t.count()) / 1e9) + " s";
}

std::uint64_t quantize(double ns, std::chrono::nanoseconds quantum) {
    auto q = static_cast<double>(quantum.count());
    // The epsilon keeps 20 × 100 ms summed in floating point from reading as 1.999… s.
    return static_cast<std::uint64_t>(std::floor(ns / q + 1e-6)) *
           static_cast<std::uint64_t>(quantum.count());
}

void validate(const Scenario& s, const CpuSet& online) {
    if (s.tick.count() <= 0)
        throw Error("sim scenario: tick must be positive");
    if (s.time_quantum.count() <= 0 || s.delay_quantum.count() <= 0 || s.pcpu_quantum.count() <= 0)
        throw Error("sim scenario: quanta must be positive");
    if (s.contention_delay < 0 || s.kernel_stickiness < 0)
        throw Error("sim scenario: contention_delay and kernel_stickiness must not be negative");
    if (s.cross_node_penalty < 0 || s.cross_node_penalty >= 1 || s.cross_node_warmup.count() < 0)
        throw Error(
            "sim scenario: cross_node_penalty must be in [0, 1) and the warm-up not negative");
    for (const auto& d : s.domains) {
        const std::string where = "sim domain \"" + d.name + "\"";
        if (d.name.empty() || d.uuid.empty())
            throw Error(where + ": needs a name and a uuid");
        if (d.vcpus.empty())
            throw Error(where + ": has no vCPUs");
        if (d.start.count() < 0)
            throw Error(where + ": start " + seconds(d.start) + " is negative");
        if (d.stop && *d.stop <= d.start)
            throw Error(where + ": stop " + seconds(*d.stop) + " is not after start " +
                        seconds(d.start));
        for (std::size_t j = 0; j < d.vcpus.size(); ++j) {
            const std::string vwhere = where + " vCPU " + std::to_string(j);
            validate(d.vcpus[j].demand, vwhere);
            if (!(d.vcpus[j].affinity - online).empty())
                throw Error(vwhere + ": affinity " + d.vcpus[j].affinity.format() +
                            " names pCPUs the host lacks (host has " + online.format() + ")");
        }
    }
    // The same uuid twice is a restart: its lifetimes must not overlap.
    for (std::size_t a = 0; a < s.domains.size(); ++a) {
        for (std::size_t b = a + 1; b < s.domains.size(); ++b) {
            const auto& x = s.domains[a];
            const auto& y = s.domains[b];
            if (x.uuid != y.uuid)
                continue;
            bool x_first = !x.stop || x.start <= y.start;
            const auto& first = x_first ? x : y;
            const auto& second = x_first ? y : x;
            if (!first.stop || *first.stop > second.start)
                throw Error("sim domain \"" + y.name + "\": uuid " + y.uuid +
                            " is already running at " + seconds(second.start));
        }
    }
}

}  // namespace

Simulator::Simulator(Scenario scenario)
    : scenario_(std::move(scenario)), topology_(host_topology(scenario_.host)) {
    validate(scenario_, topology_.online());
    pcpu_count_ = static_cast<int>(topology_.pcpus.size());
    auto n = static_cast<std::size_t>(pcpu_count_);
    pcpu_busy_ns_.assign(n, 0);
    pcpu_idle_ns_.assign(n, 0);
    last_busy_share_.assign(n, 0);
    on_pcpu_.resize(n);
    window_load_ns_.assign(n, 0);
    window_busy_ns_.assign(n, 0);
    domains_.resize(scenario_.domains.size());
    for (std::size_t i = 0; i < scenario_.domains.size(); ++i)
        by_uuid_[scenario_.domains[i].uuid].push_back(i);
}

void Simulator::start(std::size_t index) {
    const DomainSpec& spec = scenario_.domains[index];
    SimDomain& d = domains_[index];
    d.active = true;
    d.vcpus.clear();
    d.vcpus.reserve(spec.vcpus.size());
    for (std::size_t j = 0; j < spec.vcpus.size(); ++j) {
        d.vcpus.push_back(SimVcpu{
            DemandSource(spec.vcpus[j].demand, derive_seed(scenario_.seed, index, j)), {}, {}});
        set_affinity(d.vcpus.back(), spec.vcpus[j].affinity);
    }
}

void Simulator::set_affinity(SimVcpu& vcpu, const CpuSet& cpus) {
    vcpu.affinity = cpus.empty() ? topology_.online() : cpus;
    vcpu.allowed = vcpu.affinity.cpus();
}

void Simulator::update_lifecycle() {
    for (std::size_t i = 0; i < domains_.size(); ++i) {
        const DomainSpec& spec = scenario_.domains[i];
        bool alive = spec.start <= now_ && (!spec.stop || now_ < *spec.stop);
        if (alive && !domains_[i].active) {
            start(i);
        } else if (!alive && domains_[i].active) {
            domains_[i].active = false;
            // Released, not just cleared: a long run with churn would otherwise hold the
            // vCPUs (each with its random generator) of every domain that ever ran.
            std::vector<SimVcpu>().swap(domains_[i].vcpus);
        }
    }
}

void Simulator::advance(std::chrono::nanoseconds duration) {
    while (duration.count() > 0) {
        auto length = std::min(duration, scenario_.tick);
        tick(length);
        duration -= length;
    }
}

void Simulator::tick(std::chrono::nanoseconds length) {
    update_lifecycle();
    for (auto& list : on_pcpu_)
        list.clear();
    for (auto& d : domains_) {
        if (!d.active)
            continue;
        for (auto& v : d.vcpus) {
            v.work = v.source.next(now_);
            if (v.allowed.size() == 1) {
                v.pcpu = v.allowed.front();
                on_pcpu_[static_cast<std::size_t>(v.pcpu)].push_back(&v);
            }
        }
    }
    place_flexible();
    share_pcpus(static_cast<double>(length.count()));
    now_ += length;
    ++stats_.ticks;
}

// What CFS's load balancing amounts to at this time scale: each vCPU allowed on several pCPUs
// runs on the least loaded of them, biggest first, and stays put unless that gains enough.
void Simulator::place_flexible() {
    std::vector<double> load(static_cast<std::size_t>(pcpu_count_), 0.0);
    std::vector<SimVcpu*> flexible;
    for (int p = 0; p < pcpu_count_; ++p)
        for (const SimVcpu* v : on_pcpu_[static_cast<std::size_t>(p)])
            load[static_cast<std::size_t>(p)] += v->work;
    for (auto& d : domains_)
        if (d.active)
            for (auto& v : d.vcpus)
                if (v.allowed.size() > 1)
                    flexible.push_back(&v);
    std::stable_sort(flexible.begin(), flexible.end(),
                     [](const SimVcpu* a, const SimVcpu* b) { return a->work > b->work; });
    for (SimVcpu* v : flexible) {
        int best = v->allowed.front();
        for (int p : v->allowed)
            if (load[static_cast<std::size_t>(p)] < load[static_cast<std::size_t>(best)])
                best = p;
        if (v->pcpu >= 0 && v->affinity.contains(v->pcpu) &&
            load[static_cast<std::size_t>(v->pcpu)] <=
                load[static_cast<std::size_t>(best)] + scenario_.kernel_stickiness)
            best = v->pcpu;
        v->pcpu = best;
        load[static_cast<std::size_t>(best)] += v->work;
        on_pcpu_[static_cast<std::size_t>(best)].push_back(v);
    }
}

void Simulator::share_pcpus(double length_ns) {
    const double smt_loss = 1.0 - scenario_.host.smt_factor;
    std::vector<double> busy_share(static_cast<std::size_t>(pcpu_count_), 0.0);
    std::vector<double> wants;
    for (int p = 0; p < pcpu_count_; ++p) {
        const auto pi = static_cast<std::size_t>(p);
        // A thread does less work while its sibling runs; last tick's sibling load stands in
        // for this tick's, which keeps the sharing a single pass.
        double capacity = 1.0;
        if (smt_loss > 0) {
            double sibling_busy = 0;
            for (int s : topology_.pcpus[pi].siblings.cpus())
                if (s != p)
                    sibling_busy =
                        std::max(sibling_busy, last_busy_share_[static_cast<std::size_t>(s)]);
            capacity = 1.0 - smt_loss * sibling_busy;
        }
        const auto& here = on_pcpu_[pi];
        wants.clear();
        double work_here = 0;
        auto pace = [&](const SimVcpu* v) {
            return now_ < v->remote_until ? capacity * (1.0 - scenario_.cross_node_penalty)
                                          : capacity;
        };
        for (const SimVcpu* v : here) {
            wants.push_back(std::min(1.0, v->work / pace(v)));
            work_here += v->work;
        }
        std::vector<double> runs = water_fill(wants, 1.0);
        double busy = 0;
        for (double r : runs)
            busy += r;
        for (std::size_t i = 0; i < here.size(); ++i) {
            SimVcpu& v = *here[i];
            double run = runs[i];
            bool starved = run < wants[i] - 1e-12;
            double delay =
                starved ? 1.0 - run
                        : std::min(1.0 - run, run * (busy - run) * scenario_.contention_delay);
            double served = std::min(v.work, run * pace(&v));
            v.run_ns += run * length_ns;
            v.delay_ns += delay * length_ns;
            v.window_alive_ns += length_ns;
            v.window_demand_ns += v.work * length_ns;
            v.window_served_ns += served * length_ns;
            window_served_ns_ += served * length_ns;
            stats_.served_s += served * length_ns / 1e9;
        }
        busy = std::min(busy, 1.0);
        busy_share[pi] = busy;
        pcpu_busy_ns_[pi] += busy * length_ns;
        pcpu_idle_ns_[pi] += (1.0 - busy) * length_ns;
        window_load_ns_[pi] += work_here * length_ns;
        window_busy_ns_[pi] += busy * length_ns;
        window_demand_ns_ += work_here * length_ns;
        stats_.demand_s += work_here * length_ns / 1e9;
    }
    last_busy_share_ = std::move(busy_share);
}

HostSample Simulator::sample() {
    update_lifecycle();  // a domain starting now is already there, with zero counters
    ++stats_.samples;
    HostSample s;
    s.taken_at = now_;
    for (std::size_t i = 0; i < domains_.size(); ++i) {
        const SimDomain& d = domains_[i];
        if (!d.active)
            continue;
        const DomainSpec& spec = scenario_.domains[i];
        DomainSample ds;
        ds.name = spec.name;
        ds.uuid = spec.uuid;
        ds.vcpus.reserve(d.vcpus.size());
        for (std::size_t j = 0; j < d.vcpus.size(); ++j) {
            const SimVcpu& v = d.vcpus[j];
            VcpuSample vs;
            vs.id = static_cast<int>(j);
            vs.state = VcpuState::Running;
            vs.time_ns = quantize(v.run_ns, scenario_.time_quantum);
            vs.delay_ns = quantize(v.delay_ns, scenario_.delay_quantum);
            vs.has_delay = true;
            vs.affinity = v.affinity;
            ds.vcpus.push_back(std::move(vs));
        }
        s.domains.push_back(std::move(ds));
    }
    s.pcpus.reserve(static_cast<std::size_t>(pcpu_count_));
    for (int p = 0; p < pcpu_count_; ++p) {
        const auto pi = static_cast<std::size_t>(p);
        s.pcpus.push_back(PcpuTimes{p, quantize(pcpu_busy_ns_[pi], scenario_.pcpu_quantum),
                                    quantize(pcpu_idle_ns_[pi], scenario_.pcpu_quantum)});
    }
    return s;
}

void Simulator::pin(const VcpuRef& ref, const CpuSet& cpus) {
    update_lifecycle();
    const std::string where = "sim: pin " + ref.domain_name + " (" + ref.domain_uuid + ") vCPU " +
                              std::to_string(ref.vcpu);
    SimDomain* domain = nullptr;
    if (auto it = by_uuid_.find(ref.domain_uuid); it != by_uuid_.end())
        for (std::size_t i : it->second)
            if (domains_[i].active)
                domain = &domains_[i];
    if (!domain)
        throw HypervisorError(HypervisorErrorKind::DomainGone, where + ": domain is not running");
    if (ref.vcpu < 0 || static_cast<std::size_t>(ref.vcpu) >= domain->vcpus.size())
        throw HypervisorError(HypervisorErrorKind::Other, where + ": no such vCPU");
    if (cpus.empty() || !(cpus - topology_.online()).empty())
        throw HypervisorError(HypervisorErrorKind::Other, where + ": cpuset \"" + cpus.format() +
                                                              "\" is not within " +
                                                              topology_.online().format());
    SimVcpu& v = domain->vcpus[static_cast<std::size_t>(ref.vcpu)];
    ++stats_.pins;
    if (cpus.count() == 1 && cpus.first() == v.pcpu)
        ++stats_.pins_in_place;
    if (v.pcpu >= 0 && cpus != v.affinity) {
        const int node = topology_.pcpus[static_cast<std::size_t>(v.pcpu)].node;
        bool same_node = false;
        for (int c : cpus.cpus())
            same_node = same_node || topology_.pcpus[static_cast<std::size_t>(c)].node == node;
        if (!same_node) {
            ++stats_.cross_node_pins;
            v.remote_until = now_ + scenario_.cross_node_warmup;
        }
    }
    set_affinity(v, cpus);
}

std::map<int, int> Simulator::running_on(const std::string& domain_uuid) {
    update_lifecycle();
    std::map<int, int> where;
    bool running = false;
    if (auto it = by_uuid_.find(domain_uuid); it != by_uuid_.end())
        for (std::size_t i : it->second) {
            if (!domains_[i].active)
                continue;
            running = true;
            for (std::size_t v = 0; v < domains_[i].vcpus.size(); ++v)
                if (domains_[i].vcpus[v].pcpu >= 0)
                    where[static_cast<int>(v)] = domains_[i].vcpus[v].pcpu;
        }
    if (!running)
        throw HypervisorError(HypervisorErrorKind::DomainGone,
                              "sim: vCPUs of " + domain_uuid + ": domain is not running");
    return where;
}

Window Simulator::take_window() {
    Window w;
    w.length = now_ - window_start_;
    const double length_ns = static_cast<double>(w.length.count());
    auto mean = [&](double ns) { return length_ns > 0 ? ns / length_ns : 0.0; };
    for (int p = 0; p < pcpu_count_; ++p) {
        const auto pi = static_cast<std::size_t>(p);
        w.pcpu_load.push_back(mean(window_load_ns_[pi]));
        w.pcpu_busy.push_back(mean(window_busy_ns_[pi]));
        window_load_ns_[pi] = 0;
        window_busy_ns_[pi] = 0;
    }
    w.demand = mean(window_demand_ns_);
    w.served = mean(window_served_ns_);
    window_demand_ns_ = 0;
    window_served_ns_ = 0;
    for (std::size_t i = 0; i < domains_.size(); ++i) {
        SimDomain& d = domains_[i];
        if (!d.active)
            continue;
        const DomainSpec& spec = scenario_.domains[i];
        for (std::size_t j = 0; j < d.vcpus.size(); ++j) {
            SimVcpu& v = d.vcpus[j];
            VcpuTruth t;
            t.ref = VcpuRef{spec.uuid, spec.name, static_cast<int>(j)};
            t.affinity = v.affinity;
            t.pcpu = v.pcpu;
            if (v.window_alive_ns > 0) {
                t.demand = v.window_demand_ns / v.window_alive_ns;
                t.served = v.window_served_ns / v.window_alive_ns;
            }
            v.window_alive_ns = v.window_demand_ns = v.window_served_ns = 0;
            w.vcpus.push_back(std::move(t));
        }
    }
    window_start_ = now_;
    return w;
}

}  // namespace vcpusched::sim
