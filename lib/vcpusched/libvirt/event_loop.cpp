// The event-loop thread: runs virEventRunDefaultImpl until asked to stop, woken by a timer.
#include "vcpusched/libvirt/event_loop.hpp"

#include <libvirt/libvirt.h>

#include <mutex>

#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/errors.hpp"

namespace vcpusched::libvirt {

namespace {

std::atomic<bool> g_running{false};

void register_default_impl() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = virEventRegisterDefaultImpl() == 0; });
    if (!ok)
        throw Error("libvirt: cannot register the default event implementation");
}

}  // namespace

EventLoop::EventLoop() {
    silence_libvirt();
    register_default_impl();
    bool expected = false;
    if (!g_running.compare_exchange_strong(expected, true))
        throw Error("libvirt: an event loop is already running in this process");
    // A disabled timer (-1) that stop() fires to wake the loop out of its poll().
    wake_timer_ = virEventAddTimeout(-1, &EventLoop::wake, this, nullptr);
    if (wake_timer_ < 0) {
        g_running = false;
        throw Error("libvirt: cannot add the event loop's wake-up timer");
    }
    thread_ = std::thread([this] {
        while (!stopping_.load())
            virEventRunDefaultImpl();
    });
}

EventLoop::~EventLoop() {
    stop();
}

void EventLoop::stop() {
    if (!thread_.joinable())
        return;
    stopping_ = true;
    virEventUpdateTimeout(wake_timer_, 0);
    thread_.join();
    virEventRemoveTimeout(wake_timer_);
    wake_timer_ = -1;
    g_running = false;
}

bool EventLoop::running() {
    return g_running.load();
}

void EventLoop::wake(int timer, void* opaque) {
    // Disarm so the loop does not spin if it is asked to run again later.
    auto* self = static_cast<EventLoop*>(opaque);
    if (self->stopping_.load())
        virEventUpdateTimeout(timer, -1);
}

}  // namespace vcpusched::libvirt
