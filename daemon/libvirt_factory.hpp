// Opens the libvirt backend of the core for a URI: the product's HypervisorFactory.
#pragma once

#include <memory>
#include <string>

#include "vcpusched/clock.hpp"
#include "vcpusched/hypervisor.hpp"
#include "vcpusched/log.hpp"

namespace vcpusched::daemon {

// Connects before returning: the caller sees an unreachable libvirt as a HypervisorError here.
std::unique_ptr<Hypervisor> open_libvirt(const std::string& uri, Clock& clock, Log& log);

}  // namespace vcpusched::daemon
