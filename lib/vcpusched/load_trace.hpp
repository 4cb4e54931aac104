// At trace level, what a cycle measured: each vCPU's run, wait and demand, each pCPU's load.
#pragma once

#include "vcpusched/load_report.hpp"
#include "vcpusched/log.hpp"

namespace vcpusched {

// One line per vCPU and one per pCPU, so that an operator running `--log-level trace` can see
// the numbers a plan was made from (which demands were guesses, which pCPUs had no idle time).
void trace_loads(Log& log, const LoadReport& report);

}  // namespace vcpusched
