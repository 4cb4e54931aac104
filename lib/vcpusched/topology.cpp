// Topology lookups and the flat fallback; the capabilities XML parser is in topology_xml.cpp.
#include "vcpusched/topology.hpp"

#include <algorithm>

namespace vcpusched {

CpuSet Topology::online() const {
    CpuSet set;
    for (const auto& p : pcpus)
        set.add(p.id);
    return set;
}

const Pcpu* Topology::find(int id) const {
    auto it = std::lower_bound(pcpus.begin(), pcpus.end(), id,
                               [](const Pcpu& p, int value) { return p.id < value; });
    return it != pcpus.end() && it->id == id ? &*it : nullptr;
}

Topology Topology::flat(int n) {
    Topology t;
    for (int i = 0; i < n; ++i) {
        Pcpu p;
        p.id = i;
        p.core = i;
        p.siblings = CpuSet{i};
        t.pcpus.push_back(p);
    }
    return t;
}

}  // namespace vcpusched
