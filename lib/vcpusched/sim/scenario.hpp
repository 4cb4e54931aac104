// What the simulator runs: a host, domains with vCPU demand profiles, and when domains live.
// Plain values: the YAML loader lives in bench/, so the core library stays free of YAML.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace vcpusched::sim {

using std::chrono::nanoseconds;

struct HostSpec {
    int sockets = 1;
    int cores = 4;    // per socket
    int threads = 1;  // SMT threads per core
    int nodes = 1;    // NUMA nodes; must divide sockets × cores evenly
    // Work one SMT thread does per unit of run time while its sibling is busy (1 = no SMT
    // loss; 0.6 is typical). Run time stays time; the vCPU just needs more of it.
    double smt_factor = 1.0;

    int pcpu_count() const { return sockets * cores * threads; }
};

enum class ProfileKind { Constant, Step, Periodic, RandomWalk };

// A vCPU's demand over time, as a share of one pCPU in [0, 1]. Values outside are clamped.
struct DemandProfile {
    ProfileKind kind = ProfileKind::Constant;
    double level = 0;  // constant; before the step; periodic mean; walk start and mean
    double to = 0;     // step: the level from `at` on
    nanoseconds at{0};
    nanoseconds period{0};  // periodic: level + amplitude × sin(2π t / period)
    double amplitude = 0;
    double sigma = 0;   // random walk: std-dev of each tick's step
    double revert = 0;  // random walk: share of the distance to `level` pulled back per tick
    double noise = 0;   // std-dev of independent per-tick noise on top of any kind
};

struct VcpuSpec {
    DemandProfile demand;
    CpuSet affinity;  // at domain start; empty = every pCPU
};

struct DomainSpec {
    std::string name;
    std::string uuid;  // the identity; a restart is a second spec with the same uuid
    std::vector<VcpuSpec> vcpus;
    nanoseconds start{0};
    std::optional<nanoseconds> stop;  // none = runs to the end
};

struct Scenario {
    HostSpec host;
    std::vector<DomainSpec> domains;
    std::uint64_t seed = 1;
    nanoseconds tick{std::chrono::milliseconds(100)};  // demand and sharing are constant per tick
    // libvirt's vcpu.N.time comes from /proc/…/stat in USER_HZ ticks (10 ms); vcpu.N.delay from
    // schedstat in ns; /proc/stat pCPU times in USER_HZ ticks.
    nanoseconds time_quantum{std::chrono::milliseconds(10)};
    nanoseconds delay_quantum{1};
    nanoseconds pcpu_quantum{std::chrono::milliseconds(10)};
    // A satisfied vCPU still waits a little behind others on its pCPU: delay = run × others' run
    // × this factor (0 = no such wait). Starved vCPUs wait the whole time they do not run.
    double contention_delay = 1.0;
    // The kernel moves a vCPU whose affinity spans several pCPUs only when another one in its
    // affinity is less loaded by more than this (share of a pCPU).
    double kernel_stickiness = 0.1;
};

}  // namespace vcpusched::sim
