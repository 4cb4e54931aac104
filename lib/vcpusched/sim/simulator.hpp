// A simulated KVM host: the Hypervisor and the Clock for benchmarks and policy tests at scale.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "vcpusched/clock.hpp"
#include "vcpusched/hypervisor.hpp"
#include "vcpusched/sim/demand.hpp"
#include "vcpusched/sim/scenario.hpp"

namespace vcpusched::sim {

// The ground truth of one window of simulated time (between two take_window() calls), which a
// benchmark compares with what the policy believed.
struct VcpuTruth {
    VcpuRef ref;
    CpuSet affinity;
    int pcpu = -1;      // where it ran in the last tick
    double demand = 0;  // mean wanted share of a pCPU while it lived in the window
    double served = 0;  // mean share of work it got done (run time × SMT capacity)
};

struct Window {
    std::chrono::nanoseconds length{0};
    std::vector<double> pcpu_load;  // mean demand placed on each pCPU (may exceed 1), by id
    std::vector<double> pcpu_busy;  // mean run share of each pCPU, by id
    std::vector<VcpuTruth> vcpus;   // every vCPU running at the window's end
    double demand = 0;              // total work wanted, in pCPUs (pCPU-seconds / length)
    double served = 0;              // total work done, in pCPUs
};

struct SimStats {
    std::uint64_t ticks = 0;
    std::uint64_t samples = 0;
    std::uint64_t pins = 0;
    std::uint64_t cross_node_pins = 0;  // pins that moved a vCPU off the NUMA node it ran on
    std::uint64_t pins_in_place = 0;    // pins to the one pCPU the vCPU ran on: nothing moved
    double demand_s = 0;                // pCPU-seconds of work wanted since the start
    double served_s = 0;                // pCPU-seconds of work done
};

class Simulator : public Hypervisor, public Clock {
  public:
    // Validates the scenario; throws Error naming the domain/vCPU at fault.
    explicit Simulator(Scenario scenario);

    HostSample sample() override;
    Topology topology() override { return topology_; }
    void pin(const VcpuRef& vcpu, const CpuSet& cpus) override;
    std::map<int, int> running_on(const std::string& domain_uuid) override;
    std::chrono::nanoseconds now() override { return now_; }

    // Runs simulated time forward in ticks (the last one shorter if needed).
    void advance(std::chrono::nanoseconds duration);
    // The truth since the previous call (or the start), and starts a new window.
    Window take_window();

    const SimStats& stats() const { return stats_; }
    const Scenario& scenario() const { return scenario_; }

  private:
    struct SimVcpu {
        DemandSource source;
        CpuSet affinity;
        std::vector<int> allowed;  // affinity as a list, for the kernel's placement
        int pcpu = -1;
        double work = 0;                           // this tick's demand
        std::chrono::nanoseconds remote_until{0};  // cross-node warm-up ends (see Scenario)
        double run_ns = 0;
        double delay_ns = 0;
        double window_alive_ns = 0;
        double window_demand_ns = 0;
        double window_served_ns = 0;
    };
    struct SimDomain {
        bool active = false;
        std::vector<SimVcpu> vcpus;
    };

    void update_lifecycle();
    void start(std::size_t index);
    void set_affinity(SimVcpu& vcpu, const CpuSet& cpus);
    void tick(std::chrono::nanoseconds length);
    void place_flexible();
    void share_pcpus(double length_ns);

    Scenario scenario_;
    Topology topology_;
    int pcpu_count_ = 0;
    std::chrono::nanoseconds now_{0};
    std::vector<SimDomain> domains_;  // one per DomainSpec, same order
    std::unordered_map<std::string, std::vector<std::size_t>> by_uuid_;
    // Per pCPU: cumulative host times, this tick's placement and the window's sums.
    std::vector<double> pcpu_busy_ns_;
    std::vector<double> pcpu_idle_ns_;
    std::vector<double> last_busy_share_;  // previous tick, for the SMT capacity of siblings
    std::vector<std::vector<SimVcpu*>> on_pcpu_;
    std::vector<double> window_load_ns_;
    std::vector<double> window_busy_ns_;
    std::chrono::nanoseconds window_start_{0};
    double window_demand_ns_ = 0;
    double window_served_ns_ = 0;
    SimStats stats_;
};

}  // namespace vcpusched::sim
