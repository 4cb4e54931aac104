// One domain's vcpu.* fields of virConnectGetAllDomainStats, read defensively into values.
#pragma once

#include <libvirt/libvirt.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vcpusched/sample.hpp"

namespace vcpusched::libvirt {

struct VcpuStats {
    int id = 0;
    VcpuState state = VcpuState::Unknown;
    std::uint64_t time_ns = 0;
    std::optional<std::uint64_t> delay_ns;
};

struct DomainStats {
    // Whether the driver reported any vcpu.* field at all: the test driver reports none, and
    // then the vCPUs must be read another way.
    bool has_vcpu_fields = false;
    int current = -1;              // vcpu.current, -1 when absent
    int maximum = -1;              // vcpu.maximum, -1 when absent
    std::vector<VcpuStats> vcpus;  // sorted by id; only vCPUs with a run time
    // Fields that were present but unusable (wrong type, id beyond vcpu.maximum, …), each
    // "field: why", for the caller to log.
    std::vector<std::string> problems;
};

// vCPU ids at or above this are rejected even without vcpu.maximum (libvirt's own limit is
// far lower): a hostile "vcpu.4000000000.time" must not make a huge vector.
inline constexpr int kMaxVcpuId = 16383;

DomainStats parse_vcpu_stats(const virTypedParameter* params, int count);

// The DomainSample for stats; affinity_of(id) gives each vCPU's affinity.
DomainSample to_domain_sample(std::string name, std::string uuid, const DomainStats& stats,
                              const std::function<CpuSet(int vcpu)>& affinity_of);

VcpuState vcpu_state_from_libvirt(long long state);

}  // namespace vcpusched::libvirt
