// Builds the Topology of a simulated host from sockets × cores × threads and NUMA nodes.
#pragma once

#include "vcpusched/sim/scenario.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched::sim {

// pCPU ids follow Linux on x86: all first threads (socket by socket), then all second threads,
// so the siblings of pCPU i are i + k × (sockets × cores). L3 cache is per socket, or per node
// when a socket holds several nodes. Throws Error on a shape that does not add up.
Topology host_topology(const HostSpec& host);

}  // namespace vcpusched::sim
