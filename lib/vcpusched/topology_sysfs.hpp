// L3 cache ids from sysfs, for hosts whose libvirt capabilities carry no <cache> banks.
#pragma once

#include <filesystem>

#include "vcpusched/topology.hpp"

namespace vcpusched {

// Fills Pcpu::cache from <cpu_root>/cpuN/cache/indexK/{level,id} (the level-3 entry). All or
// nothing: when any pCPU of the topology has no readable L3 id (no such tree, an older kernel,
// a topology that is not this machine's), nothing is changed. Returns whether it filled.
bool fill_l3_from_sysfs(Topology& topology,
                        const std::filesystem::path& cpu_root = "/sys/devices/system/cpu");

}  // namespace vcpusched
