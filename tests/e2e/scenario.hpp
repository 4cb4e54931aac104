// The e2e test fixture: guests and a daemon per test, judged by what the host shows.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "testbed.hpp"

namespace e2e {

// Two observers (the daemon and the test) measuring the same noisy loads over different
// windows never agree exactly, so the test's bar for "balanced" is looser than the daemon's
// own threshold (see kDaemonConfig) and is judged over windows of several seconds.
constexpr double kTolerance = 10;  // points of spread between the busiest and idlest pCPU
constexpr double kWindow = 4;      // seconds per judged window
// Above this much load the testbed's threads do not explain (other programs on a shared
// machine), /proc/stat says nothing about the daemon's work and the vCPU threads are judged.
constexpr double kForeignLimit = 15;

// One line per test with the figures worth keeping (grep E2E-FIGURE in the test log).
void figure(const std::string& test, const std::string& text);

class Scenario : public testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    // Creates guests (testbed specs) and starts watching their pins.
    void create_guests(const std::vector<std::string>& specs);
    // Starts vcpu-scheduler against qemu:///system with the e2e config plus `extra` args and
    // `env` in its environment.
    void start_daemon(const std::vector<std::string>& extra = {}, const Environment& env = {});

    // Rewrites the daemon's config file as the e2e config plus `extra_yaml` (top-level keys)
    // and sends SIGHUP, as `systemctl reload` would.
    void reload_daemon(const std::string& extra_yaml);
    // Polls the testbed's pins every 200 ms until `done` holds for them; returns the seconds
    // that took, or nothing at the deadline.
    std::optional<double> wait_for_pins(
        const std::function<bool(const std::map<VcpuKey, vcpusched::CpuSet>&)>& done,
        std::chrono::seconds deadline);

    // Logs and returns whether the window is balanced within kTolerance.
    bool balanced(const Window& w, const std::string& label);
    // Measures windows until one is balanced; fails the test when none is by `deadline`
    // (counted from now; a window may end up to one window later). Returns the seconds until
    // the end of the first balanced window.
    std::optional<double> wait_until_balanced(std::chrono::seconds deadline);
    // Measures one window and logs it.
    Window observe(double seconds, const std::string& label);

    Guests guests_;
    std::optional<PinWatch> watch_;
    std::string config_path_;       // the daemon's config file, removed at the end
    std::optional<Daemon> daemon_;  // declared last: stopped before the guests go
};

}  // namespace e2e
