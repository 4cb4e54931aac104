// Prometheus metrics in node_exporter's textfile format, replaced atomically after each cycle.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vcpusched/cycle.hpp"

namespace vcpusched::daemon {

// What the daemon did since it started: the counters and states of the metrics file.
struct MetricsCounters {
    std::uint64_t cycles = 0;         // cycles that completed (baseline ones included)
    std::uint64_t planned_moves = 0;  // moves the policy decided (dry-run ones included)
    std::uint64_t moves = 0;          // pins that took effect
    std::uint64_t pin_failures = 0;   // pins libvirt refused (a vanished domain is not one)
    bool connected = false;
    std::optional<std::chrono::system_clock::time_point> last_success;

    // Adds one completed cycle that finished at wall-clock time `finished`.
    void count(const CycleReport& report, std::chrono::system_clock::time_point finished);
};

// The whole file: every family with HELP and TYPE lines; per-pCPU and per-vCPU series only
// when `last` is given (the last cycle's report while connected; stale data is left out).
std::string format_metrics(const MetricsCounters& counters, const CycleReport* last);

// Replaces `path` with `text` so that a reader sees the old file or the new one, never a
// part: writes a hidden temp file in the same directory (not *.prom, so node_exporter skips
// it), makes it world-readable, renames it over `path`. Throws Error naming the path.
void write_textfile(const std::string& path, std::string_view text);

// The daemon's metrics output: counts cycles and, when it has a path, rewrites the file after
// each one. The counters survive a change of path (a reload).
class MetricsTextfile {
  public:
    explicit MetricsTextfile(std::string path = "") : path_(std::move(path)) {}

    // After a cycle that completed; throws Error when the file cannot be written.
    void cycle_done(const CycleReport& report, std::chrono::system_clock::time_point finished);
    // While libvirt is unreachable: connection state and counters only.
    void disconnected();
    // "" = no file from now on.
    void set_path(std::string path) { path_ = std::move(path); }

    const std::string& path() const { return path_; }
    const MetricsCounters& counters() const { return counters_; }

  private:
    std::string path_;
    MetricsCounters counters_;
};

}  // namespace vcpusched::daemon
