// What the service loop drives: a connection to a hypervisor and the cycle that balances it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "vcpusched/clock.hpp"
#include "vcpusched/cycle.hpp"
#include "vcpusched/hypervisor.hpp"
#include "vcpusched/log.hpp"

namespace vcpusched::daemon {

class Balancer {
  public:
    virtual ~Balancer() = default;
    // Opens the hypervisor at `uri`; throws Error (HypervisorError) when it is unreachable.
    virtual void connect(const std::string& uri) = 0;
    virtual void disconnect() = 0;
    virtual bool connected() const = 0;
    // One cycle; throws HypervisorError(ConnectionLost) when the connection is gone.
    virtual CycleReport run() = 0;
    virtual void set_options(const CycleOptions& options) = 0;
};

// Opens a hypervisor by URI (the libvirt backend in the product, fakes in tests).
using HypervisorFactory = std::function<std::unique_ptr<Hypervisor>(const std::string& uri)>;

// The product's Balancer: a hypervisor from the factory and a core Cycle over it. A new
// connection starts a new Cycle, so measurement starts from a fresh baseline.
class CycleBalancer : public Balancer {
  public:
    CycleBalancer(HypervisorFactory factory, Clock& clock, Log& log, CycleOptions options);
    ~CycleBalancer() override;

    void connect(const std::string& uri) override;
    void disconnect() override;
    bool connected() const override { return cycle_ != nullptr; }
    CycleReport run() override;
    void set_options(const CycleOptions& options) override;

  private:
    HypervisorFactory factory_;
    Clock& clock_;
    Log& log_;
    CycleOptions options_;
    std::unique_ptr<Hypervisor> hypervisor_;
    std::unique_ptr<Cycle> cycle_;  // refers to *hypervisor_: destroyed first
};

}  // namespace vcpusched::daemon
