// Parses libvirt's client-side RPC log into calls and cycles.
#include "rpc_log.hpp"

#include <algorithm>
#include <charconv>

namespace e2e {

namespace {

constexpr unsigned kRemoteProgram = 0x20008086;
constexpr unsigned kGetAllDomainStats = 344;

// The number after " key=" in a log line; false when absent.
bool field(std::string_view line, std::string_view key, unsigned& out) {
    const std::string needle = " " + std::string(key) + "=";
    const auto at = line.find(needle);
    if (at == std::string_view::npos)
        return false;
    const char* begin = line.data() + at + needle.size();
    auto [ptr, ec] = std::from_chars(begin, line.data() + line.size(), out);
    return ec == std::errc() && ptr != begin;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> rpc_log_environment(const std::string& path) {
    // rpc.netclient logs its probes at info level; nothing else is let through.
    return {{"LIBVIRT_LOG_FILTERS", "2:rpc.netclient"}, {"LIBVIRT_LOG_OUTPUTS", "2:file:" + path}};
}

std::vector<RpcCall> parse_rpc_calls(std::string_view log) {
    std::vector<RpcCall> calls;
    while (!log.empty()) {
        const auto end = log.find('\n');
        const std::string_view line = log.substr(0, end);
        log = end == std::string_view::npos ? std::string_view() : log.substr(end + 1);
        if (line.find("RPC_CLIENT_MSG_TX_QUEUE:") == std::string_view::npos)
            continue;
        RpcCall call;
        unsigned type = 0;
        if (field(line, "prog", call.program) && field(line, "proc", call.procedure) &&
            field(line, "type", type) && type == 0)
            calls.push_back(call);
    }
    return calls;
}

RpcCycles split_into_cycles(const std::vector<RpcCall>& calls) {
    RpcCycles split;
    std::vector<RpcCall>* current = &split.setup;
    std::vector<RpcCall> open;
    bool in_cycle = false;
    for (const auto& call : calls) {
        if (call.program == kRemoteProgram && call.procedure == kGetAllDomainStats) {
            if (in_cycle)
                split.cycles.push_back(std::move(open));
            open.clear();
            current = &open;
            in_cycle = true;
        }
        current->push_back(call);
    }
    return split;
}

RoundTrips round_trips(const RpcCycles& split, std::size_t from) {
    RoundTrips r;
    for (std::size_t i = from; i < split.cycles.size(); ++i)
        ++r.histogram[static_cast<int>(split.cycles[i].size())];
    r.cycles = static_cast<int>(split.cycles.size() - std::min(from, split.cycles.size()));
    int most = 0;
    for (const auto& [count, cycles] : r.histogram) {
        if (cycles > most) {
            most = cycles;
            r.steady = count;
        }
    }
    for (std::size_t i = from; i < split.cycles.size(); ++i) {
        const auto& cycle = split.cycles[i];
        for (std::size_t c = 0; c < cycle.size(); ++c) {
            if (r.steady >= 0 && c >= static_cast<std::size_t>(r.steady))
                ++r.extra_calls[cycle[c].procedure];
        }
    }
    return r;
}

std::string RoundTrips::describe() const {
    std::string text = std::to_string(steady) + " per cycle in " +
                       std::to_string(histogram.count(steady) ? histogram.at(steady) : 0) + " of " +
                       std::to_string(cycles) + " cycles";
    for (const auto& [count, n] : histogram) {
        if (count != steady)
            text += ", " + std::to_string(count) + " in " + std::to_string(n);
    }
    if (!extra_calls.empty()) {
        text += " (extra calls:";
        for (const auto& [procedure, n] : extra_calls)
            text += " " + std::to_string(n) + "× " + procedure_name(procedure);
        text += ")";
    }
    return text;
}

std::string procedure_name(unsigned procedure) {
    // remote_protocol.x; checked on this host by the calls `virsh domstats`, `capabilities`,
    // `nodeinfo` and `vcpupin` (read, set) send.
    switch (procedure) {
        case 6:
            return "node_get_info";
        case 7:
            return "connect_get_capabilities";
        case 225:
            return "domain_pin_vcpu_flags";
        case 230:
            return "domain_get_vcpu_pin_info";
        case 293:
            return "node_get_cpu_map";
        case 344:
            return "connect_get_all_domain_stats";
        default:
            return "proc " + std::to_string(procedure);
    }
}

}  // namespace e2e
