// DemandSource: constant, step, periodic and mean-reverting random-walk demand, plus noise.
#include "vcpusched/sim/demand.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "vcpusched/error.hpp"

namespace vcpusched::sim {

DemandSource::DemandSource(const DemandProfile& profile, std::uint64_t seed)
    : profile_(profile), rng_(seed), walk_(std::clamp(profile.level, 0.0, 1.0)) {}

double DemandSource::next(std::chrono::nanoseconds t) {
    double base = profile_.level;
    switch (profile_.kind) {
        case ProfileKind::Constant:
            break;
        case ProfileKind::Step:
            base = t < profile_.at ? profile_.level : profile_.to;
            break;
        case ProfileKind::Periodic: {
            double phase =
                static_cast<double>(t.count()) / static_cast<double>(profile_.period.count());
            base = profile_.level + profile_.amplitude * std::sin(2 * std::numbers::pi * phase);
            break;
        }
        case ProfileKind::RandomWalk:
            walk_ += profile_.revert * (profile_.level - walk_) + profile_.sigma * rng_.normal();
            walk_ = std::clamp(walk_, 0.0, 1.0);
            base = walk_;
            break;
    }
    if (profile_.noise > 0)
        base += profile_.noise * rng_.normal();
    return std::clamp(base, 0.0, 1.0);
}

void validate(const DemandProfile& p, const std::string& where) {
    auto fail = [&](const std::string& why) { throw Error(where + ": demand: " + why); };
    auto share = [&](double v, const char* name) {
        if (!(v >= 0 && v <= 1))
            fail(std::string(name) + " " + std::to_string(v) + " is not in [0, 1]");
    };
    share(p.level, "level");
    if (p.noise < 0 || p.sigma < 0)
        fail("noise and sigma must not be negative");
    if (p.kind == ProfileKind::Step) {
        share(p.to, "to");
        if (p.at.count() < 0)
            fail("step time must not be negative");
    }
    if (p.kind == ProfileKind::Periodic && p.period.count() <= 0)
        fail("periodic profile needs a positive period");
    if (p.kind == ProfileKind::RandomWalk && (p.revert < 0 || p.revert > 1))
        fail("revert must be in [0, 1]");
}

}  // namespace vcpusched::sim
