// What the backend knows of every running vCPU's affinity, so that a sample needs no per-domain
// call: filled by full reads, kept current by our own pins and by tunable events, and able to
// tell a re-pin made by someone else from the echo of our own.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "vcpusched/cpuset.hpp"
#include "vcpusched/sample.hpp"

namespace vcpusched::libvirt {

class AffinityCache {
  public:
    // Whether the domain (its UUID and the libvirt id of this run: a restart changes it) is
    // known with an affinity for each of vcpus, or was last read when its stats listed exactly
    // these vcpus (a vCPU the pin read does not cover must not cause a read every sample).
    bool knows(const std::string& uuid, int domain_id, const std::vector<int>& vcpus) const;

    // A full read of the domain's pins (by vCPU id; an empty set = no such vCPU) at sample
    // number `sample`. The first read of a run of the domain is its starting placement; a
    // later read that differs from what we know is a re-pin by someone else.
    // listed: the vCPU ids the stats showed when the read was made.
    void read(const std::string& uuid, const std::string& name, int domain_id,
              const std::vector<CpuSet>& by_vcpu, std::uint64_t sample,
              const std::vector<int>& listed = {});

    // We pinned the vCPU ourselves and libvirt accepted it.
    void pinned(const std::string& uuid, int vcpu, const CpuSet& cpus);

    // A tunable event reported the vCPU's pin. Events echo our own pins, possibly late and
    // after a newer pin of ours: those are recognised and do not count as external.
    void observed(const std::string& uuid, int domain_id, int vcpu, const CpuSet& cpus);

    // The known affinity, or an empty set.
    CpuSet affinity(const std::string& uuid, int vcpu) const;

    // Up to `limit` domains whose last full read is at least `every` samples before `sample`,
    // least recently read first.
    std::vector<std::string> due(std::uint64_t sample, std::uint64_t every,
                                 std::size_t limit) const;

    // Forgets every domain not in running (domains that stopped or vanished).
    void keep_only(const std::set<std::string>& running);
    void clear();
    std::size_t size() const { return domains_.size(); }

    // The vCPUs found re-pinned by someone else since the last call, each once.
    std::vector<VcpuRef> take_external_repins();

  private:
    // Our own pins not yet echoed by an event; bounded, since some drivers send no events.
    static constexpr std::size_t kMaxPending = 4;

    struct Entry {
        CpuSet cpus;
        std::deque<CpuSet> own_pending;
    };
    struct Domain {
        std::string name;
        int domain_id = -1;
        std::uint64_t last_read = 0;
        std::vector<int> listed;
        std::map<int, Entry> vcpus;
    };

    void external(const std::string& uuid, const Domain& domain, int vcpu);

    std::map<std::string, Domain> domains_;
    std::vector<VcpuRef> external_;
};

}  // namespace vcpusched::libvirt
