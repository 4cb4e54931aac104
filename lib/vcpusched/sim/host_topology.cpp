// host_topology(): ids, siblings, sockets, nodes and caches of a regular simulated host.
#include "vcpusched/sim/host_topology.hpp"

#include <string>

#include "vcpusched/error.hpp"

namespace vcpusched::sim {

Topology host_topology(const HostSpec& host) {
    auto shape = [&] {
        return std::to_string(host.sockets) + " sockets × " + std::to_string(host.cores) +
               " cores × " + std::to_string(host.threads) + " threads, " +
               std::to_string(host.nodes) + " nodes";
    };
    if (host.sockets < 1 || host.cores < 1 || host.threads < 1 || host.nodes < 1)
        throw Error("sim host: " + shape() + ": every count must be at least 1");
    const int total_cores = host.sockets * host.cores;
    if (host.pcpu_count() > CpuSet::kMaxCpu + 1)
        throw Error("sim host: " + shape() + ": more pCPUs than CpuSet holds");
    // A node holds whole sockets, or a socket holds whole nodes.
    const bool fits = host.nodes >= host.sockets ? host.nodes % host.sockets == 0 &&
                                                       host.cores % (host.nodes / host.sockets) == 0
                                                 : host.sockets % host.nodes == 0;
    if (!fits)
        throw Error("sim host: " + shape() + ": nodes must split sockets or cores evenly");
    const int cores_per_node = total_cores / host.nodes;
    if (host.smt_factor <= 0 || host.smt_factor > 1)
        throw Error("sim host: smt_factor " + std::to_string(host.smt_factor) +
                    " must be in (0, 1]");

    Topology topology;
    topology.pcpus.resize(static_cast<std::size_t>(host.pcpu_count()));
    for (int thread = 0; thread < host.threads; ++thread) {
        for (int socket = 0; socket < host.sockets; ++socket) {
            for (int core = 0; core < host.cores; ++core) {
                const int global_core = socket * host.cores + core;
                Pcpu& p =
                    topology.pcpus[static_cast<std::size_t>(thread * total_cores + global_core)];
                p.id = thread * total_cores + global_core;
                p.socket = socket;
                p.core = core;
                p.node = global_core / cores_per_node;
                p.cache = host.nodes > host.sockets ? p.node : socket;
                for (int t = 0; t < host.threads; ++t)
                    p.siblings.add(t * total_cores + global_core);
            }
        }
    }
    return topology;
}

}  // namespace vcpusched::sim
