// The seam between the core and whatever runs the VMs (libvirt, a scripted fake, the simulator).
#pragma once

#include "vcpusched/cpuset.hpp"
#include "vcpusched/sample.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched {

class Hypervisor {
  public:
    virtual ~Hypervisor() = default;
    // One snapshot of every running domain; throws HypervisorError.
    virtual HostSample sample() = 0;
    virtual Topology topology() = 0;
    // Restricts one vCPU to cpus (live only); throws HypervisorError.
    virtual void pin(const VcpuRef& vcpu, const CpuSet& cpus) = 0;
};

}  // namespace vcpusched
