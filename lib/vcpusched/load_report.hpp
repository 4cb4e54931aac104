// What measure() makes of two samples: per-vCPU run, delay and demand; per-pCPU load.
#pragma once

#include <vector>

#include "vcpusched/cpuset.hpp"
#include "vcpusched/sample.hpp"

namespace vcpusched {

// All shares are fractions of one pCPU over the interval (1.0 = one pCPU fully used).
struct VcpuLoad {
    VcpuRef ref;
    CpuSet affinity;
    int pcpu = -1;           // the single pCPU it is pinned to; -1 = unplaced (affinity wider)
    int running_on = -1;     // unplaced: the pCPU it last ran on, when known (-1 = unknown)
    double run = 0;          // share spent running
    double delay = 0;        // share spent runnable but waiting for a pCPU
    double demand = 0;       // what it would use unconstrained, in [0, 1]
    bool starved = false;    // on a saturated pCPU (or all of its affinity saturated)
    bool uncertain = false;  // demand guessed on a saturated pCPU without unstarved history
    bool fresh = false;      // no usable previous counters (new, restarted): demand is a guess
    bool held = false;       // left where it is: re-pinned by someone else, or its pins fail
};

struct PcpuLoad {
    int id = 0;
    double load = 0;   // sum of demand placed here (unplaced vCPUs spread over their affinity)
    double busy = -1;  // host busy share from /proc/stat; -1 = unknown
    bool saturated = false;
};

struct LoadReport {
    double interval_s = 0;
    std::vector<VcpuLoad> vcpus;
    std::vector<PcpuLoad> pcpus;  // one per online pCPU of the topology, sorted by id

    // Population standard deviation of pCPU load, in percentage points.
    double spread() const;
};

// The online pCPUs a vCPU's demand counts on: its own pCPU when placed (none when that pCPU is
// offline); when unplaced, its affinity (every online pCPU when unknown), shared evenly.
CpuSet load_pcpus(const VcpuLoad& v, const CpuSet& online);

// Population standard deviation of loads (fractions), in percentage points.
double spread_points(const std::vector<double>& loads);

}  // namespace vcpusched
