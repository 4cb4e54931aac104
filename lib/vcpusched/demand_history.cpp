// DemandHistory: what measure() carries from one cycle to the next (smoothed and unstarved demand).
#include "vcpusched/measure.hpp"

namespace vcpusched {

const DemandHistory::Entry* DemandHistory::find(const VcpuRef& v) const {
    auto it = entries_.find({v.domain_uuid, v.vcpu});
    return it == entries_.end() ? nullptr : &it->second;
}

void DemandHistory::update(const LoadReport& report) {
    std::map<std::pair<std::string, int>, Entry> next;
    for (const auto& v : report.vcpus) {
        std::pair<std::string, int> key{v.ref.domain_uuid, v.ref.vcpu};
        const Entry* old = find(v.ref);
        if (v.fresh) {
            // A guess is no measurement: keep what we knew, learn nothing new.
            if (old)
                next[key] = *old;
            continue;
        }
        Entry e;
        e.smoothed = v.demand;
        e.uncertain = v.uncertain;
        e.unstarved = v.starved ? (old ? old->unstarved : -1) : v.demand;
        next[key] = e;
    }
    entries_ = std::move(next);
}

}  // namespace vcpusched
