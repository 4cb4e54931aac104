// Starts and stops a benchmark's child program with its output in a log file.
#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "vcpusched/error.hpp"

namespace vcpusched::bench {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, std::string log_path)
    : log_path_(std::move(log_path)) {
    if (argv.empty() || access(argv[0].c_str(), X_OK) != 0)
        throw Error((argv.empty() ? std::string("(none)") : argv[0]) +
                    ": not an executable (build it first)");
    std::vector<std::string> strings = argv;
    std::vector<char*> args;
    for (auto& s : strings)
        args.push_back(s.data());
    args.push_back(nullptr);
    const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0)
        throw Error(log_path_ + ": cannot create");
    pid_ = fork();
    if (pid_ < 0) {
        close(log_fd);
        throw Error("fork failed");
    }
    if (pid_ == 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        const int null_fd = open("/dev/null", O_RDONLY);
        dup2(null_fd, STDIN_FILENO);
        // Not under systemd: no notify socket, journal or watchdog to talk to.
        unsetenv("NOTIFY_SOCKET");
        unsetenv("JOURNAL_STREAM");
        unsetenv("WATCHDOG_USEC");
        execv(args[0], args.data());
        _exit(127);
    }
    close(log_fd);
}

ChildProcess::~ChildProcess() {
    stop();
}

bool ChildProcess::running() {
    if (pid_ <= 0)
        return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        pid_ = -1;
        return false;
    }
    return true;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (!running())
        return status_;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running())
            return status_;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    status_ = -1;
    return status_;
}

std::string ChildProcess::log_tail(std::size_t bytes) const {
    std::ifstream in(log_path_);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return text.size() > bytes ? "…" + text.substr(text.size() - bytes) : text;
}

}  // namespace vcpusched::bench
