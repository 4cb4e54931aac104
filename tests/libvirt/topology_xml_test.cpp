// Topology::from_capabilities_xml against realistic capabilities and broken ones.
#include <gtest/gtest.h>

#include "support.hpp"
#include "vcpusched/error.hpp"
#include "vcpusched/topology.hpp"

namespace vcpusched {
namespace {

using testing::read_data;

Topology parse(const std::string& file) {
    return Topology::from_capabilities_xml(read_data("capabilities/" + file));
}

std::string error_of(std::string_view xml) {
    try {
        Topology::from_capabilities_xml(xml);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(TopologyXml, TwoSocketSmtHostHasSiblingsSocketsNodesAndL3) {
    Topology t = parse("two-socket-smt.xml");
    ASSERT_EQ(t.pcpus.size(), 16u);
    for (std::size_t i = 0; i < t.pcpus.size(); ++i)
        EXPECT_EQ(t.pcpus[i].id, static_cast<int>(i)) << "sorted by id";
    const Pcpu* p9 = t.find(9);
    ASSERT_NE(p9, nullptr);
    EXPECT_EQ(p9->socket, 0);
    EXPECT_EQ(p9->core, 1);
    EXPECT_EQ(p9->node, 0);
    EXPECT_EQ(p9->cache, 0);
    EXPECT_EQ(p9->siblings, (CpuSet{1, 9}));
    const Pcpu* p12 = t.find(12);
    ASSERT_NE(p12, nullptr);
    EXPECT_EQ(p12->socket, 1);
    EXPECT_EQ(p12->core, 0);
    EXPECT_EQ(p12->node, 1);
    EXPECT_EQ(p12->cache, 1);
    EXPECT_EQ(p12->siblings, (CpuSet{4, 12}));
    EXPECT_EQ(t.online(), CpuSet::range(0, 15));
}

TEST(TopologyXml, FourNumaNodesWithoutCacheBanksLeaveCacheUnknown) {
    Topology t = parse("four-numa-nodes.xml");
    ASSERT_EQ(t.pcpus.size(), 16u);
    for (const auto& p : t.pcpus) {
        EXPECT_EQ(p.node, p.id / 4);
        EXPECT_EQ(p.socket, p.id / 4);
        EXPECT_EQ(p.core, p.id % 4);
        EXPECT_EQ(p.cache, -1);
        EXPECT_EQ(p.siblings, CpuSet{p.id});
    }
}

TEST(TopologyXml, SmallVmHost) {
    Topology t = parse("two-cpu-vm.xml");
    ASSERT_EQ(t.pcpus.size(), 2u);
    EXPECT_EQ(t.pcpus[1].core, 1);
    EXPECT_EQ(t.pcpus[1].siblings, CpuSet{1});
}

TEST(TopologyXml, TestDriverDefaultCapabilities) {
    // Captured from `virsh -c test:///default capabilities` (libvirt 9.0).
    Topology t = parse("test-driver-default.xml");
    ASSERT_EQ(t.pcpus.size(), 16u);
    EXPECT_EQ(t.find(8)->node, 1);
    EXPECT_EQ(t.find(8)->socket, 1);
    EXPECT_EQ(t.find(8)->core, 0);
}

TEST(TopologyXml, NoTopologyGivesNoPcpusForTheCallerToFallBack) {
    EXPECT_TRUE(parse("no-topology.xml").pcpus.empty());
}

TEST(TopologyXml, MissingOptionalAttributesGetDefaults) {
    Topology t = Topology::from_capabilities_xml(
        "<capabilities><host><topology><cells num='1'><cell id='0'><cpus num='2'>"
        "<cpu id='3'/><cpu id='1'/></cpus></cell></cells></topology></host></capabilities>");
    ASSERT_EQ(t.pcpus.size(), 2u);
    EXPECT_EQ(t.pcpus[0].id, 1);
    EXPECT_EQ(t.pcpus[0].core, 1);
    EXPECT_EQ(t.pcpus[1].siblings, CpuSet{3});
}

TEST(TopologyXml, MalformedXmlNamesTheLine) {
    std::string e = error_of(read_data("capabilities/malformed.xml"));
    EXPECT_NE(e.find("capabilities XML: line 8"), std::string::npos) << e;
    EXPECT_NE(e.find("mismatch"), std::string::npos) << e;
}

TEST(TopologyXml, EmptyTextIsAnError) {
    EXPECT_NE(error_of("").find("capabilities XML"), std::string::npos);
}

TEST(TopologyXml, WrongRootIsAnError) {
    EXPECT_NE(error_of("<domain/>").find("not <capabilities>"), std::string::npos);
}

TEST(TopologyXml, CpuWithoutIdIsAnError) {
    std::string e = error_of(
        "<capabilities><host><topology><cells><cell id='0'><cpus>\n"
        "<cpu socket_id='0'/></cpus></cell></cells></topology></host></capabilities>");
    EXPECT_NE(e.find("line 2: <cpu> without id"), std::string::npos) << e;
}

TEST(TopologyXml, NonNumericAttributeIsAnErrorQuotingIt) {
    std::string e = error_of(
        "<capabilities><host><topology><cells><cell id='0'><cpus>"
        "<cpu id='0' socket_id='zero'/></cpus></cell></cells></topology></host></capabilities>");
    EXPECT_NE(e.find("socket_id='zero'"), std::string::npos) << e;
}

TEST(TopologyXml, BadSiblingsListIsAnError) {
    std::string e = error_of(
        "<capabilities><host><topology><cells><cell id='0'><cpus>"
        "<cpu id='0' siblings='0-'/></cpus></cell></cells></topology></host></capabilities>");
    EXPECT_NE(e.find("siblings"), std::string::npos) << e;
}

TEST(TopologyXml, DuplicateCpuIsAnError) {
    std::string e = error_of(
        "<capabilities><host><topology><cells><cell id='0'><cpus><cpu id='0'/></cpus></cell>"
        "<cell id='1'><cpus><cpu id='0'/></cpus></cell></cells></topology></host>"
        "</capabilities>");
    EXPECT_NE(e.find("cpu id 0 listed twice"), std::string::npos) << e;
}

TEST(TopologyXml, HugeCpuIdIsAnError) {
    std::string e = error_of(
        "<capabilities><host><topology><cells><cell id='0'><cpus><cpu id='4000000'/>"
        "</cpus></cell></cells></topology></host></capabilities>");
    EXPECT_NE(e.find("out of range"), std::string::npos) << e;
}

}  // namespace
}  // namespace vcpusched
