// Which domains' runs ended between two samples: vanished, restarted (new id), counters reset.
#pragma once

#include <set>
#include <string>

#include "vcpusched/sample.hpp"

namespace vcpusched {

// UUIDs of the domains of `previous` that are not the same run in `current`: gone, a different
// hypervisor id, or a vCPU whose run time went backwards (the domain was restarted in between).
// What the daemon learnt about such a domain (re-pins by others, refused pins) is stale.
std::set<std::string> ended_runs(const HostSample& previous, const HostSample& current);

// The UUIDs in a sample.
std::set<std::string> uuids(const HostSample& sample);

}  // namespace vcpusched
