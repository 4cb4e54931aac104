// The host's shape per Placement slot: SMT sibling slots, dense node and cache group numbers.
#pragma once

#include <cstddef>
#include <vector>

#include "vcpusched/policy_config.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched {

class SlotTopology {
  public:
    SlotTopology() = default;
    // `ids` are the slots' pCPU ids; a pCPU the topology does not know is its own core, node 0.
    SlotTopology(const std::vector<int>& ids, const Topology& topology,
                 const TopologyPolicy& policy);

    // False when topology is switched off or the host is flat (no SMT, one node, one cache):
    // then the policies behave exactly as without topology.
    bool active() const { return active_; }
    bool smt() const { return smt_; }
    const TopologyPolicy& policy() const { return policy_; }
    int node(int slot) const { return node_[static_cast<std::size_t>(slot)]; }
    int cache(int slot) const { return cache_[static_cast<std::size_t>(slot)]; }
    int nodes() const { return nodes_; }
    int caches() const { return caches_; }
    // The other SMT threads of the slot's core (not the slot itself).
    const std::vector<int>& siblings(int slot) const {
        return siblings_[static_cast<std::size_t>(slot)];
    }
    bool are_siblings(int a, int b) const;
    // Points a move from slot a to slot b must gain on top of min_gain (0 when inactive).
    double crossing_cost(int a, int b) const;

  private:
    TopologyPolicy policy_;
    bool active_ = false;
    bool smt_ = false;
    int nodes_ = 1;
    int caches_ = 1;
    std::vector<int> node_;
    std::vector<int> cache_;
    std::vector<std::vector<int>> siblings_;
};

}  // namespace vcpusched
