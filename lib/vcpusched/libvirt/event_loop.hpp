// The thread that runs libvirt's default event loop, so that domain events and the connection
// close callback are delivered. Create it before connecting (libvirt needs its event
// implementation registered first) and, in a daemon, after blocking signals so the thread
// inherits the mask.
#pragma once

#include <atomic>
#include <thread>

namespace vcpusched::libvirt {

class EventLoop {
  public:
    // Registers libvirt's default event implementation (once per process) and starts the
    // thread. Throws Error when registration fails or another EventLoop is running.
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Stops and joins the thread; idempotent. Callbacks are not delivered afterwards.
    void stop();

    // Whether an EventLoop thread is running in this process: connections opened meanwhile
    // can register event callbacks and keepalive.
    static bool running();

  private:
    static void wake(int timer, void* opaque);

    std::atomic<bool> stopping_{false};
    int wake_timer_ = -1;
    std::thread thread_;
};

}  // namespace vcpusched::libvirt
