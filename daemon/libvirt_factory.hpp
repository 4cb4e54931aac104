// Opens the libvirt backend of the core for a URI: the product's HypervisorFactory.
#pragma once

#include <memory>
#include <string>

#include "vcpusched/hypervisor.hpp"
#include "vcpusched/log.hpp"

namespace vcpusched::daemon {

std::unique_ptr<Hypervisor> open_libvirt(const std::string& uri, Log& log);

}  // namespace vcpusched::daemon
