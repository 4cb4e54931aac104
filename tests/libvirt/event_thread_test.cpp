// The adapter's two threads at once: while the sampling thread runs samples and pins, libvirt's
// event-loop thread hands it tunable events and the close callback. Everywhere this proves no
// event is lost; under ThreadSanitizer (scripts/test-tsan) it proves the hand-off is race-free.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include "support.hpp"
#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/event_loop.hpp"
#include "vcpusched/libvirt/libvirt_hypervisor.hpp"

namespace vcpusched::libvirt {
namespace {

using namespace std::chrono_literals;
using testing::ManualClock;
using testing::open_raw;

constexpr const char* kUri = "test:///default";
// Only guards against a hang: the loops below end on a condition, normally within a second.
constexpr auto kGiveUpAfter = 60s;

// The test driver has no vcpu.* bulk stats: give its "test" domain (2 vCPUs) some, so the
// adapter takes the bulk path where affinity comes from its cache and the events.
class EventedHypervisor : public LibvirtHypervisor {
  public:
    using LibvirtHypervisor::deliver_close_event;
    using LibvirtHypervisor::deliver_tunable_event;
    using LibvirtHypervisor::LibvirtHypervisor;

  protected:
    void amend_stats(const std::string&, DomainStats& stats) override {
        stats.has_vcpu_fields = true;
        stats.current = stats.maximum = 2;
        stats.vcpus.clear();
        for (int i = 0; i < 2; ++i)
            stats.vcpus.push_back({i, VcpuState::Running, time_ns_, 5'000'000});
        time_ns_ += 10'000'000;
    }

  private:
    std::uint64_t time_ns_ = 1'000'000'000;
};

// Runs on the event-loop thread, as libvirt's callbacks do: each tick of a 1 ms timer delivers
// the next re-pin of vCPU 1 (someone else's `virsh vcpupin`), then optionally the close.
class EventThreadScript {
  public:
    EventThreadScript(EventedHypervisor& hv, virDomainPtr dom, std::vector<std::string> pins,
                      bool close_at_end)
        : hv_(hv), dom_(dom), pins_(std::move(pins)), close_at_end_(close_at_end) {
        // GLib's main loop orders this registration before the first tick with futex-based
        // locks that ThreadSanitizer cannot see; taking mutex_ here and in tick() makes that
        // order, and so everything this thread did before, visible to it.
        std::lock_guard lock(mutex_);
        timer_ = virEventAddTimeout(1, &EventThreadScript::tick, this, nullptr);
    }
    ~EventThreadScript() {
        if (timer_ >= 0)
            virEventRemoveTimeout(timer_);
    }
    EventThreadScript(const EventThreadScript&) = delete;
    EventThreadScript& operator=(const EventThreadScript&) = delete;

    bool started() {
        std::lock_guard lock(mutex_);
        return timer_ >= 0;
    }
    bool done() {
        std::lock_guard lock(mutex_);
        return done_;
    }
    bool wait_done() {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kGiveUpAfter, [this] { return done_; });
    }

  private:
    static void tick(int timer, void* opaque) {
        auto* self = static_cast<EventThreadScript*>(opaque);
        std::lock_guard lock(self->mutex_);
        if (self->done_)
            return;
        if (self->next_ < self->pins_.size()) {
            self->send_pin(self->pins_[self->next_++]);
            return;
        }
        virEventUpdateTimeout(timer, -1);
        if (self->close_at_end_)
            self->hv_.deliver_close_event();
        self->done_ = true;
        self->changed_.notify_all();
    }
    void send_pin(const std::string& cpus) {
        TypedParams params;
        if (virTypedParamsAddString(params.params_out(), params.count_out(), params.capacity_out(),
                                    "cputune.vcpupin1", cpus.c_str()) == 0)
            hv_.deliver_tunable_event(dom_, params.data(), params.size());
    }

