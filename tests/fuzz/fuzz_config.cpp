// Fuzzes parse_config: any text gives a Config or errors that name the file and say what is
// wrong; it never throws, crashes or leaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const vcpusched::daemon::ConfigLoad load = vcpusched::daemon::parse_config(text, "fuzz.yaml");
    if (load.ok() == !load.errors.empty())
        std::abort();  // a config or errors, never both or neither
    for (const auto& e : load.errors)
        if (e.file != "fuzz.yaml" || e.what.empty() || e.format().empty())
            std::abort();
    return 0;
}
