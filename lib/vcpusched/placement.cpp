// Placement: builds the policies' working state from a LoadReport and turns it into a Plan.
#include "vcpusched/placement.hpp"

#include <algorithm>

#include "vcpusched/policy.hpp"

namespace vcpusched {

namespace {

// The mean demand of the vCPUs that were measured.
double typical_demand(const LoadReport& report) {
    double sum = 0;
    std::size_t n = 0;
    for (const auto& v : report.vcpus) {
        if (!v.fresh) {
            sum += v.demand;
            ++n;
        }
    }
    return n ? sum / static_cast<double>(n) : 0;
}

}  // namespace

Placement::Placement(const LoadReport& report, const Topology& topology, const PolicyConfig& policy,
                     const MoveHistory& history)
    : report_(report), online_(topology.online()) {
    for (const auto& p : report.pcpus)
        ids_.push_back(p.id);
    index_ = PcpuIndex(ids_);
    topo_ = SlotTopology(ids_, topology, policy.topology);
    loads_.assign(ids_.size(), 0);
    guessed_.assign(ids_.size(), 0);
    version_.assign(ids_.size(), 0);
    const CpuSet targets = target_pcpus(topology, policy);
    for (std::size_t s = 0; s < ids_.size(); ++s) {
        is_target_.push_back(targets.contains(ids_[s]));
        if (is_target_.back())
            targets_.push_back(static_cast<int>(s));
    }

    // Loads are recomputed from the vCPUs so that the plan's arithmetic is its own.
    const std::string* last_name = nullptr;
    bool last_managed = false;
    const double nominal = typical_demand(report);
    vcpus_.reserve(report.vcpus.size());
    std::vector<std::size_t> unplaced;
    for (std::size_t i = 0; i < report.vcpus.size(); ++i) {
        const VcpuLoad& v = report.vcpus[i];
        PlacedVcpu p;
        p.report_index = i;
        p.demand = v.demand;
        p.low = v.uncertain ? std::min(v.run, v.demand) : v.demand;
        if (v.fresh && v.demand == 0) {
            // Never measured: assume a typical vCPU, but only as a guess, so that a new VM's
            // vCPUs are not all placed on the same idle pCPU and no move relies on it.
            p.demand = nominal;
            p.low = 0;
        }
        if (!last_name || *last_name != v.ref.domain_name) {
            last_name = &v.ref.domain_name;
            last_managed = domain_managed(v.ref.domain_name, policy);
        }
        p.managed = last_managed && !v.held;
        p.slot = v.pcpu >= 0 ? index_(v.pcpu) : -1;
        bool on_target = p.slot >= 0 && is_target_[static_cast<std::size_t>(p.slot)];
        p.needs_place = p.managed && !on_target;
        p.movable = p.managed && on_target && !history.cooling(v.ref, policy.cooldown);
        if (p.slot >= 0) {
            loads_[static_cast<std::size_t>(p.slot)] += p.demand;
            guessed_[static_cast<std::size_t>(p.slot)] += p.demand - p.low;
        } else if (v.pcpu < 0) {
            unplaced.push_back(i);
        }
        vcpus_.push_back(p);
    }
    for (int s : targets_)
        spread_.add(loads_[static_cast<std::size_t>(s)]);
    node_load_.assign(static_cast<std::size_t>(topo_.nodes()), 0);
    cache_load_.assign(static_cast<std::size_t>(topo_.caches()), 0);
    node_targets_.assign(node_load_.size(), 0);
    cache_targets_.assign(cache_load_.size(), 0);
    for (int s : targets_) {
        const auto n = static_cast<std::size_t>(topo_.node(s));
        const auto c = static_cast<std::size_t>(topo_.cache(s));
        const double sure =
            loads_[static_cast<std::size_t>(s)] - guessed_[static_cast<std::size_t>(s)];
        node_load_[n] += sure;
        cache_load_[c] += sure;
        ++node_targets_[n];
        ++cache_targets_[c];
    }
    spread_unplaced(unplaced, 1);
    initial_loads_ = loads_;
    // Moves recorded in the previous cycle mean a rebalance is under way.
    for (const auto& entry : history.last_moved)
        rebalancing_ = rebalancing_ || (history.cycle > 0 && entry.second + 1 == history.cycle);
    initial_spread_ = spread_.spread();
    if (topo_.active() && topo_.nodes() > 1 && policy.topology.keep_domain_on_node)
        find_homes();
}

// A domain's home is the node holding most of its placed vCPUs (ties: the lowest group).
void Placement::find_homes() {
    std::vector<int> count(static_cast<std::size_t>(topo_.nodes()));
    for (std::size_t i = 0; i < vcpus_.size();) {
        const std::string& uuid = report_.vcpus[vcpus_[i].report_index].ref.domain_uuid;
        std::size_t j = i;
        std::fill(count.begin(), count.end(), 0);
        for (; j < vcpus_.size() && report_.vcpus[vcpus_[j].report_index].ref.domain_uuid == uuid;
             ++j)
            if (vcpus_[j].slot >= 0)
                ++count[static_cast<std::size_t>(topo_.node(vcpus_[j].slot))];
        int home = -1;
        for (std::size_t n = 0; n < count.size(); ++n)
            if (count[n] > 0 && (home < 0 || count[n] > count[static_cast<std::size_t>(home)]))
                home = static_cast<int>(n);
        for (std::size_t k = i; k < j; ++k)
            vcpus_[k].home = home;
        i = j;
    }
}

double Placement::locality_cost(std::size_t v, int to) const {
    if (!topo_.active())
        return 0;
    const PlacedVcpu& p = vcpus_[v];
    double cost = p.slot >= 0 ? crossing_cost(p.slot, to) : 0;
    // Leaving the domain's node splits the domain, whatever node the vCPU came from.
    if (p.home >= 0 && topo_.node(to) != p.home && (p.slot < 0 || topo_.node(p.slot) == p.home))
        cost += node_cost(p.home, topo_.node(to));
    return cost;
}

double Placement::crossing_cost(int a, int b) const {
    if (!topo_.active())
        return 0;
    double cost = 0;
    if (topo_.cache(a) != topo_.cache(b))
        cost += std::max(0.0, topo_.policy().cross_cache_gain -
                                  (cache_mean(topo_.cache(a)) - cache_mean(topo_.cache(b))) * 100);
    if (topo_.node(a) != topo_.node(b))
        cost += node_cost(topo_.node(a), topo_.node(b));
    return cost;
}

double Placement::node_cost(int from, int to) const {
    return std::max(0.0, topo_.policy().cross_node_gain - (node_mean(from) - node_mean(to)) * 100);
}

double Placement::measured_spread() const {
    std::vector<double> sure;
    for (int s : targets_)
        sure.push_back(loads_[static_cast<std::size_t>(s)] - guessed_[static_cast<std::size_t>(s)]);
    return spread_points(sure);
}

void Placement::change_load(int slot, double delta) {
    auto s = static_cast<std::size_t>(slot);
    double before = loads_[s];
    loads_[s] += delta;
    ++version_[s];
    for (int t : topo_.siblings(slot))
        ++version_[static_cast<std::size_t>(t)];
    if (is_target_[s]) {
        spread_.change(before, loads_[s]);
        node_load_[static_cast<std::size_t>(topo_.node(slot))] += delta;
        cache_load_[static_cast<std::size_t>(topo_.cache(slot))] += delta;
    }
}

void Placement::change_guessed(int slot, double delta) {
    auto s = static_cast<std::size_t>(slot);
    guessed_[s] += delta;
    if (is_target_[s]) {
        node_load_[static_cast<std::size_t>(topo_.node(slot))] -= delta;
        cache_load_[static_cast<std::size_t>(topo_.cache(slot))] -= delta;
    }
}

void Placement::spread_unplaced(const std::vector<std::size_t>& vs, double sign) {
    for (std::size_t i = 0; i < vs.size();) {
        const VcpuLoad& first = report_.vcpus[vcpus_[vs[i]].report_index];
        double sum = 0;
        std::size_t j = i;
        for (; j < vs.size(); ++j) {
            const PlacedVcpu& p = vcpus_[vs[j]];
            if (!(report_.vcpus[p.report_index].affinity == first.affinity))
                break;
            sum += p.demand;
        }
        CpuSet where = load_pcpus(first, online_);
        double share = sign * sum / static_cast<double>(std::max<std::size_t>(1, where.count()));
        for (int id : where.cpus())
            if (int s = index_(id); s >= 0)
                change_load(s, share);
        i = j;
    }
}

void Placement::lift(const std::vector<std::size_t>& vs) {
    std::vector<std::size_t> unplaced;
    for (std::size_t v : vs) {
        PlacedVcpu& p = vcpus_[v];
        if (p.lifted)
            continue;
        if (p.slot >= 0) {
            change_load(p.slot, -p.demand);
            change_guessed(p.slot, -(p.demand - p.low));
        } else if (report_.vcpus[p.report_index].pcpu < 0) {
            unplaced.push_back(v);
        }
        p.slot = -1;
        p.lifted = true;
    }
    spread_unplaced(unplaced, -1);
}

void Placement::put(std::size_t v, int to) {
    PlacedVcpu& p = vcpus_[v];
    const VcpuLoad& load = report_.vcpus[p.report_index];
    change_load(to, p.demand);
    change_guessed(to, p.demand - p.low);
    moves_.push_back(Move{load.ref, load.pcpu, id(to), p.demand});
    p.slot = to;
    p.lifted = false;
    p.moved = true;
    p.movable = false;
    p.needs_place = false;
}

Plan Placement::finish(std::string reason) const {
    Plan plan;
    plan.moves = moves_;
    plan.pcpu_ids = ids_;
    plan.load_before = initial_loads_;
    plan.load_after = loads_;
    plan.spread_before = initial_spread_;
    std::vector<double> after;
    for (int s : targets_)
        after.push_back(loads_[static_cast<std::size_t>(s)]);
    plan.spread_after = spread_points(after);  // exact, free of the running sums' rounding
    plan.reason = std::move(reason);
    return plan;
}

}  // namespace vcpusched
