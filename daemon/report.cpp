// Text of a cycle: the lines people read in the log, in systemctl status and after --once.
#include "report.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>

namespace vcpusched::daemon {

namespace {

std::string percent(double share) {
    return fmt::format("{:.0f}%", share * 100.0);
}

std::string pcpu_name(int id) {
    return id < 0 ? "unpinned" : fmt::format("pCPU {}", id);
}

std::size_t domain_count(const LoadReport& load) {
    std::set<std::string> uuids;
    for (const auto& v : load.vcpus)
        uuids.insert(v.ref.domain_uuid);
    return uuids.size();
}

std::size_t done_count(const CycleReport& report) {
    std::size_t n = 0;
    for (const auto& r : report.results)
        n += r.outcome == MoveOutcome::Done ? 1 : 0;
    return n;
}

std::string outcome_text(const MoveResult& r) {
    switch (r.outcome) {
        case MoveOutcome::Done:
            return "done";
        case MoveOutcome::DomainGone:
            return "domain gone";
        case MoveOutcome::Failed:
            return "failed: " + r.message;
        case MoveOutcome::Skipped:
            return "skipped";
    }
    return "?";
}

}  // namespace

std::string describe_move(const Move& move, const Plan& plan) {
    // "pCPU 0 → 3" reads best; an unpinned vCPU has no number to put first.
    std::string to = move.from < 0 ? pcpu_name(move.to) : std::to_string(move.to);
    std::string text = fmt::format("{} vcpu {}: {} → {} (demand {}", move.vcpu.domain_name,
                                   move.vcpu.vcpu, pcpu_name(move.from), to, percent(move.demand));
    for (std::size_t i = 0; i < plan.pcpu_ids.size(); ++i) {
        if (plan.pcpu_ids[i] == move.from && i < plan.load_before.size() &&
            i < plan.load_after.size()) {
            text += fmt::format(", pCPU {} at {} → {}", move.from, percent(plan.load_before[i]),
                                percent(plan.load_after[i]));
        }
    }
    return text + ")";
}

std::vector<JournalField> move_fields(const Move& move) {
    return {
        {"VCPU_DOMAIN", move.vcpu.domain_name},
        {"VCPU_DOMAIN_UUID", move.vcpu.domain_uuid},
        {"VCPU_ID", std::to_string(move.vcpu.vcpu)},
        {"VCPU_FROM", std::to_string(move.from)},
        {"VCPU_TO", std::to_string(move.to)},
        {"VCPU_DEMAND", fmt::format("{:.0f}", move.demand * 100.0)},
    };
}

std::string status_line(const CycleReport& report) {
    const LoadReport& load = report.load;
    std::string text = fmt::format("{} domains, {} vCPUs on {} pCPUs", domain_count(load),
                                   load.vcpus.size(), load.pcpus.size());
    if (report.baseline)
        return text + ", first sample: measuring";
    const Plan& plan = report.plan;
    if (plan.moves.empty())
        return text + fmt::format(", spread {:.1f} points, 0 moves", load.spread());
    text += fmt::format(", spread {:.1f} → {:.1f} points", plan.spread_before, plan.spread_after);
    if (report.results.empty())
        return text + fmt::format(", {} moves planned (dry run)", plan.moves.size());
    return text + fmt::format(", {} moves", done_count(report));
}

std::string once_report(const CycleReport& report, bool dry_run) {
    const LoadReport& load = report.load;
    std::string out = fmt::format("interval {:.2f} s, {}\n", load.interval_s, status_line(report));
    out += "pCPU loads:";
    for (const auto& p : load.pcpus)
        out += fmt::format(" {}={}", p.id, percent(p.load));
    out += "\n";
    for (const auto& v : load.vcpus) {
        out += fmt::format("  {} vcpu {} on {}: demand {} (run {}, delay {}){}\n",
                           v.ref.domain_name, v.ref.vcpu, pcpu_name(v.pcpu), percent(v.demand),
                           percent(v.run), percent(v.delay), v.uncertain ? " uncertain" : "");
    }
    const Plan& plan = report.plan;
    out += fmt::format("plan: {} moves, spread {:.1f} → {:.1f} points: {}\n", plan.moves.size(),
                       plan.spread_before, plan.spread_after, plan.reason);
    for (std::size_t i = 0; i < plan.moves.size(); ++i) {
        std::string outcome = dry_run                     ? "not pinned (dry run)"
                              : i < report.results.size() ? outcome_text(report.results[i])
                                                          : "not applied";
        out += fmt::format("  {}: {}\n", describe_move(plan.moves[i], plan), outcome);
    }
    return out;
}

}  // namespace vcpusched::daemon
