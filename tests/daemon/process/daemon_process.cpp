// Process plumbing for the daemon tests: temp dirs, the notify socket, fork/exec/wait.
#include "daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace vcpusched::daemon::process {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// A sanitized daemon (scripts/test-tsan) must report the way its test runner was told to,
// with the same suppressions and report files, whatever environment the test gives it.
void pass_sanitizer_options(std::vector<std::string>& env) {
    for (const char* name : {"TSAN_OPTIONS", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
        const char* value = std::getenv(name);
        if (value)
            env.push_back(std::string(name) + "=" + value);
    }
}

}  // namespace

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vcpu-daemon-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        fail("mkdtemp");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    std::string path = path_ + "/" + name;
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp);
        out << text;
    }
    std::filesystem::rename(tmp, path);  // atomic, as an operator's editor or a package does
    return path;
}

NotifySocket::NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        fail("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path))
        throw std::runtime_error("socket path too long: " + path);
    std::strcpy(addr.sun_path, path.c_str());
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
        fail("bind " + path);
}

NotifySocket::~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
}

bool NotifySocket::wait_for(const std::function<bool(const std::vector<std::string>&)>& done,
                            std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(messages_)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0)
            continue;
        char buf[4096];
        ssize_t n = recv(fd_, buf, sizeof(buf), 0);
        if (n > 0)
            messages_.emplace_back(buf, static_cast<std::size_t>(n));
    }
    return true;
}

DaemonProcess::DaemonProcess(const std::vector<std::string>& args,
                             const std::vector<std::string>& env, const std::string& dir)
    : out_path_(dir + "/stdout"), err_path_(dir + "/stderr") {
    std::vector<char*> argv;
    std::string binary = DAEMON_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> args_copy = args, env_copy = env;
    pass_sanitizer_options(env_copy);
    for (auto& a : args_copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env_copy)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_ = fork();
    if (pid_ < 0)
        fail("fork");
    if (pid_ == 0) {
        int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        // The test runner may have signals blocked; the daemon must start from a clean mask.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
}

DaemonProcess::~DaemonProcess() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

void DaemonProcess::signal(int sig) const {
    if (pid_ > 0)
        kill(pid_, sig);
}

std::optional<Exit> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    while (true) {
        int status = 0;
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            Exit e;
            e.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            e.after = std::chrono::steady_clock::now() - start;
            return e;
        }
        if (std::chrono::steady_clock::now() - start > timeout)
            return std::nullopt;
        std::this_thread::sleep_for(
            std::chrono::milliseconds(5));  // polling, not a correctness wait
    }
}

std::string DaemonProcess::out() const {
    return read_file(out_path_);
}
std::string DaemonProcess::err() const {
    return read_file(err_path_);
}

bool DaemonProcess::wait_for_err(const std::string& text, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (err().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

Finished run_to_end(const std::vector<std::string>& args) {
    TempDir dir;
    DaemonProcess p(args, {"PATH=/usr/bin:/bin"}, dir.path());
    auto exit = p.wait_exit(std::chrono::seconds(60));
    Finished r;
    r.code = exit ? exit->code : -1;
    r.out = p.out();
    r.err = p.err();
    return r;
}

}  // namespace vcpusched::daemon::process
