// ManualPins: an affinity that moved without our pin is someone else's decision.
#include "vcpusched/manual_pins.hpp"

#include "vcpusched/domain_runs.hpp"

namespace vcpusched {

std::vector<ManualPin> ManualPins::observe(const HostSample& sample) {
    const std::set<std::string> running = uuids(sample);
    std::erase_if(domains_, [&](const auto& d) { return !running.contains(d.first); });
    std::vector<ManualPin> found;
    for (const auto& d : sample.domains) {
        auto& known = domains_[d.uuid];
        std::map<int, Entry> next;
        for (const auto& v : d.vcpus) {
            auto it = known.find(v.id);
            Entry e = it != known.end() ? it->second : Entry{};
            // An empty affinity is "unknown" (a read failed): not evidence of anything.
            if (!v.affinity.empty()) {
                if (!e.expected.empty() && !(e.expected == v.affinity) && !e.manual) {
                    e.manual = true;
                    found.push_back({VcpuRef{d.uuid, d.name, v.id}, e.expected, v.affinity});
                }
                e.expected = v.affinity;
            }
            next[v.id] = e;  // an unplugged vCPU is dropped; plugged back, it starts afresh
        }
        known = std::move(next);
    }
    return found;
}

void ManualPins::pinned(const VcpuRef& vcpu, const CpuSet& cpus) {
    auto d = domains_.find(vcpu.domain_uuid);
    if (d == domains_.end())
        return;
    auto v = d->second.find(vcpu.vcpu);
    if (v != d->second.end())
        v->second.expected = cpus;
}

bool ManualPins::manual(const VcpuRef& vcpu) const {
    auto d = domains_.find(vcpu.domain_uuid);
    if (d == domains_.end())
        return false;
    auto v = d->second.find(vcpu.vcpu);
    return v != d->second.end() && v->second.manual;
}

}  // namespace vcpusched
