// Which domains the daemon manages: include/exclude shell globs on the domain name.
#include <fnmatch.h>

#include "vcpusched/policy.hpp"

namespace vcpusched {

namespace {

bool matches_any(const std::string& name, const std::vector<std::string>& globs) {
    for (const auto& glob : globs)
        if (fnmatch(glob.c_str(), name.c_str(), 0) == 0)
            return true;
    return false;
}

}  // namespace

bool domain_managed(const std::string& name, const PolicyConfig& policy) {
    if (!policy.include.empty() && !matches_any(name, policy.include))
        return false;
    return !matches_any(name, policy.exclude);
}

}  // namespace vcpusched
