// Rng: uniform, integer and normal draws from mt19937_64, and splitmix64 seed derivation.
#include "vcpusched/sim/random.hpp"

#include <cmath>
#include <numbers>

namespace vcpusched::sim {

double Rng::uniform() {
    // The top 53 bits fill a double's mantissa exactly.
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

int Rng::uniform_int(int lo, int hi) {
    if (hi <= lo)
        return lo;
    auto span = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo + 1);
    return static_cast<int>(lo + static_cast<std::int64_t>(engine_() % span));
}

double Rng::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    double u1 = 1.0 - uniform();  // (0, 1]: log() stays finite
    double u2 = uniform();
    double r = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(angle);
    has_spare_ = true;
    return r * std::cos(angle);
}

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
    return splitmix64(splitmix64(splitmix64(seed) ^ a) ^ b);
}

}  // namespace vcpusched::sim