    EventedHypervisor& hv_;
    virDomainPtr dom_;
    const std::vector<std::string> pins_;
    const bool close_at_end_;
    std::size_t next_ = 0;
    int timer_ = -1;
    // Static, so initialised before any thread starts: the event thread cannot see this
    // object's construction until it holds the mutex.
    static inline std::mutex mutex_;
    static inline std::condition_variable changed_;
    bool done_ = false;
};

const DomainSample* find_test_domain(const HostSample& s) {
    for (const auto& d : s.domains) {
        if (d.name == "test")
            return &d;
    }
    return nullptr;
}
const DomainSample* find_test_domain(HostSample&&) = delete;  // would point into a temporary

class EventThread : public ::testing::Test {
  protected:
    void SetUp() override {
        hv.connect();
        ASSERT_TRUE(hv.events_registered()) << "the event loop runs, so callbacks are registered";
        raw = open_raw(kUri);
        ASSERT_TRUE(raw);
        dom = Domain(virDomainLookupByName(raw.get(), "test"));
        ASSERT_TRUE(dom);
        HostSample first = hv.sample();
        const DomainSample* test = find_test_domain(first);
        ASSERT_NE(test, nullptr);
        ASSERT_EQ(test->vcpus.size(), 2u);
        uuid = test->uuid;
    }
    // One cycle of the sampling thread: sample, pin vCPU 0 (ours), collect external re-pins.
    void cycle(int n) {
        clock.advance(1s);
        hv.sample();
        our_pin = n % 2 ? CpuSet{1} : CpuSet{0};
        hv.pin({uuid, "test", 0}, our_pin);
        for (const auto& r : hv.take_external_repins()) {
            EXPECT_EQ(r.domain_uuid, uuid);
            repinned_vcpus.insert(r.vcpu);
        }
    }

    EventLoop loop;  // first: the adapter registers its callbacks only while a loop runs
    ManualClock clock;
    NullLog log;
    // No safety-net re-reads: the test driver still holds the old pins of vCPU 1, which only
    // the (simulated) events change.
    EventedHypervisor hv{{kUri, "", "", 0}, clock, log};
    Connection raw;
    Domain dom;
    std::string uuid;
    CpuSet our_pin;
    std::set<int> repinned_vcpus;
};

TEST_F(EventThread, TunableEventsArrivingDuringCyclesAreAllApplied) {
    std::vector<std::string> pins;
    for (int i = 0; i < 200; ++i)
        pins.push_back(i % 2 ? "6" : "4-5");
    pins.back() = "7";
    EventThreadScript script(hv, dom.get(), pins, false);
    ASSERT_TRUE(script.started());
    const auto give_up = std::chrono::steady_clock::now() + kGiveUpAfter;
    int cycles = 0;
    while (!script.done()) {
        cycle(cycles++);
        ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "events stopped arriving";
    }
    cycle(cycles++);  // drains what arrived after the last cycle's sample

    HostSample last = hv.sample();
    const DomainSample* test = find_test_domain(last);
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(test->vcpus[1].affinity, CpuSet{7}) << "the last event wins";
    EXPECT_EQ(test->vcpus[0].affinity, our_pin) << "our pins are not disturbed by the events";
    EXPECT_EQ(repinned_vcpus, std::set<int>{1}) << "only vCPU 1 was re-pinned by someone else";
}

TEST_F(EventThread, CloseCallbackDuringCyclesEndsTheNextCallAsConnectionLost) {
    EventThreadScript script(hv, dom.get(), {"4-5"}, true);
    ASSERT_TRUE(script.started());
    const auto give_up = std::chrono::steady_clock::now() + kGiveUpAfter;
    std::optional<HypervisorError> lost;
    for (int n = 0; !lost; ++n) {
        try {
            cycle(n);
        } catch (const HypervisorError& e) {
            lost = e;
        }
        ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the close was not seen";
    }
    EXPECT_EQ(lost->kind(), HypervisorErrorKind::ConnectionLost) << lost->what();
    EXPECT_FALSE(hv.connected());

    ASSERT_TRUE(script.wait_done());
    hv.connect();  // what the daemon does next, with backoff
    EXPECT_TRUE(hv.connected());
    EXPECT_TRUE(hv.events_registered());
    HostSample after = hv.sample();
    EXPECT_NE(find_test_domain(after), nullptr);
}

}  // namespace
}  // namespace vcpusched::libvirt
