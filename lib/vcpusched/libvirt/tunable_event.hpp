// The vCPU pins carried by a VIR_DOMAIN_EVENT_ID_TUNABLE event ("cputune.vcpupinN" = cpulist).
#pragma once

#include <libvirt/libvirt.h>

#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace vcpusched::libvirt {

struct VcpuPin {
    int vcpu = 0;
    CpuSet cpus;
    bool operator==(const VcpuPin&) const = default;
};

// The vcpupin fields of a tunable event, CPUs clipped to the host's; other tunables (emulator
// pin, shares, …) and unparsable values are skipped (reported in problems when given).
std::vector<VcpuPin> vcpu_pins_from_tunable(const virTypedParameter* params, int count,
                                            int host_cpus,
                                            std::vector<std::string>* problems = nullptr);

}  // namespace vcpusched::libvirt
