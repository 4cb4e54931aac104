// The working assignment a policy edits: where each vCPU sits, per-pCPU load, the moves so far.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "vcpusched/load_report.hpp"
#include "vcpusched/pcpu_index.hpp"
#include "vcpusched/plan.hpp"
#include "vcpusched/policy_config.hpp"
#include "vcpusched/slot_topology.hpp"
#include "vcpusched/spread_tracker.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched {

// A vCPU as the policies see it.
struct PlacedVcpu {
    std::size_t report_index = 0;  // into LoadReport::vcpus
    int slot = -1;                 // pCPU slot it sits on; -1 = unplaced or on an offline pCPU
    double demand = 0;
    double low = 0;            // lower bound of demand (its run share when the demand is a guess)
    bool managed = false;      // its domain is under our control
    bool movable = false;      // managed, placed on a target pCPU, not cooling down
    bool needs_place = false;  // managed but not on a target pCPU (unplaced, reserved, offline)
    bool moved = false;        // already moved by this plan
    bool lifted = false;       // its load is counted nowhere until put() (mid-move)
    int home = -1;  // node group holding most of its domain's placed vCPUs (-1 = none/flat)
};

class Placement {
  public:
    Placement(const LoadReport& report, const Topology& topology, const PolicyConfig& policy,
              const MoveHistory& history);

    std::size_t slots() const { return ids_.size(); }
    int id(int slot) const { return ids_[static_cast<std::size_t>(slot)]; }
    // The slot of pCPU `id`, -1 when it is not online.
    int slot_of(int id) const { return index_(id); }
    double load(int slot) const { return loads_[static_cast<std::size_t>(slot)]; }
    // How much of a slot's load is guesswork: Σ (demand − low) of its vCPUs.
    double guessed(int slot) const { return guessed_[static_cast<std::size_t>(slot)]; }
    // The host shows no idle time on the slot's pCPU (measured, /proc/stat).
    bool saturated(int slot) const {
        return report_.pcpus[static_cast<std::size_t>(slot)].saturated;
    }
    // Target slots (online ∩ allowed − reserved), in pCPU id order.
    const std::vector<int>& targets() const { return targets_; }
    bool is_target(int slot) const { return is_target_[static_cast<std::size_t>(slot)]; }
    std::vector<PlacedVcpu>& vcpus() { return vcpus_; }
    const std::vector<PlacedVcpu>& vcpus() const { return vcpus_; }
    const VcpuLoad& report_vcpu(std::size_t v) const {
        return report_.vcpus[vcpus_[v].report_index];
    }
    // Spread over the target pCPUs, in points; what the balance policy minimises.
    double spread() const { return spread_.spread(); }
    // The spread with every guessed demand taken at its low end (its run share): what the
    // host shows for sure. Differs from spread() only where starved vCPUs' demands are guesses.
    double measured_spread() const;
    const SpreadTracker& tracker() const { return spread_; }
    std::size_t moves() const { return moves_.size(); }
    const SlotTopology& topo() const { return topo_; }
    // Σ busy share (load capped at one pCPU) of the slot's SMT siblings: how busy the rest of
    // its core is.
    double sibling_load(int slot) const {
        double sum = 0;
        for (int s : topo_.siblings(slot))
            sum += std::min(1.0, std::max(0.0, loads_[static_cast<std::size_t>(s)]));
        return sum;
    }
    // Points a move of vCPU v to slot `to` must gain on top of min_gain for the locality it
    // gives up: its cache, its node, and its domain's node.
    double locality_cost(std::size_t v, int to) const;
    // Points a move from slot a to slot b must gain for leaving a's cache and node: the
    // policy's cross_cache_gain and cross_node_gain, less by how much a's group is busier on
    // average than b's (never below 0). When the nodes themselves are out of balance only a
    // crossing evens them out, and that is not a small gain; when they are even the full price
    // applies, and a crossing toward the busier group pays the difference on top.
    double crossing_cost(int a, int b) const;
    // The same for leaving node group `from` for node group `to`.
    double node_cost(int from, int to) const;
    // Mean load of the target pCPUs of a node or cache group, guessed demands at their low end:
    // the discount a crossing gets for evening out the groups must rest on what is sure. Read
    // high, the guesses on a saturated start made whole nodes look overloaded, and vCPUs
    // crossed to nodes where, running remote, they starved (bench numa-four-nodes).
    double node_mean(int node) const { return group_mean(node_load_, node_targets_, node); }
    double cache_mean(int cache) const { return group_mean(cache_load_, cache_targets_, cache); }
    double initial_spread() const { return initial_spread_; }
    // Changes whenever the slot's load or one of its siblings' changes: what a move to or from
    // it was priced on is stale.
    unsigned version(int slot) const { return version_[static_cast<std::size_t>(slot)]; }
    // Changes whenever a move crosses a node or cache: the groups' means, and so every
    // crossing's price, changed.
    unsigned crossings() const { return crossings_; }
    // True when the previous cycle moved a vCPU: a rebalance is under way.
    bool rebalancing() const { return rebalancing_; }

    // Moves vCPU v (an index into vcpus()) to target slot `to`, updating loads and the spread.
    void move(std::size_t v, int to) {
        const int from = vcpus_[v].slot;
        lift(v);
        put(v, to);
        if (from >= 0 && topo_.active() &&
            (topo_.node(from) != topo_.node(to) || topo_.cache(from) != topo_.cache(to)))
            ++crossings_;
    }
    // Takes v's load off wherever it counts now (its pCPU, or its affinity when unplaced).
    void lift(std::size_t v) { lift(std::vector<std::size_t>{v}); }
    // The same for many; cheaper than one by one when many unplaced vCPUs share an affinity.
    void lift(const std::vector<std::size_t>& vs);
    // Puts a lifted v on target slot `to` and records the move.
    void put(std::size_t v, int to);
    Plan finish(std::string reason) const;

  private:
    static double group_mean(const std::vector<double>& load, const std::vector<int>& targets,
                             int group) {
        const auto g = static_cast<std::size_t>(group);
        return targets[g] ? load[g] / targets[g] : 0;
    }
    void change_load(int slot, double delta);
    // Changes the guessed part of the slot's load (after change_load for the whole).
    void change_guessed(int slot, double delta);
    // Adds sign × demand of unplaced vCPUs evenly over their affinity, one pass per run of
    // equal affinities (usually they all share one) rather than one per vCPU.
    void spread_unplaced(const std::vector<std::size_t>& vs, double sign);
    void find_homes();

    const LoadReport& report_;
    CpuSet online_;
    std::vector<int> ids_;
    PcpuIndex index_;
    SlotTopology topo_;
    std::vector<double> loads_;
    std::vector<double> initial_loads_;
    std::vector<double> guessed_;
    // Per node and cache group: Σ load (guesses at their low end) and number of target pCPUs.
    std::vector<double> node_load_;
    std::vector<double> cache_load_;
    std::vector<int> node_targets_;
    std::vector<int> cache_targets_;
    std::vector<unsigned> version_;
    unsigned crossings_ = 0;
    std::vector<bool> is_target_;
    std::vector<int> targets_;
    std::vector<PlacedVcpu> vcpus_;
    SpreadTracker spread_;
    double initial_spread_ = 0;
    bool rebalancing_ = false;
    std::vector<Move> moves_;
};

}  // namespace vcpusched
