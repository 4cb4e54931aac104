// cost_scenario(): a big, randomly pinned, moderately loaded host.
#include "cost_scenario.hpp"

#include <algorithm>
#include <string>

#include "vcpusched/sim/random.hpp"

namespace vcpusched::bench {

sim::Scenario cost_scenario(int pcpus, int vcpus, std::uint64_t seed) {
    sim::Scenario s;
    s.seed = seed;
    s.host.sockets = 1;
    s.host.cores = pcpus;
    s.tick = std::chrono::seconds(2);
    sim::Rng rng(seed);
    const double mean = std::min(0.6, 0.7 * pcpus / std::max(vcpus, 1));
    for (int made = 0, d = 0; made < vcpus; ++d) {
        sim::DomainSpec dom;
        dom.name = "vm" + std::to_string(d);
        dom.uuid = "cost-" + std::to_string(d);
        for (int j = 0; j < 4 && made < vcpus; ++j, ++made) {
            sim::VcpuSpec v;
            v.demand.level = rng.uniform(0.2 * mean, std::min(1.0, 1.8 * mean));
            v.demand.noise = 0.1 * mean;
            v.affinity = CpuSet{rng.uniform_int(0, pcpus - 1)};
            dom.vcpus.push_back(std::move(v));
        }
        s.domains.push_back(std::move(dom));
    }
    return s;
}

}  // namespace vcpusched::bench
