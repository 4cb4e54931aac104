// Reads VmHWM, VmRSS, RssAnon and RssFile from /proc/PID/status.
#include "proc_status.hpp"

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

#include "vcpusched/error.hpp"

namespace vcpusched::bench {

namespace {

// "VmHWM:\t   23356 kB" -> 23356 * 1024; nullopt-like false when the line is not that field.
bool field_bytes(std::string_view line, std::string_view name, std::uint64_t& out) {
    if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ':')
        return false;
    std::string_view rest = line.substr(name.size() + 1);
    const auto begin = rest.find_first_not_of(" \t");
    if (begin == std::string_view::npos)
        return false;
    rest.remove_prefix(begin);
    std::uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || std::string_view(ptr, rest.data() + rest.size()) != " kB")
        return false;
    out = value * 1024;
    return true;
}

}  // namespace

ProcMemory parse_proc_status(std::string_view text) {
    ProcMemory m;
    bool has_peak = false;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        has_peak = field_bytes(line, "VmHWM", m.peak_rss) || has_peak;
        field_bytes(line, "VmRSS", m.rss);
        field_bytes(line, "RssAnon", m.rss_anon);
        field_bytes(line, "RssFile", m.rss_file);
    }
    if (!has_peak)
        throw Error("process status has no VmHWM line (a kernel thread or a zombie?)");
    return m;
}

ProcMemory read_proc_memory(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    std::ifstream in(path);
    if (!in)
        throw Error(path + ": cannot read");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    try {
        return parse_proc_status(text);
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

}  // namespace vcpusched::bench
