// --once: two samples one period apart, plan, apply (unless dry run), print the report, exit.
#pragma once

#include <ostream>

#include "balancer.hpp"
#include "config.hpp"
#include "logging.hpp"
#include "signals.hpp"

namespace vcpusched::daemon {

// Returns the exit code: 0 done (or stopped by a signal), 1 libvirt unreachable or failing.
int run_once(const Config& config, Balancer& balancer, Clock& clock, SignalWaiter& waiter,
             Logger& log, std::ostream& out);

}  // namespace vcpusched::daemon
