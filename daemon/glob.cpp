// glob_error: the few ways an fnmatch pattern can be malformed.
#include "glob.hpp"

namespace vcpusched::daemon {

std::optional<std::string> glob_error(std::string_view pattern) {
    if (pattern.empty())
        return "empty pattern";
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\') {
            if (i + 1 == pattern.size())
                return "ends with a lone backslash";
            ++i;
        } else if (c == '[') {
            std::size_t j = i + 1;
            if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^'))
                ++j;
            if (j < pattern.size() && pattern[j] == ']')
                ++j;  // a "]" first in the set is a member, not the end
            while (j < pattern.size() && pattern[j] != ']')
                ++j;
            if (j == pattern.size())
                return "\"[\" at position " + std::to_string(i) + " is never closed";
            i = j;
        }
    }
    return std::nullopt;
}

}  // namespace vcpusched::daemon
