// Shared bits of the libvirt adapter tests: fixture paths, a hand-driven clock, raw connections.
#pragma once

#include <libvirt/libvirt.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "vcpusched/clock.hpp"
#include "vcpusched/libvirt/handles.hpp"

namespace vcpusched::testing {

inline std::string data_path(const std::string& name) {
    return std::string(VCPUSCHED_TEST_DATA) + "/" + name;
}

inline std::string read_data(const std::string& name) {
    std::ifstream in(data_path(name));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The project's test-driver host (8 pCPUs; domains solo/pair/trio/quad with 1-4 vCPUs).
inline std::string node_uri() {
    return "test://" + data_path("test-node.xml");
}

class ManualClock : public Clock {
  public:
    std::chrono::nanoseconds now() override { return now_; }
    void advance(std::chrono::nanoseconds by) { now_ += by; }

  private:
    std::chrono::nanoseconds now_{1'000'000'000};
};

// A second connection of the test's own, to change the host behind the adapter's back.
inline libvirt::Connection open_raw(const std::string& uri) {
    return libvirt::Connection(virConnectOpen(uri.c_str()));
}

}  // namespace vcpusched::testing
