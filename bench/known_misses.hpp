// Targets `balance` is known to miss (issue 5 still open), read from bench/known-misses.txt so
// the check catches every new miss and every known miss that starts passing (a stale entry).
#pragma once

#include <string>
#include <vector>

#include "targets.hpp"

namespace vcpusched::bench {

struct KnownMiss {
    std::string target;
    std::string scenario;  // empty = host-wide target
};

// Lines "target | scenario | why"; '#' starts a comment. Throws Error naming file:line.
std::vector<KnownMiss> load_known_misses(const std::string& path);

// One line per disagreement between the checks and the list; empty = as expected.
std::vector<std::string> compare_with_known_misses(const std::vector<TargetCheck>& checks,
                                                   const std::vector<KnownMiss>& known);

}  // namespace vcpusched::bench
