// Turns two host samples into a LoadReport: the arithmetic of counters, gaps and demand.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "vcpusched/load_report.hpp"
#include "vcpusched/sample.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched {

struct MeasureOptions {
    double smoothing = 0.5;        // EWMA weight kept from the previous demand (0 = none)
    double saturated_idle = 0.05;  // a pCPU with less idle share than this is saturated
};

// What measure() remembers between cycles: each vCPU's smoothed demand and its last demand
// measured while it was not starved (on a saturated pCPU run time hides demand).
class DemandHistory {
  public:
    struct Entry {
        double smoothed = 0;
        double unstarved = -1;   // -1 = never measured unstarved
        bool uncertain = false;  // smoothed holds a saturated guess, not a measurement
    };
    const Entry* find(const VcpuRef& v) const;
    // Takes the report's demands as the new memory; forgets vCPUs that are gone.
    void update(const LoadReport& report);
    void clear() { entries_.clear(); }
    std::size_t size() const { return entries_.size(); }

  private:
    std::map<std::pair<std::string, int>, Entry> entries_;
};

// Pure: no I/O, no clock. Domains present only in `current` get fresh entries; counters that
// went backwards (domain restarted) count as a new baseline; a zero interval yields zero loads.
LoadReport measure(const HostSample& previous, const HostSample& current, const Topology& topology,
                   const DemandHistory& history, const MeasureOptions& options);

}  // namespace vcpusched
