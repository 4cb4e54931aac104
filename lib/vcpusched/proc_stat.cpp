// /proc/stat reader: cpuN lines to cumulative busy/idle nanoseconds per pCPU.
#include "vcpusched/proc_stat.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "vcpusched/error.hpp"

namespace vcpusched {

namespace {

[[noreturn]] void fail(std::string_view origin, std::size_t line, const std::string& why) {
    throw Error(std::string(origin) + ":" + std::to_string(line) + ": " + why);
}

std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
            ++pos;
        std::size_t start = pos;
        while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t')
            ++pos;
        if (pos > start)
            fields.push_back(line.substr(start, pos - start));
    }
    return fields;
}

}  // namespace

std::vector<PcpuTimes> parse_proc_stat(std::string_view text, std::string_view origin,
                                       long ticks_per_second) {
    if (ticks_per_second <= 0 || ticks_per_second > 1'000'000'000)
        throw Error(std::string(origin) + ": bad tick rate " + std::to_string(ticks_per_second));
    const std::uint64_t ns_per_tick =
        1'000'000'000ULL / static_cast<std::uint64_t>(ticks_per_second);
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

    std::vector<PcpuTimes> cpus;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        // "cpu " is the host total; only "cpuN" lines are per pCPU.
        if (line.size() < 4 || !line.starts_with("cpu") || line[3] < '0' || line[3] > '9')
            continue;
        auto fields = fields_of(line);
        int id = -1;
        std::string_view name = fields[0].substr(3);
        auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
        if (ec != std::errc() || p != name.data() + name.size() || id < 0)
            fail(origin, line_no, "bad CPU name \"" + std::string(fields[0]) + "\"");
        // user nice system idle are present on every kernel; the rest arrived over time.
        if (fields.size() < 5)
            fail(origin, line_no,
                 "cpu" + std::to_string(id) + " has " + std::to_string(fields.size() - 1) +
                     " counters, expected at least 4");
        std::uint64_t ticks[8] = {};
        for (std::size_t i = 1; i < fields.size() && i <= 8; ++i) {
            std::string_view f = fields[i];
            auto [q, ec2] = std::from_chars(f.data(), f.data() + f.size(), ticks[i - 1]);
            if (ec2 != std::errc() || q != f.data() + f.size())
                fail(origin, line_no,
                     "cpu" + std::to_string(id) + " counter " + std::to_string(i) +
                         " is not a number: \"" + std::string(f) + "\"");
        }
        enum { kUser, kNice, kSystem, kIdle, kIowait, kIrq, kSoftirq, kSteal };
        std::uint64_t busy_ticks = 0, idle_ticks = 0;
        bool overflow = false;
        for (int i : {kUser, kNice, kSystem, kIrq, kSoftirq, kSteal})
            overflow |= __builtin_add_overflow(busy_ticks, ticks[i], &busy_ticks);
        overflow |= __builtin_add_overflow(ticks[kIdle], ticks[kIowait], &idle_ticks);
        if (overflow || busy_ticks > kMax / ns_per_tick || idle_ticks > kMax / ns_per_tick)
            fail(origin, line_no, "cpu" + std::to_string(id) + " counters overflow");
        if (std::any_of(cpus.begin(), cpus.end(), [&](const PcpuTimes& t) { return t.id == id; }))
            fail(origin, line_no, "cpu" + std::to_string(id) + " listed twice");
        cpus.push_back({id, busy_ticks * ns_per_tick, idle_ticks * ns_per_tick});
    }
    if (cpus.empty())
        throw Error(std::string(origin) + ": no cpuN lines");
    std::sort(cpus.begin(), cpus.end(),
              [](const PcpuTimes& a, const PcpuTimes& b) { return a.id < b.id; });
    return cpus;
}

std::vector<PcpuTimes> read_proc_stat(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string() + ": cannot open: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw Error(path.string() + ": read error");
    return parse_proc_stat(text.str(), path.string(), sysconf(_SC_CLK_TCK));
}

}  // namespace vcpusched
