// ended_runs(): a domain's run ends when it vanishes, changes id, or its counters reset.
#include "vcpusched/domain_runs.hpp"

#include <map>

namespace vcpusched {

namespace {

bool restarted(const DomainSample& before, const DomainSample& after) {
    if (before.id >= 0 && after.id >= 0 && before.id != after.id)
        return true;
    std::map<int, std::uint64_t> times;
    for (const auto& v : before.vcpus)
        times[v.id] = v.time_ns;
    for (const auto& v : after.vcpus)
        if (auto it = times.find(v.id); it != times.end() && v.time_ns < it->second)
            return true;
    return false;
}

}  // namespace

std::set<std::string> uuids(const HostSample& sample) {
    std::set<std::string> out;
    for (const auto& d : sample.domains)
        out.insert(d.uuid);
    return out;
}

std::set<std::string> ended_runs(const HostSample& previous, const HostSample& current) {
    std::map<std::string, const DomainSample*> now;
    for (const auto& d : current.domains)
        now[d.uuid] = &d;
    std::set<std::string> ended;
    for (const auto& d : previous.domains) {
        auto it = now.find(d.uuid);
        if (it == now.end() || restarted(d, *it->second))
            ended.insert(d.uuid);
    }
    return ended;
}

}  // namespace vcpusched
