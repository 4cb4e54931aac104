// open_libvirt: a connected LibvirtHypervisor for the URI, or a HypervisorError.
#include "libvirt_factory.hpp"

#include "vcpusched/libvirt/libvirt_hypervisor.hpp"

namespace vcpusched::daemon {

std::unique_ptr<Hypervisor> open_libvirt(const std::string& uri, Clock& clock, Log& log) {
    libvirt::LibvirtOptions options;
    options.uri = uri;
    auto hypervisor = std::make_unique<libvirt::LibvirtHypervisor>(std::move(options), clock, log);
    hypervisor->connect();
    return hypervisor;
}

}  // namespace vcpusched::daemon
