// SlotTopology: maps the host's topology onto Placement slots once per plan.
#include "vcpusched/slot_topology.hpp"

#include <algorithm>
#include <map>

#include "vcpusched/pcpu_index.hpp"

namespace vcpusched {

SlotTopology::SlotTopology(const std::vector<int>& ids, const Topology& topology,
                           const TopologyPolicy& policy)
    : policy_(policy) {
    const std::size_t n = ids.size();
    node_.assign(n, 0);
    cache_.assign(n, 0);
    siblings_.resize(n);
    if (!policy.enabled)
        return;
    const PcpuIndex index(ids);
    // Dense group numbers in order of first appearance, so that they index small vectors.
    std::map<int, int> nodes;
    std::map<std::pair<int, int>, int> caches;  // (node or socket, L3 id) when the id is unknown
    for (std::size_t s = 0; s < n; ++s) {
        const Pcpu* p = topology.find(ids[s]);
        const int node = p ? p->node : 0;
        // Without an L3 id, a socket is the best guess of what shares a cache.
        const std::pair<int, int> cache =
            p ? (p->cache >= 0 ? std::pair{-1, p->cache} : std::pair{p->socket, -1})
              : std::pair{0, -1};
        node_[s] = nodes.emplace(node, static_cast<int>(nodes.size())).first->second;
        cache_[s] = caches.emplace(cache, static_cast<int>(caches.size())).first->second;
        if (p)
            for (int id : p->siblings.cpus())
                if (int t = index(id); t >= 0 && id != ids[s])
                    siblings_[s].push_back(t);
        smt_ = smt_ || !siblings_[s].empty();
    }
    nodes_ = static_cast<int>(nodes.size());
    caches_ = static_cast<int>(caches.size());
    active_ = smt_ || nodes_ > 1 || caches_ > 1;
}

bool SlotTopology::are_siblings(int a, int b) const {
    const auto& s = siblings(a);
    return std::find(s.begin(), s.end(), b) != s.end();
}

double SlotTopology::crossing_cost(int a, int b) const {
    if (!active_)
        return 0;
    double cost = 0;
    if (cache(a) != cache(b))
        cost += policy_.cross_cache_gain;
    if (node(a) != node(b))
        cost += policy_.cross_node_gain;
    return cost;
}

}  // namespace vcpusched
