// Libvirt round trips per cycle on the real testbed, counted from libvirt's own client-side RPC
// log (not the daemon's bookkeeping): when nothing changes, a cycle must cost the same with one
// guest as with three.
#include <gtest/gtest.h>
#include <libvirt/libvirt.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "rpc_log.hpp"
#include "scenario.hpp"
#include "vcpusched/libvirt/handles.hpp"

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;

// Complete cycles judged per window: more than 30, so that the safety net that re-reads each
// domain's pins every 30 samples shows in the figures. The first cycles read the new domains'
// pins and are not judged.
constexpr int kCycles = 36;
constexpr int kWarmup = 2;
constexpr const char* kInterval = "0.25";
constexpr auto kDeadline = std::chrono::seconds(60);
constexpr unsigned kPinVcpuFlags = 225;  // remote_protocol.x: domain_pin_vcpu_flags

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int running_domains() {
    vcpusched::libvirt::Connection conn(virConnectOpen("qemu:///system"));
    return conn ? virConnectNumOfDomains(conn.get()) : -1;
}

// VmHWM of a live process in KiB (0 when unreadable).
long peak_rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        long value = 0;
        if (key == "VmHWM:" && in >> value)
            return value;
        in.ignore(1 << 16, '\n');
    }
    return 0;
}

struct RpcWindow {
    RoundTrips trips;
    std::vector<RpcCall> setup;
    int domains = 0;
    long peak_rss_kib = 0;
    int pins = 0;  // domain_pin_vcpu_flags calls in judged cycles
};

class RoundTripScenario : public Scenario {
  protected:
    void TearDown() override {
        Scenario::TearDown();
        if (HasFailure() && !log_.empty())
            std::cerr << "---- libvirt client log (" << log_ << ") ----\n"
                      << read_text(log_) << "---- end of libvirt client log ----\n";
        if (!log_.empty())
            std::filesystem::remove(log_);
    }

