// A scripted Hypervisor for tests: plays back samples, records pins, throws on request.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vcpusched/error.hpp"
#include "vcpusched/hypervisor.hpp"

namespace vcpusched::testing {

struct PinCall {
    VcpuRef vcpu;
    CpuSet cpus;
};

class FakeHypervisor : public Hypervisor {
  public:
    explicit FakeHypervisor(Topology topology = Topology::flat(4))
        : topology_(std::move(topology)) {}

    // Scripted samples, played in order; when they run out, sample() throws ConnectionLost
    // (a test that samples more than it scripted is wrong, and this makes it visible).
    void script(HostSample sample) { samples_.push_back(std::move(sample)); }
    // Alternatively a generator, used when the script is empty.
    std::function<HostSample()> generator;

    // The next sample() (or pin() of that domain name) throws this kind instead.
    void fail_next_sample(HypervisorErrorKind kind) { sample_failure_ = kind; }
    void fail_pins_of(const std::string& domain_name, HypervisorErrorKind kind) {
        pin_failures_[domain_name] = kind;
    }
    void clear_failures() {
        sample_failure_.reset();
        pin_failures_.clear();
    }

    HostSample sample() override {
        ++sample_calls;
        if (sample_failure_) {
            auto kind = *sample_failure_;
            sample_failure_.reset();
            throw HypervisorError(kind, "fake: sample failed");
        }
        if (samples_.empty()) {
            if (generator)
                return generator();
            throw HypervisorError(HypervisorErrorKind::ConnectionLost, "fake: script ran out");
        }
        HostSample s = std::move(samples_.front());
        samples_.pop_front();
        return s;
    }

    Topology topology() override {
        ++topology_calls;
        return topology_;
    }

    void pin(const VcpuRef& vcpu, const CpuSet& cpus) override {
        if (auto it = pin_failures_.find(vcpu.domain_name); it != pin_failures_.end())
            throw HypervisorError(it->second, "fake: cannot pin " + vcpu.domain_name);
        pins.push_back(PinCall{vcpu, cpus});
    }

    // Where the vCPUs of a domain (by UUID) run, for running_on(); a UUID that is not here is
    // gone (DomainGone).
    std::map<std::string, std::map<int, int>> where;
    std::map<int, int> running_on(const std::string& domain_uuid) override {
        running_on_calls.push_back(domain_uuid);
        auto it = where.find(domain_uuid);
        if (it == where.end())
            throw HypervisorError(HypervisorErrorKind::DomainGone, "fake: no " + domain_uuid);
        return it->second;
    }

    std::vector<PinCall> pins;                  // successful pins, in order
    std::vector<std::string> running_on_calls;  // domain UUIDs asked, in order
    int sample_calls = 0;
    int topology_calls = 0;

  private:
    Topology topology_;
    std::deque<HostSample> samples_;
    std::optional<HypervisorErrorKind> sample_failure_;
    std::map<std::string, HypervisorErrorKind> pin_failures_;
};

}  // namespace vcpusched::testing
