// What the host shows about the testbed: per-pCPU busy time and each guest vCPU thread's pin
// and CPU time, read from /proc only — never from the daemon.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"

namespace e2e {

struct VcpuKey {
    std::string domain;
    int vcpu = 0;
    auto operator<=>(const VcpuKey&) const = default;
};

struct PcpuTimes {
    std::uint64_t busy = 0;   // jiffies: user, nice, system, irq, softirq
    std::uint64_t total = 0;  // busy + idle + iowait
};

struct VcpuThread {
    vcpusched::CpuSet pins;        // the thread's Cpus_allowed_list
    std::uint64_t runtime_ns = 0;  // schedstat: CPU time received
};

struct HostSnapshot {
    std::chrono::steady_clock::time_point at;
    std::vector<PcpuTimes> pcpus;
    std::map<VcpuKey, VcpuThread> vcpus;
    std::uint64_t other_qemu_ns = 0;  // the guests' non-vCPU QEMU threads (main loop, I/O)
};

// Reads /proc/stat and the vCPU threads of every running QEMU whose libvirt domain name
// starts with `prefix` (found through libvirt's pid files, checked against the command line).
HostSnapshot snapshot(const std::string& prefix);

// Only the pins: cheap enough to poll several times a second.
std::map<VcpuKey, vcpusched::CpuSet> read_pins(const std::string& prefix);

// Loads over the time between two snapshots, in percent of one pCPU.
struct Window {
    double seconds = 0;
    std::vector<double> busy;     // /proc/stat per pCPU
    std::vector<double> guest;    // testbed vCPU threads per pCPU (a vCPU allowed on k pCPUs
                                  // counts 1/k on each)
    std::vector<double> foreign;  // busy that testbed threads do not explain
    std::map<VcpuKey, double> vcpu_load;
    std::map<VcpuKey, vcpusched::CpuSet> pins;  // at the end of the window

    static double spread(const std::vector<double>& loads);
    std::string describe() const;
};

Window difference(const HostSnapshot& before, const HostSnapshot& after);

}  // namespace e2e
