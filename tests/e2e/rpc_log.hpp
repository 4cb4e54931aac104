// Round trips as libvirt itself logs them on the client side: each RPC call the daemon sends
// (LIBVIRT_LOG_FILTERS="2:rpc.netclient" logs RPC_CLIENT_MSG_TX_QUEUE per message), split into
// cycles at each bulk-stats call, so the count does not depend on the daemon's own bookkeeping.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace e2e {

// The environment that makes a libvirt client log every RPC message it sends to `path`.
std::vector<std::pair<std::string, std::string>> rpc_log_environment(const std::string& path);

struct RpcCall {
    unsigned program = 0;    // 0x20008086 = the remote driver's program
    unsigned procedure = 0;  // remote_protocol.x numbers, e.g. 344 connect_get_all_domain_stats
};

// The calls (type=0 messages; replies, events and keepalives are not calls) in a client log.
std::vector<RpcCall> parse_rpc_calls(std::string_view log);

// Every cycle starts with one virConnectGetAllDomainStats call; calls before the first are
// the connection's set-up, and the calls after the last one are dropped (that cycle may be
// cut short by the stop, and the close belongs to no cycle).
struct RpcCycles {
    std::vector<RpcCall> setup;
    std::vector<std::vector<RpcCall>> cycles;  // complete cycles only
};
RpcCycles split_into_cycles(const std::vector<RpcCall>& calls);

// Round trips per cycle over cycles [from, end): the most common count (the steady cost), how
// many cycles had each count, and the procedures of every call beyond the most common count.
struct RoundTrips {
    int steady = -1;
    int cycles = 0;
    std::map<int, int> histogram;         // calls per cycle -> cycles
    std::map<unsigned, int> extra_calls;  // procedure -> calls beyond `steady`
    std::string describe() const;
};
RoundTrips round_trips(const RpcCycles& split, std::size_t from);

// The procedure's name for the calls the daemon makes (else "proc N").
std::string procedure_name(unsigned procedure);

}  // namespace e2e