    // Runs the daemon (--dry-run, so it never changes a pin) until libvirt's log shows
    // kWarmup + kCycles complete cycles, then stops it and counts.
    RpcWindow window() {
        if (!log_.empty())
            std::filesystem::remove(log_);
        char path[] = "/tmp/vcpusched-e2e-rpc-XXXXXX.log";
        const int fd = mkstemps(path, 4);
        if (fd < 0)
            throw std::runtime_error("cannot create the libvirt log file");
        close(fd);
        log_ = path;

        RpcWindow w;
        w.domains = running_domains();
        start_daemon({"--interval", kInterval, "--dry-run"}, rpc_log_environment(log_));
        const auto give_up = Clock::now() + kDeadline;
        RpcCycles split;
        for (;;) {
            split = split_into_cycles(parse_rpc_calls(read_text(log_)));
            if (split.cycles.size() >= static_cast<std::size_t>(kWarmup + kCycles))
                break;
            if (!daemon_->running()) {
                ADD_FAILURE() << "the daemon exited";
                return w;
            }
            if (Clock::now() > give_up) {
                ADD_FAILURE() << split.cycles.size() << " cycles in " << kDeadline.count()
                              << " s; wanted " << kWarmup + kCycles;
                return w;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        w.peak_rss_kib = peak_rss_kib(daemon_->pid());
        const int status = daemon_->stop();
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << "no clean stop on SIGTERM (status " << status << ")";
        if (const int after = running_domains(); after != w.domains)
            std::cerr << "note: " << w.domains << " domains before the window, " << after
                      << " after (someone else's guests?)\n";
        w.setup = split.setup;
        w.trips = round_trips(split, kWarmup);
        for (std::size_t i = kWarmup; i < split.cycles.size(); ++i)
            for (const auto& call : split.cycles[i])
                w.pins += call.procedure == kPinVcpuFlags ? 1 : 0;
        return w;
    }

    std::string log_;
};

std::string describe(const RpcWindow& w) {
    return std::to_string(w.domains) + " domains: " + w.trips.describe() + "; set-up " +
           std::to_string(w.setup.size()) + " calls; peak RSS " +
           std::to_string(w.peak_rss_kib / 1024) + "." +
           std::to_string(w.peak_rss_kib % 1024 * 10 / 1024) + " MiB";
}

TEST_F(RoundTripScenario, SteadyRoundTripsPerCycleDoNotGrowWithGuests) {
    create_guests({"rt1:10"});
    const RpcWindow one = window();
    ASSERT_FALSE(HasFailure());
    create_guests({"rt2:10", "rt3:10"});
    const RpcWindow three = window();
    ASSERT_FALSE(HasFailure());

    std::cerr << "1 guest: " << describe(one) << "\n3 guests: " << describe(three) << std::endl;
    ASSERT_GE(three.domains, one.domains + 2) << "precondition: two more guests running";
    ASSERT_GE(one.trips.cycles, kCycles);
    ASSERT_GE(three.trips.cycles, kCycles);
    EXPECT_EQ(one.pins + three.pins, 0) << "--dry-run pinned";
    EXPECT_GE(one.trips.steady, 1) << "a cycle without its stats call cannot be";
    EXPECT_EQ(three.trips.steady, one.trips.steady)
        << "the steady round trips per cycle grew with the guests";
    figure("SteadyRoundTripsPerCycleDoNotGrowWithGuests",
           "1 guest: " + describe(one) + " | 3 guests: " + describe(three));
}

// The parser on a log as libvirt 9.0 writes it (no testbed needed).
TEST(RpcLog, CallsSplitIntoCyclesAtTheStatsCall) {
    const std::string log =
        "2026-11-27 19:26:56.162+0000: 1: info : libvirt version: 9.0.0\n"
        "x: info : virNetClientSendInternal:2145 : RPC_CLIENT_MSG_TX_QUEUE: client=0x1 len=28 "
        "prog=536903814 vers=1 proc=66 type=0 status=0 serial=0\n"
        "x: info : virNetClientCallDispatch:1299 : RPC_CLIENT_MSG_RX: client=0x1 len=36 "
        "prog=536903814 vers=1 proc=66 type=1 status=0 serial=0\n"
        "x: RPC_CLIENT_MSG_TX_QUEUE: client=0x1 len=28 prog=536903814 vers=1 proc=344 type=0 "
        "status=0 serial=1\n"
        "x: RPC_CLIENT_MSG_TX_QUEUE: client=0x1 len=28 prog=536903814 vers=1 proc=230 type=0 "
        "status=0 serial=2\n"
        "x: RPC_CLIENT_MSG_TX_QUEUE: client=0x1 len=28 prog=1801807216 vers=1 proc=1 type=2 "
        "status=0 serial=0\n"
        "x: RPC_CLIENT_MSG_TX_QUEUE: client=0x1 len=28 prog=536903814 vers=1 proc=344 type=0 "
        "status=0 serial=3\n"
        "x: RPC_CLIENT_MSG_TX_QUEUE: client=0x1 len=28 prog=536903814 vers=1 proc=344 type=0 "
        "status=0 serial=4\n"
        "x: RPC_CLIENT_MSG_TX_QUEUE: client=0x1 len=28 prog=536903814 vers=1 proc=2 type=0 "
        "status=0 serial=5\n";
    const auto calls = parse_rpc_calls(log);
    ASSERT_EQ(calls.size(), 6u) << "replies and keepalives are not calls";
    const RpcCycles split = split_into_cycles(calls);
    ASSERT_EQ(split.setup.size(), 1u);
    ASSERT_EQ(split.cycles.size(), 2u) << "the last cycle is cut short by the close";
    EXPECT_EQ(split.cycles[0].size(), 2u);
    EXPECT_EQ(split.cycles[1].size(), 1u);
    const RoundTrips all = round_trips(split, 0);
    EXPECT_EQ(all.cycles, 2);
    EXPECT_EQ(all.steady, 1) << "a tie keeps the smaller count as the steady one";
    EXPECT_EQ(all.extra_calls.at(230), 1);
    const RoundTrips late = round_trips(split, 1);
    EXPECT_EQ(late.steady, 1);
    EXPECT_EQ(late.cycles, 1);
}

}  // namespace
}  // namespace e2e
