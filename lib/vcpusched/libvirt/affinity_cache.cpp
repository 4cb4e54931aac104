// The affinity cache's bookkeeping: own pins, their echoes, and re-pins by others.
#include "vcpusched/libvirt/affinity_cache.hpp"

#include <algorithm>
#include <utility>

namespace vcpusched::libvirt {

bool AffinityCache::knows(const std::string& uuid, int domain_id,
                          const std::vector<int>& vcpus) const {
    auto it = domains_.find(uuid);
    if (it == domains_.end() || it->second.domain_id != domain_id)
        return false;
    if (!it->second.listed.empty() && it->second.listed == vcpus)
        return true;
    return std::all_of(vcpus.begin(), vcpus.end(),
                       [&](int v) { return it->second.vcpus.contains(v); });
}

void AffinityCache::read(const std::string& uuid, const std::string& name, int domain_id,
                         const std::vector<CpuSet>& by_vcpu, std::uint64_t sample,
                         const std::vector<int>& listed) {
    auto it = domains_.find(uuid);
    bool fresh = it == domains_.end() || it->second.domain_id != domain_id;
    if (fresh) {
        Domain d;
        d.domain_id = domain_id;
        it = domains_.insert_or_assign(uuid, std::move(d)).first;
    }
    Domain& d = it->second;
    d.name = name;
    d.last_read = sample;
    d.listed = listed;
    std::map<int, Entry> now;
    for (std::size_t i = 0; i < by_vcpu.size(); ++i) {
        if (by_vcpu[i].empty())
            continue;
        int vcpu = static_cast<int>(i);
        Entry e;
        e.cpus = by_vcpu[i];
        auto old = d.vcpus.find(vcpu);
        // A read is the truth: our pins are synchronous, so a difference is someone else's.
        if (!fresh && old != d.vcpus.end() && old->second.cpus != e.cpus)
            external(uuid, d, vcpu);
        now.emplace(vcpu, std::move(e));
    }
    d.vcpus = std::move(now);
}

void AffinityCache::pinned(const std::string& uuid, int vcpu, const CpuSet& cpus) {
    auto it = domains_.find(uuid);
    if (it == domains_.end())
        return;
    Entry& e = it->second.vcpus[vcpu];
    e.cpus = cpus;
    e.own_pending.push_back(cpus);
    if (e.own_pending.size() > kMaxPending)
        e.own_pending.pop_front();
}

void AffinityCache::observed(const std::string& uuid, int domain_id, int vcpu, const CpuSet& cpus) {
    auto it = domains_.find(uuid);
    if (it == domains_.end() || it->second.domain_id != domain_id)
        return;  // not seen yet, or restarted: the next sample reads it in full
    Domain& d = it->second;
    auto entry = d.vcpus.find(vcpu);
    if (entry == d.vcpus.end()) {
        d.vcpus[vcpu].cpus = cpus;  // hot-plugged: its starting placement
        return;
    }
    Entry& e = entry->second;
    auto echo = std::find(e.own_pending.begin(), e.own_pending.end(), cpus);
    if (echo != e.own_pending.end()) {
        // The echo of one of our pins; any older pending ones were superseded.
        e.own_pending.erase(e.own_pending.begin(), echo + 1);
        return;
    }
    if (e.cpus == cpus)
        return;
    e.cpus = cpus;
    e.own_pending.clear();
    external(uuid, d, vcpu);
}

CpuSet AffinityCache::affinity(const std::string& uuid, int vcpu) const {
    auto it = domains_.find(uuid);
    if (it == domains_.end())
        return {};
    auto e = it->second.vcpus.find(vcpu);
    return e == it->second.vcpus.end() ? CpuSet{} : e->second.cpus;
}

std::vector<std::string> AffinityCache::due(std::uint64_t sample, std::uint64_t every,
                                            std::size_t limit) const {
    std::vector<std::pair<std::uint64_t, std::string>> candidates;
    for (const auto& [uuid, d] : domains_) {
        if (sample >= d.last_read + every)
            candidates.emplace_back(d.last_read, uuid);
    }
    std::sort(candidates.begin(), candidates.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < candidates.size() && i < limit; ++i)
        out.push_back(candidates[i].second);
    return out;
}

void AffinityCache::keep_only(const std::set<std::string>& running) {
    std::erase_if(domains_, [&](const auto& item) { return !running.contains(item.first); });
}

void AffinityCache::clear() {
    domains_.clear();
    external_.clear();
}

std::vector<VcpuRef> AffinityCache::take_external_repins() {
    return std::exchange(external_, {});
}

void AffinityCache::external(const std::string& uuid, const Domain& domain, int vcpu) {
    VcpuRef ref{uuid, domain.name, vcpu};
    if (std::find(external_.begin(), external_.end(), ref) == external_.end())
        external_.push_back(std::move(ref));
}

}  // namespace vcpusched::libvirt
