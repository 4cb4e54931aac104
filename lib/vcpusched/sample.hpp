// One snapshot of the host: every running domain's vCPUs with cumulative counters and affinity.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace vcpusched {

enum class VcpuState { Offline, Running, Blocked, Unknown };

struct VcpuSample {
    int id = 0;
    VcpuState state = VcpuState::Running;
    std::uint64_t time_ns = 0;   // cumulative run time (libvirt vcpu.N.time)
    std::uint64_t delay_ns = 0;  // cumulative run-queue wait (vcpu.N.delay)
    bool has_delay = false;      // false when the driver does not report delay
    CpuSet affinity;             // where the vCPU may run now
};

struct DomainSample {
    std::string name;
    std::string uuid;  // the identity: names are reused, UUIDs are not
    std::vector<VcpuSample> vcpus;
    int id = -1;  // the hypervisor's id of this run (a restart changes it); -1 = unknown
};

// Host-wide cumulative time of one pCPU (from /proc/stat), to tell a saturated pCPU.
struct PcpuTimes {
    int id = 0;
    std::uint64_t busy_ns = 0;
    std::uint64_t idle_ns = 0;  // idle + iowait
};

struct HostSample {
    std::chrono::nanoseconds taken_at{0};  // monotonic
    std::vector<DomainSample> domains;
    std::vector<PcpuTimes> pcpus;  // may be empty when the host times are unknown
};

// Identifies one vCPU across samples.
struct VcpuRef {
    std::string domain_uuid;
    std::string domain_name;
    int vcpu = 0;
    bool operator==(const VcpuRef& o) const {
        return domain_uuid == o.domain_uuid && vcpu == o.vcpu;
    }
};

}  // namespace vcpusched
