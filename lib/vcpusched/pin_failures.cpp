// PinFailures: transient failures are retried a few times, permanent ones once.
#include "vcpusched/pin_failures.hpp"

#include <array>
#include <string_view>

namespace vcpusched {

bool pin_failure_is_permanent(const HypervisorError& error) {
    if (error.kind() != HypervisorErrorKind::Other)
        return false;
    if (error.permanent())
        return true;
    // What libvirt and the kernel answer when the cpuset itself is refused (cgroup cpuset
    // narrower than the target, a CPU beyond the host): the same pin will fail again.
    static constexpr std::array<std::string_view, 5> refusals = {
        "not allowed", "Invalid argument", "invalid argument", "out of range", "unsupported"};
    const std::string_view message = error.what();
    for (auto r : refusals)
        if (message.find(r) != std::string_view::npos)
            return true;
    return false;
}

bool PinFailures::failed(const VcpuRef& vcpu, bool permanent) {
    Entry& e = domains_[vcpu.domain_uuid][vcpu.vcpu];
    if (e.given_up)
        return false;
    ++e.transient;
    e.given_up = permanent || e.transient >= kMaxTransient;
    return e.given_up;
}

void PinFailures::succeeded(const VcpuRef& vcpu) {
    auto d = domains_.find(vcpu.domain_uuid);
    if (d != domains_.end())
        d->second.erase(vcpu.vcpu);
}

bool PinFailures::given_up(const VcpuRef& vcpu) const {
    auto d = domains_.find(vcpu.domain_uuid);
    if (d == domains_.end())
        return false;
    auto v = d->second.find(vcpu.vcpu);
    return v != d->second.end() && v->second.given_up;
}

void PinFailures::keep_only(const std::set<std::string>& running) {
    std::erase_if(domains_, [&](const auto& d) { return !running.contains(d.first); });
}

}  // namespace vcpusched
