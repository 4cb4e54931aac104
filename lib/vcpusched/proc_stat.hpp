// Per-pCPU busy and idle time from /proc/stat (one file read, no libvirt round trip).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "vcpusched/sample.hpp"

namespace vcpusched {

// Parses the "cpuN user nice system idle iowait irq softirq steal …" lines of a
// /proc/stat-format text; busy = user+nice+system+irq+softirq+steal (guest time is already
// inside user/nice), idle = idle+iowait, converted from ticks at ticks_per_second to ns.
// Sorted by CPU id. Throws Error "<origin>:<line>: <why>" on a malformed cpuN line (too
// few fields, not a number, a repeated CPU) and when no cpuN line is present.
std::vector<PcpuTimes> parse_proc_stat(std::string_view text, std::string_view origin,
                                       long ticks_per_second);

// Reads and parses the file at path with the kernel's USER_HZ (sysconf(_SC_CLK_TCK)).
// Throws Error naming the path when it cannot be read or parsed; callers that can live
// without host times (LibvirtHypervisor) catch it and leave HostSample::pcpus empty.
std::vector<PcpuTimes> read_proc_stat(const std::filesystem::path& path = "/proc/stat");

}  // namespace vcpusched
