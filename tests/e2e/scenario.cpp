// The e2e fixture: per-test guests and daemon, balance judged from /proc, logs on failure.
#include "scenario.hpp"

#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

namespace e2e {

namespace {

// Only the testbed's guests are the daemon's business; it takes manual pins back so that a
// test can disturb the placement with `virsh vcpupin`; it logs at trace so that a failure shows
// the loads each plan was made from; its balance target is tighter than the test's tolerance
// (threshold is a standard deviation: 3 points ≈ 6 points of spread on 2 pCPUs).
constexpr const char* kDaemonConfig = R"(connect: "qemu:///system"
interval: 2
respect_manual_pins: false
policy:
  threshold: 3
domains:
  include: ["vst-*"]
log:
  level: trace
  target: stderr
)";

// Writes the e2e config plus `extra` (top-level YAML keys) to `path`, or to a new temporary
// file when `path` is empty; returns the path.
std::string write_config(const std::string& extra, std::string path = {}) {
    if (path.empty()) {
        char name[] = "/tmp/vcpusched-e2e-config-XXXXXX.yaml";
        const int fd = mkstemps(name, 5);
        if (fd < 0) {
            throw std::runtime_error("cannot create the e2e config file");
        }
        close(fd);
        path = name;
    }
    // Written beside and renamed over, so a reload never reads half a file.
    const std::string next = path + ".next";
    std::ofstream(next) << kDaemonConfig << extra;
    if (std::rename(next.c_str(), path.c_str()) != 0) {
        throw std::runtime_error("cannot write the e2e config file " + path);
    }
    return path;
}

}  // namespace

void figure(const std::string& test, const std::string& text) {
    std::cerr << "E2E-FIGURE " << test << ": " << text << std::endl;
}

void Scenario::SetUp() {
    if (geteuid() != 0) {
        GTEST_SKIP() << "e2e tests need root (they run libvirtd and guests)";
    }
}

void Scenario::TearDown() {
    if (daemon_ && HasFailure()) {
        std::cerr << "---- daemon log (" << daemon_->log_path() << ") ----\n"
                  << daemon_->log() << "---- end of daemon log ----\n";
    }
    if (!config_path_.empty()) {
        std::remove(config_path_.c_str());
    }
    if (watch_ && !watch_->log().empty()) {
        std::cerr << "pin changes seen:";
        for (const auto& change : watch_->log()) {
            std::cerr << "\n  " << change;
        }
        std::cerr << '\n';
    }
}

void Scenario::create_guests(const std::vector<std::string>& specs) {
    guests_.create(specs);
    if (!watch_) {
        watch_.emplace();
    }
}

void Scenario::start_daemon(const std::vector<std::string>& extra, const Environment& env) {
    config_path_ = write_config("");
    std::vector<std::string> args{"--config", config_path_, "--connect", "qemu:///system"};
    args.insert(args.end(), extra.begin(), extra.end());
    daemon_.emplace(args, env);
    if (!watch_) {
        watch_.emplace();
    }
}

bool Scenario::balanced(const Window& w, const std::string& label) {
    const double foreign = *std::max_element(w.foreign.begin(), w.foreign.end());
    const bool threads_even = Window::spread(w.guest) <= kTolerance;
    const bool host_even = Window::spread(w.busy) <= kTolerance;
    const bool judged_by_threads = foreign > kForeignLimit;
    const bool ok = threads_even && (host_even || judged_by_threads);
    std::cerr << label << ": " << w.describe() << " -> " << (ok ? "balanced" : "unbalanced")
              << (judged_by_threads ? " (busy host: judged by vCPU threads)" : "") << std::endl;
    return ok;
}

void Scenario::reload_daemon(const std::string& extra_yaml) {
    write_config(extra_yaml, config_path_);
    ASSERT_EQ(kill(daemon_->pid(), SIGHUP), 0) << "cannot signal the daemon";
}

std::optional<double> Scenario::wait_for_pins(
    const std::function<bool(const std::map<VcpuKey, vcpusched::CpuSet>&)>& done,
    std::chrono::seconds deadline) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < deadline) {
        watch_->poll();
        if (done(read_pins(kPrefix))) {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return std::nullopt;
}

Window Scenario::observe(double seconds, const std::string& label) {
    Window w = measure(seconds, *watch_);
    std::cerr << label << ": " << w.describe() << std::endl;
    return w;
}

std::optional<double> Scenario::wait_until_balanced(std::chrono::seconds deadline) {
    const auto start = std::chrono::steady_clock::now();
    const auto give_up = start + deadline;
    while (std::chrono::steady_clock::now() < give_up) {
        Window w = measure(kWindow, *watch_);
        const double at =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        char label[64];
        std::snprintf(label, sizeof label, "t=%.1fs", at);
        if (balanced(w, label)) {
            return at;
        }
        if (daemon_ && !daemon_->running()) {
            ADD_FAILURE() << "the daemon exited while balancing";
            return std::nullopt;
        }
    }
    ADD_FAILURE() << "not balanced within " << deadline.count() << " s (+ one " << kWindow
                  << " s window)";
    return std::nullopt;
}

}  // namespace e2e
