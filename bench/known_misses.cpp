// Reads the known-miss list and compares it with a run's target checks.
#include "known_misses.hpp"

#include <algorithm>
#include <fstream>

#include "vcpusched/error.hpp"

namespace vcpusched::bench {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return "";
    auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

bool same(const TargetCheck& c, const KnownMiss& k) {
    return c.target == k.target && c.scenario == k.scenario;
}

}  // namespace

std::vector<KnownMiss> load_known_misses(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw Error(path + ": cannot read");
    std::vector<KnownMiss> out;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        line = trim(line.substr(0, line.find('#')));
        if (line.empty())
            continue;
        auto a = line.find('|');
        auto b = a == std::string::npos ? a : line.find('|', a + 1);
        if (b == std::string::npos || trim(line.substr(b + 1)).empty())
            throw Error(path + ":" + std::to_string(n) +
                        ": expected \"target | scenario | why\" (the why is required)");
        out.push_back({trim(line.substr(0, a)), trim(line.substr(a + 1, b - a - 1))});
    }
    return out;
}

std::vector<std::string> compare_with_known_misses(const std::vector<TargetCheck>& checks,
                                                   const std::vector<KnownMiss>& known) {
    std::vector<std::string> out;
    for (const auto& c : checks) {
        bool listed =
            std::any_of(known.begin(), known.end(), [&](const KnownMiss& k) { return same(c, k); });
        if (!c.ok && !listed)
            out.push_back("new miss: " + c.target + " [" + c.scenario + "]: " + c.detail);
        if (c.ok && listed)
            out.push_back("known miss now met (remove it from the list): " + c.target + " [" +
                          c.scenario + "]");
    }
    for (const auto& k : known)
        if (std::none_of(checks.begin(), checks.end(),
                         [&](const TargetCheck& c) { return same(c, k); }))
            out.push_back("known miss names no check: " + k.target + " [" + k.scenario + "]");
    return out;
}

}  // namespace vcpusched::bench
