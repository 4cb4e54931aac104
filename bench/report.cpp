// Markdown for people, JSON for tools; both from the same QualityResult values.
#include "report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace vcpusched::bench {

namespace {

std::string num(double v, int decimals) {
    if (!std::isfinite(v))
        return "null";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

}  // namespace

std::string markdown_table(const std::vector<QualityResult>& results) {
    std::ostringstream out;
    out << "| scenario | policy | spread (pt) | best now / late (pt) | max/LB | converged "
           "(periods) | moves | after conv. | served |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& r : results) {
        out << "| " << r.scenario << " | " << r.policy << " | ";
        if (!r.error.empty()) {
            out << "error: " << r.error << " | | | | | | |\n";
            continue;
        }
        out << num(r.final_spread, 2) << " | " << num(r.final_reference.spread, 2) << " / "
            << num(r.final_late_spread, 2) << " | " << num(r.final_ratio, 3) << " | "
            << (r.worst_convergence < 0 ? std::string("never")
                                        : std::to_string(r.worst_convergence))
            << " | " << r.moves << " | " << r.moves_after_convergence << " | "
            << num(r.served * 100, 1) << " % |\n";
    }
    return out.str();
}

std::string markdown_checks(const std::vector<TargetCheck>& checks, bool failures_only) {
    std::ostringstream out;
    for (const auto& c : checks) {
        if (failures_only && c.ok)
            continue;
        out << "- " << (c.ok ? "PASS" : "FAIL") << " " << c.target;
        if (!c.scenario.empty())
            out << " [" << c.scenario << "]";
        out << ": " << c.detail << "\n";
    }
    return out.str();
}

std::string to_json(const std::vector<QualityResult>& results,
                    const std::vector<TargetCheck>& checks) {
    std::ostringstream out;
    out << "{\n  \"results\": [";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        out << (i ? ",\n" : "\n") << "    {\"scenario\": " << quoted(r.scenario)
            << ", \"policy\": " << quoted(r.policy);
        if (!r.error.empty()) {
            out << ", \"error\": " << quoted(r.error) << "}";
            continue;
        }
        out << ", \"final_spread_points\": " << num(r.final_spread, 3)
            << ", \"reference_spread_points\": " << num(r.final_reference.spread, 3)
            << ", \"late_reference_spread_points\": " << num(r.final_late_spread, 3)
            << ", \"max_load_ratio\": " << num(r.final_ratio, 4) << ", \"periods_to_converge\": "
            << (r.worst_convergence < 0 ? std::string("null") : std::to_string(r.worst_convergence))
            << ", \"moves\": " << r.moves
            << ", \"moves_after_convergence\": " << r.moves_after_convergence
            << ", \"served_share\": " << num(r.served, 4)
            << ", \"cross_node_pins\": " << r.cross_node_pins << ", \"segments\": [";
        for (std::size_t s = 0; s < r.segments.size(); ++s) {
            const auto& seg = r.segments[s];
            out << (s ? ", " : "") << "{\"first\": " << seg.first << ", \"last\": " << seg.last
                << ", \"threshold\": " << num(seg.threshold, 3)
                << ", \"late_reference\": " << num(seg.late_spread, 3) << ", \"converged_at\": "
                << (seg.converged_at < 0 ? std::string("null") : std::to_string(seg.converged_at))
                << ", \"moves_after\": " << seg.moves_after << "}";
        }
        out << "], \"spread_by_period\": [";
        for (std::size_t p = 0; p < r.periods.size(); ++p)
            out << (p ? ", " : "") << num(r.periods[p].spread, 2);
        out << "], \"moves_by_period\": [";
        for (std::size_t p = 0; p < r.periods.size(); ++p)
            out << (p ? ", " : "") << r.periods[p].moves;
        out << "]}";
    }
    out << "\n  ],\n  \"targets\": [";
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto& c = checks[i];
        out << (i ? ",\n" : "\n") << "    {\"target\": " << quoted(c.target)
            << ", \"scenario\": " << quoted(c.scenario) << ", \"ok\": " << (c.ok ? "true" : "false")
            << ", \"detail\": " << quoted(c.detail) << "}";
    }
    out << "\n  ]\n}\n";
    return out.str();
}

}  // namespace vcpusched::bench
