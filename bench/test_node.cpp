// Builds the node XML of a test-driver host with many domains (the daemon memory benchmark).
#include "test_node.hpp"

#include <fmt/format.h>

#include "vcpusched/error.hpp"

namespace vcpusched::bench {

namespace {

int vcpus_of(int domain) {
    return 1 + domain % 4;
}

}  // namespace

int test_node_vcpus(const TestNode& node) {
    int total = 0;
    for (int i = 0; i < node.domains; ++i)
        total += vcpus_of(i);
    return total;
}

std::string test_node_xml(const TestNode& node) {
    if (node.domains < 0 || node.domains > 99'999)
        throw Error(fmt::format("test node: {} domains (expected 0 to 99999)", node.domains));
    if (node.pcpus < 4 || node.pcpus % 4 != 0)
        throw Error(fmt::format("test node: {} pCPUs (expected a multiple of 4)", node.pcpus));
    std::string xml = fmt::format(
        "<node>\n"
        "  <cpu><nodes>1</nodes><sockets>2</sockets><cores>{}</cores><threads>2</threads>"
        "<active>{}</active><mhz>2000</mhz><model>x86_64</model></cpu>\n"
        "  <memory>{}</memory>\n",
        node.pcpus / 4, node.pcpus, 1024 * 1024 * 1024);
    int next_pcpu = 0;
    for (int i = 0; i < node.domains; ++i) {
        const int vcpus = vcpus_of(i);
        std::string pins;
        if (i % 3 == 0) {
            pins = "<cputune>";
            for (int v = 0; v < vcpus; ++v)
                pins +=
                    fmt::format("<vcpupin vcpu='{}' cpuset='{}'/>", v, next_pcpu++ % node.pcpus);
            pins += "</cputune>";
        }
        xml += fmt::format(
            "  <domain type='test'><name>mem-{:05d}</name>"
            "<uuid>00000000-0000-4000-8000-{:012d}</uuid><memory>131072</memory>"
            "<vcpu>{}</vcpu>{}<os><type>hvm</type></os></domain>\n",
            i, i + 1, vcpus, pins);
    }
    return xml + "</node>\n";
}

}  // namespace vcpusched::bench
