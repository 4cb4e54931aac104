// Conversion between CpuSet and libvirt cpumaps, bounded by the host's CPU count.
#include "vcpusched/libvirt/cpumap.hpp"

#include <libvirt/libvirt.h>

#include <string>

#include "vcpusched/error.hpp"

namespace vcpusched::libvirt {

CpuSet cpuset_from_map(std::span<const unsigned char> map, int host_cpus) {
    CpuSet set;
    int limit = std::min<int>(host_cpus, static_cast<int>(map.size()) * 8);
    for (int cpu = 0; cpu < limit; ++cpu) {
        if (VIR_CPU_USABLE(map.data(), static_cast<int>(map.size()), 0, cpu))
            set.add(cpu);
    }
    return set;
}

std::vector<unsigned char> map_from_cpuset(const CpuSet& cpus, int host_cpus) {
    if (cpus.empty())
        throw Error("empty CPU set");
    if (cpus.last() >= host_cpus) {
        throw Error("CPU " + std::to_string(cpus.last()) + " is not on this host (" +
                    std::to_string(host_cpus) + " CPUs)");
    }
    std::vector<unsigned char> map(static_cast<std::size_t>(VIR_CPU_MAPLEN(host_cpus)), 0);
    for (int cpu : cpus.cpus())
        VIR_USE_CPU(map.data(), cpu);
    return map;
}

}  // namespace vcpusched::libvirt
