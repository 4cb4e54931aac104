// libvirt's CPU bitmaps (one bit per host CPU, 8 per byte) to and from CpuSet.
#pragma once

#include <span>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace vcpusched::libvirt {

// The CPUs set in map, ignoring any bit at or beyond host_cpus (a map wider than the host
// must not invent pCPUs).
CpuSet cpuset_from_map(std::span<const unsigned char> map, int host_cpus);

// A map of VIR_CPU_MAPLEN(host_cpus) bytes; throws Error when cpus holds a CPU at or beyond
// host_cpus or is empty.
std::vector<unsigned char> map_from_cpuset(const CpuSet& cpus, int host_cpus);

}  // namespace vcpusched::libvirt
