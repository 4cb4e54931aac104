// How a cycle reads to people: pin lines, journal fields, the STATUS line, the --once report.
#pragma once

#include <string>
#include <vector>

#include "journal.hpp"
#include "vcpusched/cycle.hpp"

namespace vcpusched::daemon {

// "web01 vcpu 1: pCPU 0 → 3 (demand 62%, pCPU 0 at 141% → 79%)"
std::string describe_move(const Move& move, const Plan& plan);
// VCPU_DOMAIN, VCPU_DOMAIN_UUID, VCPU_ID, VCPU_FROM, VCPU_TO, VCPU_DEMAND (percent).
std::vector<JournalField> move_fields(const Move& move);
// One line for systemd's STATUS=: domains, vCPUs, pCPUs, spread, moves.
std::string status_line(const CycleReport& report);
// The multi-line report --once prints: loads, the plan, and what became of each move.
std::string once_report(const CycleReport& report, bool dry_run);

}  // namespace vcpusched::daemon
