// The host topology as the real libvirtd reports it (issue 8): the same pCPUs, sockets, cores,
// SMT siblings and NUMA nodes that the kernel shows in sysfs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "vcpusched/clock.hpp"
#include "vcpusched/cpuset.hpp"
#include "vcpusched/libvirt/libvirt_hypervisor.hpp"

namespace e2e {
namespace {

namespace fs = std::filesystem;

std::string first_line(const fs::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

int read_int(const fs::path& path) {
    return std::stoi(first_line(path));
}

TEST(RealTopology, LibvirtdReportsTheHostAsSysfsShowsIt) {
    if (geteuid() != 0)
        GTEST_SKIP() << "no testbed without root";
    vcpusched::MonotonicClock clock;
    vcpusched::libvirt::LibvirtHypervisor hypervisor("qemu:///system", clock);
    hypervisor.connect();
    const vcpusched::Topology topology = hypervisor.topology();

    const fs::path cpus = "/sys/devices/system/cpu";
    const vcpusched::CpuSet online = vcpusched::CpuSet::parse(first_line(cpus / "online"));
    ASSERT_FALSE(online.empty());
    EXPECT_EQ(topology.online().format(), online.format());
    for (const auto& p : topology.pcpus) {
        SCOPED_TRACE("pCPU " + std::to_string(p.id));
        const fs::path t = cpus / ("cpu" + std::to_string(p.id)) / "topology";
        EXPECT_EQ(p.socket, read_int(t / "physical_package_id"));
        EXPECT_EQ(p.core, read_int(t / "core_id"));
        EXPECT_EQ(p.siblings.format(),
                  vcpusched::CpuSet::parse(first_line(t / "thread_siblings_list")).format());
        const fs::path node = "/sys/devices/system/node/node" + std::to_string(p.node);
        if (fs::exists(node / "cpulist")) {
            EXPECT_TRUE(vcpusched::CpuSet::parse(first_line(node / "cpulist")).contains(p.id))
                << "libvirt puts it in cell " << p.node;
        }
        // Every pCPU that shares its L3 in sysfs is in the same cache group.
        const fs::path l3 = cpus / ("cpu" + std::to_string(p.id)) / "cache" / "index3";
        if (fs::exists(l3 / "shared_cpu_list")) {
            const auto shared = vcpusched::CpuSet::parse(first_line(l3 / "shared_cpu_list"));
            for (const auto& q : topology.pcpus) {
                if (shared.contains(q.id)) {
                    EXPECT_EQ(q.cache, p.cache) << "pCPU " << q.id << " shares its L3";
                }
            }
        }
    }
}

}  // namespace
}  // namespace e2e
