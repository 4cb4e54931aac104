// The real vcpu-scheduler binary as a child process, with a bound systemd notify socket.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vcpusched::daemon::process {

// A temporary directory, removed with everything in it.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string write(const std::string& name, const std::string& text) const;

  private:
    std::string path_;
};

// An AF_UNIX datagram socket playing systemd's side of sd_notify.
class NotifySocket {
  public:
    explicit NotifySocket(const std::string& path);
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;
    const std::string& path() const { return path_; }

    // Receives until `done(all messages so far)` holds or the timeout passes; true if it held.
    bool wait_for(const std::function<bool(const std::vector<std::string>&)>& done,
                  std::chrono::milliseconds timeout);
    const std::vector<std::string>& messages() const { return messages_; }

  private:
    std::string path_;
    int fd_ = -1;
    std::vector<std::string> messages_;
};

struct Exit {
    int code = -1;                                // -1 when killed by a signal
    std::chrono::steady_clock::duration after{};  // since wait_exit was called
};

// Runs the binary with `args` and exactly `env` as its environment; stdout and stderr go to
// files in `dir`.
class DaemonProcess {
  public:
    DaemonProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
                  const std::string& dir);
    ~DaemonProcess();  // kills it if still running
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    void signal(int sig) const;
    // Waits for the exit up to `timeout`; nullopt if it is still running.
    std::optional<Exit> wait_exit(std::chrono::milliseconds timeout);
    std::string out() const;
    std::string err() const;
    // Waits until stderr contains `text` or the timeout passes.
    bool wait_for_err(const std::string& text, std::chrono::milliseconds timeout) const;

  private:
    pid_t pid_ = -1;
    std::string out_path_;
    std::string err_path_;
};

// Runs the binary to completion (up to 60 s) and returns exit code, stdout, stderr.
struct Finished {
    int code = -1;
    std::string out;
    std::string err;
};
Finished run_to_end(const std::vector<std::string>& args);

}  // namespace vcpusched::daemon::process
