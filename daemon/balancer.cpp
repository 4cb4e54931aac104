// CycleBalancer: owns the hypervisor connection and the Cycle that runs over it.
#include "balancer.hpp"

#include "vcpusched/error.hpp"

namespace vcpusched::daemon {

CycleBalancer::CycleBalancer(HypervisorFactory factory, Clock& clock, Log& log,
                             CycleOptions options)
    : factory_(std::move(factory)), clock_(clock), log_(log), options_(std::move(options)) {}

CycleBalancer::~CycleBalancer() {
    disconnect();
}

void CycleBalancer::connect(const std::string& uri) {
    disconnect();
    hypervisor_ = factory_(uri);
    cycle_ = std::make_unique<Cycle>(*hypervisor_, clock_, options_, log_);
}

void CycleBalancer::disconnect() {
    cycle_.reset();
    hypervisor_.reset();
}

CycleReport CycleBalancer::run() {
    if (!cycle_)
        throw HypervisorError(HypervisorErrorKind::ConnectionLost, "not connected");
    return cycle_->run();
}

void CycleBalancer::set_options(const CycleOptions& options) {
    options_ = options;
    if (cycle_)
        cycle_->set_options(options);
}

}  // namespace vcpusched::daemon
