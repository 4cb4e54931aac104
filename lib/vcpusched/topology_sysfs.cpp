// Reads each pCPU's L3 cache id from the kernel's cache tree in sysfs.
#include "vcpusched/topology_sysfs.hpp"

#include <charconv>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

namespace vcpusched {

namespace {

std::optional<int> read_int(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string text;
    if (!in || !std::getline(in, text))
        return std::nullopt;
    int value = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

std::optional<int> l3_id(const std::filesystem::path& cache_dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(cache_dir, ec)) {
        if (!entry.path().filename().string().starts_with("index"))
            continue;
        if (read_int(entry.path() / "level") == 3)
            return read_int(entry.path() / "id");
    }
    return std::nullopt;
}

}  // namespace

bool fill_l3_from_sysfs(Topology& topology, const std::filesystem::path& cpu_root) {
    std::vector<int> ids;
    for (const auto& p : topology.pcpus) {
        auto id = l3_id(cpu_root / ("cpu" + std::to_string(p.id)) / "cache");
        if (!id)
            return false;
        ids.push_back(*id);
    }
    for (std::size_t i = 0; i < ids.size(); ++i)
        topology.pcpus[i].cache = ids[i];
    return !ids.empty();
}

}  // namespace vcpusched
