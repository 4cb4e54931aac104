// Terse construction of HostSamples for tests: at(seconds).vm(...).vcpu(...).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "vcpusched/sample.hpp"

namespace vcpusched::testing {

inline std::uint64_t ms(double milliseconds) {
    return static_cast<std::uint64_t>(milliseconds * 1e6);
}

class SampleBuilder {
  public:
    explicit SampleBuilder(double seconds) {
        sample_.taken_at = std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
    }
    // A domain whose UUID is derived from its name unless given.
    SampleBuilder& vm(const std::string& name, const std::string& uuid = "") {
        DomainSample d;
        d.name = name;
        d.uuid = uuid.empty() ? "uuid-" + name : uuid;
        sample_.domains.push_back(d);
        return *this;
    }
    // A vCPU of the last domain: cumulative times in ms, affinity as a cpulist.
    SampleBuilder& vcpu(int id, double time_ms, double delay_ms, const std::string& affinity,
                        VcpuState state = VcpuState::Running) {
        VcpuSample v;
        v.id = id;
        v.state = state;
        v.time_ns = ms(time_ms);
        v.delay_ns = ms(delay_ms);
        v.has_delay = true;
        v.affinity = CpuSet::parse(affinity);
        sample_.domains.back().vcpus.push_back(v);
        return *this;
    }
    // Host times of one pCPU, in ms.
    SampleBuilder& pcpu(int id, double busy_ms, double idle_ms) {
        sample_.pcpus.push_back(PcpuTimes{id, ms(busy_ms), ms(idle_ms)});
        return *this;
    }
    HostSample build() const { return sample_; }
    operator HostSample() const { return sample_; }

  private:
    HostSample sample_;
};

}  // namespace vcpusched::testing
