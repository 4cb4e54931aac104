// A process's memory as /proc/PID/status reports it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

namespace vcpusched::bench {

// In bytes; 0 when the field is missing.
struct ProcMemory {
    std::uint64_t peak_rss = 0;  // VmHWM: the most the process ever had resident
    std::uint64_t rss = 0;       // VmRSS
    std::uint64_t rss_anon = 0;  // RssAnon: heap, stacks, written data (the process's own)
    std::uint64_t rss_file = 0;  // RssFile: mapped files, mostly shared libraries' pages
};

// Parses the text of /proc/PID/status; throws Error when it has no VmHWM (not a live process).
ProcMemory parse_proc_status(std::string_view text);
// Reads /proc/PID/status; throws Error naming the file when it cannot.
ProcMemory read_proc_memory(pid_t pid);

}  // namespace vcpusched::bench
