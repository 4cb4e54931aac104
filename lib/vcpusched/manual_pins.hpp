// Tells re-pins made by someone else (virsh vcpupin, another tool) from the daemon's own.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"
#include "vcpusched/sample.hpp"

namespace vcpusched {

struct ManualPin {
    VcpuRef vcpu;
    CpuSet before;  // what we last pinned or saw
    CpuSet now;
};

// Remembers, per vCPU, the affinity it last had (seen in a sample, or set by our own pin).
// An affinity that changes without our pin is a manual pin. The affinity a vCPU has when it is
// first seen is only its starting placement. A domain's record ends with its run (forget()).
class ManualPins {
  public:
    // Compares the sample with what is known; returns the vCPUs newly found re-pinned by
    // someone else (each once per run of its domain). Forgets domains not in the sample.
    std::vector<ManualPin> observe(const HostSample& sample);
    // Our own pin succeeded: the vCPU's affinity is now cpus.
    void pinned(const VcpuRef& vcpu, const CpuSet& cpus);
    // Whether someone else re-pinned the vCPU during this run of its domain.
    bool manual(const VcpuRef& vcpu) const;
    // The domain's run ended (restart, shut down): what was learnt of it no longer holds.
    void forget(const std::string& uuid) { domains_.erase(uuid); }
    void clear() { domains_.clear(); }

  private:
    struct Entry {
        CpuSet expected;
        bool manual = false;
    };
    std::map<std::string, std::map<int, Entry>> domains_;  // uuid → vCPU id → entry
};

}  // namespace vcpusched
