// The host's physical CPUs and how they are grouped (SMT core, socket, L3 cache, NUMA node).
#pragma once

#include <string_view>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace vcpusched {

struct Pcpu {
    int id = 0;
    int socket = 0;
    int core = 0;     // unique within its socket
    int node = 0;     // NUMA cell
    int cache = -1;   // L3 cache id, -1 when unknown
    CpuSet siblings;  // SMT siblings, including this CPU
};

struct Topology {
    std::vector<Pcpu> pcpus;  // online pCPUs, sorted by id

    CpuSet online() const;
    const Pcpu* find(int id) const;

    // A flat host of n pCPUs (one socket, one node, no SMT): for tests and fallbacks.
    static Topology flat(int n);
    // Parses libvirt's capabilities XML (<host><topology><cells>…); throws Error on bad XML.
    static Topology from_capabilities_xml(std::string_view xml);
};

}  // namespace vcpusched
