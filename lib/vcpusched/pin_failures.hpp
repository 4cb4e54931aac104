// Which pins keep failing: retried while the failure looks transient, given up on otherwise.
#pragma once

#include <map>
#include <set>
#include <string>

#include "vcpusched/error.hpp"
#include "vcpusched/sample.hpp"

namespace vcpusched {

// Whether retrying the same pin cannot help: the hypervisor said so (HypervisorError::
// permanent), or its message says the CPU set is refused ("not allowed", "Invalid argument").
bool pin_failure_is_permanent(const HypervisorError& error);

// Per vCPU: a permanent failure, or kMaxTransient transient ones in a row, and the daemon
// stops moving that vCPU until its domain's run ends. This bounds the pins attempted on a vCPU
// that always fails, whatever the number of cycles.
class PinFailures {
  public:
    static constexpr int kMaxTransient = 3;

    // Records a failed pin; returns true when this failure makes the daemon give up the vCPU.
    bool failed(const VcpuRef& vcpu, bool permanent);
    void succeeded(const VcpuRef& vcpu);
    bool given_up(const VcpuRef& vcpu) const;
    void forget(const std::string& uuid) { domains_.erase(uuid); }
    void keep_only(const std::set<std::string>& running);
    void clear() { domains_.clear(); }

  private:
    struct Entry {
        int transient = 0;
        bool given_up = false;
    };
    std::map<std::string, std::map<int, Entry>> domains_;
};

}  // namespace vcpusched
