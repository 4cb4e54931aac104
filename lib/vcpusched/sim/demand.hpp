// One vCPU's demand over simulated time, following its profile with its own random stream.
#pragma once

#include <chrono>
#include <cstdint>

#include "vcpusched/sim/random.hpp"
#include "vcpusched/sim/scenario.hpp"

namespace vcpusched::sim {

class DemandSource {
  public:
    DemandSource(const DemandProfile& profile, std::uint64_t seed);

    // The demand during the tick starting at t, in [0, 1]. Call once per tick, in time order:
    // the random walk and the noise advance with each call.
    double next(std::chrono::nanoseconds t);

  private:
    DemandProfile profile_;
    Rng rng_;
    double walk_;
};

// Throws Error naming `where` when a profile's numbers make no sense (negative noise, …).
void validate(const DemandProfile& profile, const std::string& where);

}  // namespace vcpusched::sim
