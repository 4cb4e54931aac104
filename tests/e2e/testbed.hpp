// RAII handles on the real things an e2e test drives: testbed guests (scripts/testbed), the
// vcpu-scheduler process, and a watch on every pin change the host shows.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "host_view.hpp"

namespace e2e {

inline const std::string kPrefix = "vst-";

// Runs `scripts/testbed ARGS...`; returns its exit status (output goes to the test's stderr).
int testbed(const std::vector<std::string>& args);

// Guests created through the testbed; the destructor destroys every one still alive, so a
// failing test leaves nothing behind.
class Guests {
  public:
    Guests() = default;
    Guests(const Guests&) = delete;
    Guests& operator=(const Guests&) = delete;
    ~Guests();

    // Specs as for `scripts/testbed guests`, e.g. "a:40@0"; throws when creation fails.
    void create(const std::vector<std::string>& specs);
    void destroy(const std::string& name);
    void pin(const std::string& name, int vcpu, const std::string& cpus);

  private:
    std::vector<std::string> names_;
};

// Variables set in a started program's environment.
using Environment = std::vector<std::pair<std::string, std::string>>;

// The real vcpu-scheduler binary, started with the given arguments (and `env` added to its
// environment); its output goes to a log file that tests show on failure but never judge by.
// The destructor stops it.
class Daemon {
  public:
    explicit Daemon(const std::vector<std::string>& args, const Environment& env = {});
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;
    ~Daemon();

    bool running();
    pid_t pid() const { return pid_; }
    // Sends SIGTERM and waits; returns the exit status (or -1 when it had to be killed).
    int stop(std::chrono::seconds grace = std::chrono::seconds(5));
    std::string log() const;
    const std::string& log_path() const { return log_path_; }

  private:
    pid_t pid_ = -1;
    int status_ = -1;
    std::string log_path_;
};

// Polls the testbed's pins and counts every change (same vCPU, different cpuset); guests
// appearing or vanishing are not changes.
class PinWatch {
  public:
    PinWatch();
    void poll();
    int changes() const { return static_cast<int>(log_.size()); }
    const std::vector<std::string>& log() const { return log_; }

  private:
    std::map<VcpuKey, vcpusched::CpuSet> last_;
    std::vector<std::string> log_;
};

// A measurement window of `seconds`, polling the pin watch every 200 ms meanwhile.
Window measure(double seconds, PinWatch& watch);

// Path of the daemon binary under test ($VCPUSCHED_DAEMON overrides the build's).
std::string daemon_binary();

}  // namespace e2e
