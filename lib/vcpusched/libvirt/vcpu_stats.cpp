// Parsing of the bulk stats' vcpu.current / vcpu.maximum / vcpu.N.{state,time,delay} fields.
#include "vcpusched/libvirt/vcpu_stats.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <string_view>

namespace vcpusched::libvirt {

namespace {

// A non-negative integer value, whatever integer type the driver chose.
std::optional<std::uint64_t> unsigned_value(const virTypedParameter& p) {
    switch (p.type) {
        case VIR_TYPED_PARAM_UINT:
            return p.value.ui;
        case VIR_TYPED_PARAM_ULLONG:
            return p.value.ul;
        case VIR_TYPED_PARAM_INT:
            if (p.value.i >= 0)
                return static_cast<std::uint64_t>(p.value.i);
            return std::nullopt;
        case VIR_TYPED_PARAM_LLONG:
            if (p.value.l >= 0)
                return static_cast<std::uint64_t>(p.value.l);
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

struct PartialVcpu {
    std::optional<std::uint64_t> state;
    std::optional<std::uint64_t> time;
    std::optional<std::uint64_t> delay;
};

}  // namespace

VcpuState vcpu_state_from_libvirt(long long state) {
    switch (state) {
        case VIR_VCPU_OFFLINE:
            return VcpuState::Offline;
        case VIR_VCPU_RUNNING:
            return VcpuState::Running;
        case VIR_VCPU_BLOCKED:
            return VcpuState::Blocked;
        default:
            return VcpuState::Unknown;
    }
}

DomainStats parse_vcpu_stats(const virTypedParameter* params, int count) {
    DomainStats stats;
    std::map<int, PartialVcpu> partial;
    for (int i = 0; params != nullptr && i < count; ++i) {
        const virTypedParameter& p = params[i];
        std::string_view field(p.field, strnlen(p.field, VIR_TYPED_PARAM_FIELD_LENGTH));
        if (!field.starts_with("vcpu."))
            continue;
        stats.has_vcpu_fields = true;
        std::string_view rest = field.substr(5);
        auto value = unsigned_value(p);
        auto problem = [&](std::string_view why) {
            stats.problems.push_back(std::string(field) + ": " + std::string(why));
        };
        if (rest == "current" || rest == "maximum") {
            if (!value || *value > static_cast<std::uint64_t>(kMaxVcpuId) + 1) {
                problem("not a vCPU count");
                continue;
            }
            (rest == "current" ? stats.current : stats.maximum) = static_cast<int>(*value);
            continue;
        }
        int id = 0;
        auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
        if (ec != std::errc() || end == rest.data() || end == rest.data() + rest.size() ||
            *end != '.')
            continue;  // a vcpu.* field we do not use
        std::string_view name(end + 1, rest.data() + rest.size() - (end + 1));
        if (name != "state" && name != "time" && name != "delay")
            continue;  // vcpu.N.wait, vcpu.N.halted, …
        if (id < 0 || id > kMaxVcpuId) {
            problem("vCPU id out of range");
            continue;
        }
        if (!value) {
            problem("not a non-negative integer");
            continue;
        }
        PartialVcpu& v = partial[id];
        (name == "state" ? v.state : name == "time" ? v.time : v.delay) = *value;
    }
    for (const auto& [id, v] : partial) {
        if (stats.maximum >= 0 && id >= stats.maximum) {
            stats.problems.push_back("vcpu." + std::to_string(id) + ": beyond vcpu.maximum " +
                                     std::to_string(stats.maximum));
            continue;
        }
        if (!v.time) {
            stats.problems.push_back("vcpu." + std::to_string(id) + ".time: missing");
            continue;
        }
        VcpuStats s;
        s.id = id;
        s.state = v.state && *v.state <= VIR_VCPU_BLOCKED
                      ? vcpu_state_from_libvirt(static_cast<long long>(*v.state))
                      : VcpuState::Unknown;
        s.time_ns = *v.time;
        s.delay_ns = v.delay;
        stats.vcpus.push_back(s);
    }
    return stats;
}

DomainSample to_domain_sample(std::string name, std::string uuid, const DomainStats& stats,
                              const std::function<CpuSet(int vcpu)>& affinity_of) {
    DomainSample d;
    d.name = std::move(name);
    d.uuid = std::move(uuid);
    d.vcpus.reserve(stats.vcpus.size());
    for (const auto& s : stats.vcpus) {
        VcpuSample v;
        v.id = s.id;
        v.state = s.state;
        v.time_ns = s.time_ns;
        v.has_delay = s.delay_ns.has_value();
        v.delay_ns = s.delay_ns.value_or(0);
        v.affinity = affinity_of(s.id);
        d.vcpus.push_back(std::move(v));
    }
    return d;
}

}  // namespace vcpusched::libvirt
