// Drives scripts/testbed and the daemon process for the e2e tests, and watches pin changes.
#include "testbed.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace e2e {

namespace {

std::string quote(const std::string& word) {
    std::string quoted = "'";
    for (char c : word) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

}  // namespace

int testbed(const std::vector<std::string>& args) {
    std::string command = quote(VCPUSCHED_SOURCE_DIR "/scripts/testbed");
    for (const auto& arg : args) {
        command += ' ' + quote(arg);
    }
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

Guests::~Guests() {
    if (!names_.empty()) {
        std::vector<std::string> args{"destroy"};
        args.insert(args.end(), names_.begin(), names_.end());
        testbed(args);
    }
}

void Guests::create(const std::vector<std::string>& specs) {
    std::vector<std::string> args{"guests"};
    for (const auto& spec : specs) {
        args.push_back(spec);
        // Remember the name first: a half-failed creation must still be cleaned up.
        names_.push_back(kPrefix + spec.substr(0, spec.find(':')));
    }
    if (testbed(args) != 0) {
        throw std::runtime_error("scripts/testbed guests failed");
    }
}

void Guests::destroy(const std::string& name) {
    if (testbed({"destroy", name}) != 0) {
        throw std::runtime_error("scripts/testbed destroy " + name + " failed");
    }
    names_.erase(std::remove(names_.begin(), names_.end(), kPrefix + name), names_.end());
}

void Guests::pin(const std::string& name, int vcpu, const std::string& cpus) {
    if (testbed({"pin", name, std::to_string(vcpu), cpus}) != 0) {
        throw std::runtime_error("scripts/testbed pin " + name + " failed");
    }
}

std::string daemon_binary() {
    if (const char* path = std::getenv("VCPUSCHED_DAEMON"); path != nullptr && *path != '\0') {
        return path;
    }
    return VCPUSCHED_DAEMON_BIN;
}

Daemon::Daemon(const std::vector<std::string>& args, const Environment& env) {
    const std::string binary = daemon_binary();
    if (access(binary.c_str(), X_OK) != 0) {
        throw std::runtime_error("daemon binary " + binary + " is missing (build it first)");
    }
    char log_template[] = "/tmp/vcpusched-e2e-daemon-XXXXXX.log";
    const int log_fd = mkstemps(log_template, 4);
    if (log_fd < 0) {
        throw std::runtime_error("cannot create the daemon log file");
    }
    log_path_ = log_template;
    std::vector<std::string> argv_strings{binary};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_strings) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) {
        close(log_fd);
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        const int null_fd = open("/dev/null", O_RDONLY);
        dup2(null_fd, STDIN_FILENO);
        // Not started by systemd: no notify socket, no journal stream.
        unsetenv("NOTIFY_SOCKET");
        unsetenv("JOURNAL_STREAM");
        unsetenv("WATCHDOG_USEC");
        for (const auto& [name, value] : env)
            setenv(name.c_str(), value.c_str(), 1);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(log_fd);
}

Daemon::~Daemon() {
    stop();
}

bool Daemon::running() {
    if (pid_ <= 0) {
        return false;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        pid_ = -1;
        return false;
    }
    return true;
}

int Daemon::stop(std::chrono::seconds grace) {
    if (!running()) {
        return status_;
    }
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            status_ = status;
            return status_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    status_ = -1;
    return status_;
}

std::string Daemon::log() const {
    std::ifstream in(log_path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

PinWatch::PinWatch() : last_(read_pins(kPrefix)) {}

void PinWatch::poll() {
    auto now = read_pins(kPrefix);
    for (const auto& [key, cpus] : now) {
        const auto it = last_.find(key);
        if (it != last_.end() && it->second != cpus) {
            log_.push_back(key.domain + " vcpu " + std::to_string(key.vcpu) + ": " +
                           it->second.format() + " -> " + cpus.format());
        }
    }
    last_ = std::move(now);
}

Window measure(double seconds, PinWatch& watch) {
    const auto before = snapshot(kPrefix);
    const auto end = before.at + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(seconds));
    watch.poll();
    while (std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(200), end - std::chrono::steady_clock::now()));
        watch.poll();
    }
    return difference(before, snapshot(kPrefix));
}

}  // namespace e2e
