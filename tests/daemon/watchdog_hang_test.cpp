// A libvirt call that hangs must starve the watchdog: nothing pings it while the cycle is stuck,
// so systemd kills and restarts us; once the call returns, pings resume.
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "fake_hypervisor.hpp"
#include "fakes.hpp"
#include "service.hpp"

namespace vcpusched::daemon {
namespace {

using namespace fakes;

// What the test thread and the service thread share, behind one mutex.
struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    int watchdogs = 0;
    bool hung = false;
    bool released = false;
    int watchdogs_after_release = 0;
};

class SharedNotifier : public Notifier {
  public:
    explicit SharedNotifier(Shared& shared) : shared_(shared) {}
    void notify(const std::string& state) override {
        std::lock_guard lock(shared_.mutex);
        if (state == "WATCHDOG=1") {
            ++shared_.watchdogs;
            shared_.watchdogs_after_release += shared_.released ? 1 : 0;
        }
        shared_.changed.notify_all();
    }

  private:
    Shared& shared_;
};

// Samples a one-vCPU host; the third sample blocks until the test releases it.
class HangingHypervisor : public vcpusched::testing::FakeHypervisor {
  public:
    explicit HangingHypervisor(Shared& shared) : shared_(shared) {}
    HostSample sample() override {
        if (++calls == 3) {
            std::unique_lock lock(shared_.mutex);
            shared_.hung = true;
            shared_.changed.notify_all();
            shared_.changed.wait(lock, [this] { return shared_.released; });
        }
        HostSample s;
        s.taken_at = std::chrono::seconds(2 * calls);
        DomainSample d{"web01", "uuid-web01", {}};
        VcpuSample v;
        v.time_ns = static_cast<std::uint64_t>(calls) * 100'000'000;
        v.affinity = CpuSet{0};
        d.vcpus.push_back(v);
        s.domains.push_back(d);
        return s;
    }
    int calls = 0;

  private:
    Shared& shared_;
};

TEST(WatchdogHang, HungLibvirtCallStarvesTheWatchdogUntilItReturns) {
    Shared shared;
    FakeTime time;
    time.end = time.now() + 60s;
    SharedNotifier notifier(shared);
    RecordingJournal journal;
    Logger log{LogLevel::Info, &journal, time};
    CycleBalancer balancer{
        [&shared](const std::string&) { return std::make_unique<HangingHypervisor>(shared); }, time,
        log, CycleOptions{}};
    Config config;
    config.connect = "test:///default";
    Service service(config, ServiceParts{time, time, notifier, balancer, log,
                                         [] { return ConfigLoad{}; }, nanoseconds(10s)});

    int exit_code = -1;
    std::thread loop([&] { exit_code = service.run(); });

    std::unique_lock lock(shared.mutex);
    ASSERT_TRUE(shared.changed.wait_for(lock, 30s, [&] { return shared.hung; }));
    const int before = shared.watchdogs;
    EXPECT_GE(before, 2) << "the cycles before the hang pinged it";
    // Absence can only be checked over some time: any pinger running in another thread would
    // send within this window, since the service thread is blocked in sample().
    EXPECT_FALSE(shared.changed.wait_for(lock, 500ms, [&] { return shared.watchdogs > before; }))
        << "WATCHDOG=1 sent while the libvirt call hung";
    shared.released = true;
    shared.changed.notify_all();
    EXPECT_TRUE(
        shared.changed.wait_for(lock, 30s, [&] { return shared.watchdogs_after_release > 0; }));
    lock.unlock();
    loop.join();
    EXPECT_EQ(exit_code, 0);
    EXPECT_GT(shared.watchdogs_after_release, 1) << "pings go on after the hang";
}

}  // namespace
}  // namespace vcpusched::daemon
