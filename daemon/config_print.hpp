// The effective config as YAML, for --check-config: what the daemon will actually run with.
#pragma once

#include <string>

#include "config.hpp"

namespace vcpusched::daemon {

// Every key, defaults included; parse_config() reads the text back to the same Config.
std::string config_to_yaml(const Config& config);

}  // namespace vcpusched::daemon
