// The seam between the core and whatever runs the VMs (libvirt, a scripted fake, the simulator).
#pragma once

#include <map>
#include <string>

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
    // Where each vCPU of a domain last ran (vCPU id → pCPU id), as far as the hypervisor tells
    // (empty when it does not); throws HypervisorError. Asked only for domains with vCPUs to
    // place, so that an unpinned vCPU can be pinned where the kernel already runs it.
    virtual std::map<int, int> running_on(const std::string& /*domain_uuid*/) { return {}; }
};

}  // namespace vcpusched
