// Fuzzes CpuSet::parse: any text is either a set that formats and parses back to itself, or a
// clean vcpusched::Error; nothing else may escape, crash or leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vcpusched/cpuset.hpp"
#include "vcpusched/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    vcpusched::CpuSet set;
    try {
        set = vcpusched::CpuSet::parse(text);
    } catch (const vcpusched::Error& e) {
        if (std::string_view(e.what()).empty())
            std::abort();  // a rejection must say why
        return 0;
    }
    if (!(vcpusched::CpuSet::parse(set.format()) == set))
        std::abort();  // format() and parse() disagree
    return 0;
}
