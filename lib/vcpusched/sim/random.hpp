// Deterministic random numbers for the simulator: a standard engine with our own distributions.
#pragma once

#include <cstdint>
#include <random>

namespace vcpusched::sim {

// std::mt19937_64's output is fixed by the standard, but std::*_distribution are not, so the
// distributions are written out here: the same seed gives the same run with any libstdc++/libc++.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    // Uniform in [0, 1).
    double uniform();
    // Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [lo, hi], both included.
    int uniform_int(int lo, int hi);
    // Standard normal (Box-Muller).
    double normal();

  private:
    std::mt19937_64 engine_;
    bool has_spare_ = false;
    double spare_ = 0;
};

// Mixes a seed with two indices into an independent stream seed (splitmix64), so that each
// vCPU's randomness does not depend on how many other vCPUs exist.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

}  // namespace vcpusched::sim
