// Runs the real vcpu-scheduler against a test-driver host of N domains and reads its resident
// memory from /proc, next to two floors on the same host: a bare libvirt client (what any
// program linking libvirt pays) and that client linked against all the daemon's mandated
// libraries (what any program built on that dependency set pays).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "proc_status.hpp"

namespace vcpusched::bench {

struct DaemonMemoryOptions {
    std::string daemon;         // the vcpu-scheduler binary
    std::string libvirt_floor;  // the vcpusched-libvirt-floor binary
    std::string deps_floor;     // the vcpusched-deps-floor binary
    // test+unix:// (the test driver runs inside a libvirtd, as a real host's domains do) instead
    // of test:// (it runs inside the measured process, whose RSS then holds its domain objects).
    bool via_libvirtd = false;
    int cycles = 50;        // cycles the daemon completes before it is read and stopped
    double interval = 0.1;  // seconds; the daemon's minimum
    int pcpus = 32;
    std::chrono::seconds deadline{120};  // per program, to reach the point of reading
};

struct DaemonMemory {
    int domains = 0;
    int vcpus = 0;
    int cycles = 0;            // completed, by the daemon's metrics file
    ProcMemory daemon;         // read after the last counted cycle (peak_rss covers the run)
    std::uint64_t anon_peak;   // the largest RssAnon seen while polling every ~20 ms
    ProcMemory libvirt_floor;  // the bare client, after it listed and read every domain
    ProcMemory deps_floor;     // the same with the mandated libraries linked and touched
    double seconds = 0;        // wall time of the daemon's run
};

// Builds the host in a temporary directory (removed afterwards), runs the daemon until it has
// completed options.cycles cycles (pinning as it sees fit), then the two floors. Throws
// Error with the program's output when either fails or misses the deadline.
DaemonMemory measure_daemon_memory(int domains, const DaemonMemoryOptions& options);

}  // namespace vcpusched::bench
