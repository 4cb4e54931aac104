// A libvirt test-driver host with N running domains, as the node XML that test:///PATH reads.
#pragma once

#include <string>

namespace vcpusched::bench {

struct TestNode {
    int domains = 100;
    // 2 sockets x pcpus/4 cores x 2 threads, one NUMA node (so libvirt sizes CPU maps to it).
    int pcpus = 32;
};

// Domain i has 1 + i % 4 vCPUs (2.5 on average); every third one starts pinned, one vCPU per
// pCPU round robin, the rest unpinned, so the daemon both reads pins and places vCPUs.
std::string test_node_xml(const TestNode& node);
// How many vCPUs test_node_xml gives the host.
int test_node_vcpus(const TestNode& node);

}  // namespace vcpusched::bench
