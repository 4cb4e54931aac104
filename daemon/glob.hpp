// Checks a domain-name glob (fnmatch syntax: * ? [set] [!set] \x) before it is used.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vcpusched::daemon {

// What is wrong with the pattern, or nullopt when fnmatch will read it as the writer meant.
// fnmatch itself never fails: an unclosed "[" silently matches a literal "[", so a typo would
// quietly select no domain at all.
std::optional<std::string> glob_error(std::string_view pattern);

}  // namespace vcpusched::daemon
