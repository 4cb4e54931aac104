// Reading vCPU pins out of a tunable event, so a re-pin by someone else needs no extra call.
#include "vcpusched/libvirt/tunable_event.hpp"

#include <charconv>
#include <cstring>
#include <string_view>

#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/vcpu_stats.hpp"

namespace vcpusched::libvirt {

std::vector<VcpuPin> vcpu_pins_from_tunable(const virTypedParameter* params, int count,
                                            int host_cpus, std::vector<std::string>* problems) {
    constexpr std::string_view prefix = "cputune.vcpupin";
    std::vector<VcpuPin> pins;
    for (int i = 0; params != nullptr && i < count; ++i) {
        const virTypedParameter& p = params[i];
        std::string_view field(p.field, strnlen(p.field, VIR_TYPED_PARAM_FIELD_LENGTH));
        if (!field.starts_with(prefix))
            continue;
        std::string_view digits = field.substr(prefix.size());
        int vcpu = -1;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), vcpu);
        auto problem = [&](const std::string& why) {
            if (problems)
                problems->push_back(std::string(field) + ": " + why);
        };
        if (ec != std::errc() || end != digits.data() + digits.size() || vcpu < 0 ||
            vcpu > kMaxVcpuId) {
            problem("not a vCPU id");
            continue;
        }
        if (p.type != VIR_TYPED_PARAM_STRING || p.value.s == nullptr) {
            problem("not a string");
            continue;
        }
        try {
            CpuSet cpus = CpuSet::parse(p.value.s);
            if (cpus.last() >= host_cpus)
                cpus = cpus & CpuSet::range(0, host_cpus - 1);
            pins.push_back({vcpu, cpus});
        } catch (const Error& e) {
            problem(e.what());
        }
    }
    return pins;
}

}  // namespace vcpusched::libvirt
