// A program started by a benchmark (the daemon, a bare libvirt client), stopped when it goes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace vcpusched::bench {

class ChildProcess {
  public:
    // Starts argv[0] with these arguments; stdout and stderr go to log_path, stdin is
    // /dev/null. Throws Error when the program is missing or fork fails.
    ChildProcess(const std::vector<std::string>& argv, std::string log_path);
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    // False once it has exited (then reaped; see wait_status()).
    bool running();
    // SIGTERM, then SIGKILL after `grace`; returns the wait status (-1 when killed).
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    int wait_status() const { return status_; }
    // The last `bytes` of its output, to explain a failure.
    std::string log_tail(std::size_t bytes = 2000) const;
    const std::string& log_path() const { return log_path_; }

  private:
    pid_t pid_ = -1;
    int status_ = -1;
    std::string log_path_;
};

}  // namespace vcpusched::bench
