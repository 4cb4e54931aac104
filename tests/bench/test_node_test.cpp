// The generated test-driver host is what libvirt reads: its domains, vCPUs, pins and pCPUs.
#include "test_node.hpp"

#include <gtest/gtest.h>
#include <libvirt/libvirt.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/handles.hpp"

namespace vcpusched::bench {
namespace {

namespace fs = std::filesystem;
using libvirt::Connection;
using libvirt::Domain;

class TestNodeFile : public testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "vcpusched-node-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    Connection open(const TestNode& node) {
        const fs::path path = dir_ / "node.xml";
        std::ofstream(path) << test_node_xml(node);
        return Connection(virConnectOpen(("test://" + path.string()).c_str()));
    }

    fs::path dir_;
};

TEST_F(TestNodeFile, LibvirtSeesEveryDomainRunningWithItsVcpus) {
    const TestNode node{100, 32};
    Connection conn = open(node);
    ASSERT_TRUE(conn);

    virNodeInfo info{};
    ASSERT_EQ(virNodeGetInfo(conn.get(), &info), 0);
    EXPECT_EQ(VIR_NODEINFO_MAXCPUS(info), 32u);

    virDomainPtr* raw = nullptr;
    const int n = virConnectListAllDomains(conn.get(), &raw, VIR_CONNECT_LIST_DOMAINS_RUNNING);
    ASSERT_EQ(n, 100);
    int vcpus = 0;
    for (int i = 0; i < n; ++i) {
        Domain dom(raw[i]);
        virDomainInfo d{};
        ASSERT_EQ(virDomainGetInfo(dom.get(), &d), 0);
        vcpus += d.nrVirtCpu;
    }
    std::free(raw);
    EXPECT_EQ(vcpus, test_node_vcpus(node));
    EXPECT_EQ(vcpus, 250);
}

TEST_F(TestNodeFile, EveryThirdDomainStartsPinnedOneVcpuPerPcpu) {
    Connection conn = open(TestNode{4, 8});
    ASSERT_TRUE(conn);
    const int maplen = VIR_CPU_MAPLEN(8);
    // mem-00000 (1 vCPU) is pinned to pCPU 0; mem-00003 (4 vCPUs) to pCPUs 1, 2, 3, 4.
    Domain first(virDomainLookupByName(conn.get(), "mem-00000"));
    Domain fourth(virDomainLookupByName(conn.get(), "mem-00003"));
    Domain second(virDomainLookupByName(conn.get(), "mem-00001"));
    ASSERT_TRUE(first && fourth && second);
    std::vector<unsigned char> maps(4 * static_cast<std::size_t>(maplen));
    ASSERT_EQ(virDomainGetVcpuPinInfo(first.get(), 1, maps.data(), maplen, 0), 1);
    EXPECT_EQ(maps[0], 0x01);
    ASSERT_EQ(virDomainGetVcpuPinInfo(fourth.get(), 4, maps.data(), maplen, 0), 4);
    EXPECT_EQ(maps[0], 0x02);
    EXPECT_EQ(maps[3], 0x10);
    ASSERT_EQ(virDomainGetVcpuPinInfo(second.get(), 2, maps.data(), maplen, 0), 2);
    EXPECT_EQ(maps[0], 0xff) << "an unpinned vCPU may run anywhere";
}

TEST(TestNode, RejectsAPcpuCountThatIsNotSocketsTimesCoresTimesThreads) {
    EXPECT_THROW(test_node_xml(TestNode{10, 6}), Error);
    EXPECT_THROW(test_node_xml(TestNode{-1, 8}), Error);
}

}  // namespace
}  // namespace vcpusched::bench
