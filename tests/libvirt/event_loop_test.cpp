// EventLoop: the thread delivers libvirt events and stops cleanly; connections opened while it
// runs get the adapter's event callbacks.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "support.hpp"
#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/event_loop.hpp"
#include "vcpusched/libvirt/libvirt_hypervisor.hpp"

namespace vcpusched::libvirt {
namespace {

struct LifecycleSeen {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> stopped;  // names of domains reported stopped

    static int on_event(virConnectPtr, virDomainPtr dom, int event, int, void* opaque) {
        auto* self = static_cast<LifecycleSeen*>(opaque);
        if (event == VIR_DOMAIN_EVENT_STOPPED) {
            std::lock_guard lock(self->mutex);
            self->stopped.emplace_back(virDomainGetName(dom));
            self->changed.notify_all();
        }
        return 0;
    }
};

TEST(EventLoop, DeliversDomainEventsAndStops) {
    EventLoop loop;
    EXPECT_TRUE(EventLoop::running());
    Connection conn = testing::open_raw("test:///default");
    ASSERT_TRUE(conn);
    LifecycleSeen seen;
    int id = virConnectDomainEventRegisterAny(
        conn.get(), nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        reinterpret_cast<virConnectDomainEventGenericCallback>(
            reinterpret_cast<void (*)()>(&LifecycleSeen::on_event)),
        &seen, nullptr);
    ASSERT_GE(id, 0);
    Domain dom(virDomainLookupByName(conn.get(), "test"));
    ASSERT_EQ(virDomainDestroy(dom.get()), 0);
    {
        std::unique_lock lock(seen.mutex);
        // A generous bound on a loaded machine; the wait ends as soon as the event arrives.
        ASSERT_TRUE(seen.changed.wait_for(lock, std::chrono::seconds(30),
                                          [&] { return !seen.stopped.empty(); }));
        EXPECT_EQ(seen.stopped.front(), "test");
    }
    EXPECT_EQ(virConnectDomainEventDeregisterAny(conn.get(), id), 0);
    loop.stop();
    EXPECT_FALSE(EventLoop::running());
    loop.stop();  // idempotent
}

TEST(EventLoop, OnlyOneRunsAtATime) {
    EventLoop loop;
    EXPECT_THROW(EventLoop second, Error);
    EXPECT_TRUE(EventLoop::running()) << "the failed second one must not clear the first";
}

TEST(EventLoop, CanBeStartedAgainAfterStopping) {
    { EventLoop first; }
    EventLoop second;
    EXPECT_TRUE(EventLoop::running());
}

TEST(EventLoop, HypervisorRegistersEventsOnlyWhileALoopRuns) {
    testing::ManualClock clock;
    LibvirtHypervisor without("test:///default", clock, "");
    without.connect();
    EXPECT_FALSE(without.events_registered());

    EventLoop loop;
    LibvirtHypervisor with("test:///default", clock, "");
    with.connect();
    EXPECT_TRUE(with.events_registered());
    EXPECT_TRUE(with.connected());
    HostSample s = with.sample();
    EXPECT_EQ(s.domains.size(), 1u);
    with.disconnect();
    EXPECT_FALSE(with.events_registered());
}

}  // namespace
}  // namespace vcpusched::libvirt
