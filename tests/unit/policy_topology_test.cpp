// plan() on hosts with a shape: SMT siblings, L3 caches and NUMA nodes (TopologyPolicy).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "report_builder.hpp"
#include "vcpusched/policy.hpp"
#include "vcpusched/sim/host_topology.hpp"

namespace vcpusched {
namespace {

using testing::ReportBuilder;

// n cores of two threads numbered side by side (siblings 0-1, 2-3, …), as many hosts list
// them: a topology-blind policy that fills the lowest ids puts two vCPUs on one core.
Topology adjacent_smt(int cores) {
    Topology t;
    for (int c = 0; c < cores; ++c) {
        for (int th = 0; th < 2; ++th) {
            Pcpu p;
            p.id = 2 * c + th;
            p.core = c;
            p.cache = 0;
            p.siblings = CpuSet{2 * c, 2 * c + 1};
            t.pcpus.push_back(p);
        }
    }
    return t;
}

// `nodes` NUMA nodes (one socket and L3 each) of `cores` single-thread cores.
Topology numa(int nodes, int cores) {
    sim::HostSpec h;
    h.sockets = nodes;
    h.nodes = nodes;
    h.cores = cores;
    return sim::host_topology(h);
}

PolicyConfig blind() {
    PolicyConfig p;
    p.topology.enabled = false;
    return p;
}

int core_of(const Topology& t, int pcpu) {
    return t.find(pcpu)->core;
}
int node_of(const Topology& t, int pcpu) {
    return t.find(pcpu)->node;
}

std::map<std::string, int> destinations(const Plan& p) {
    std::map<std::string, int> to;
    for (const auto& m : p.moves)
        to[m.vcpu.domain_name + "/" + std::to_string(m.vcpu.vcpu)] = m.to;
    return to;
}

TEST(PolicyTopology, TwoBusyNewVcpusArePlacedOnTwoCoresNotTwoThreads) {
    ReportBuilder b(adjacent_smt(2));
    b.vcpu("a", 0, 0.8, "0-3").vcpu("b", 0, 0.8, "0-3");
    const LoadReport report = b.build();
    const Topology& t = b.topology();

    Plan aware = plan(report, t, PolicyConfig{}, MoveHistory{});
    ASSERT_EQ(aware.moves.size(), 2U);
    EXPECT_NE(core_of(t, aware.moves[0].to), core_of(t, aware.moves[1].to));

    // Without topology the same report fills pCPUs 0 and 1: the two threads of core 0.
    Plan flat = plan(report, t, blind(), MoveHistory{});
    ASSERT_EQ(flat.moves.size(), 2U);
    EXPECT_EQ(core_of(t, flat.moves[0].to), core_of(t, flat.moves[1].to));
}

TEST(PolicyTopology, BusyVcpuLeavesForAnIdleCoreRatherThanItsSibling) {
    ReportBuilder b(adjacent_smt(2));
    b.vcpu("a", 0, 0.8, "0").vcpu("b", 0, 0.8, "0");
    Plan aware = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_EQ(aware.moves.size(), 1U);
    EXPECT_EQ(core_of(b.topology(), aware.moves[0].to), 1);

    Plan flat = plan(b.build(), b.topology(), blind(), MoveHistory{});
    ASSERT_EQ(flat.moves.size(), 1U);
    EXPECT_EQ(flat.moves[0].to, 1);  // the sibling: what topology awareness avoids
}

TEST(PolicyTopology, MoveStaysInNodeWhenAnInNodeTargetIsAsGood) {
    // pCPUs 0-1 on node 0, 2-3 on node 1, both nodes at 0.625 on average. The remote pCPU 2 is
    // 1 point lighter than pCPU 1.
    ReportBuilder b(numa(2, 2));
    b.vcpu("a", 0, 0.5, "0").vcpu("b", 0, 0.5, "0");
    b.vcpu("c", 0, 0.25, "1").vcpu("d", 0, 0.24, "2").vcpu("e", 0, 1.0, "3");
    const LoadReport report = b.build();
    Plan aware = plan(report, b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_FALSE(aware.moves.empty());
    EXPECT_EQ(aware.moves[0].from, 0);
    EXPECT_EQ(aware.moves[0].to, 1);

    Plan flat = plan(report, b.topology(), blind(), MoveHistory{});
    ASSERT_FALSE(flat.moves.empty());
    EXPECT_EQ(flat.moves[0].to, 2);  // the lightest pCPU, on the other node
}

// One node whose pCPUs share two L3 caches (0-1 and 2-3), as on hosts with several core
// complexes per socket; both caches carry 0.55 on average.
Topology two_caches() {
    Topology t = Topology::flat(4);
    for (auto& p : t.pcpus)
        p.cache = p.id / 2;
    return t;
}

TEST(PolicyTopology, MoveStaysInCacheWhenAnInCacheTargetIsAsGood) {
    // The other cache's pCPU 2 is 1 point lighter than pCPU 1, which shares pCPU 0's L3.
    ReportBuilder b(two_caches());
    b.vcpu("a", 0, 0.4, "0").vcpu("b", 0, 0.4, "0").vcpu("c", 0, 0.3, "1");
    b.vcpu("d", 0, 0.29, "2").vcpu("e", 0, 0.81, "3");
    const LoadReport report = b.build();
    Plan aware = plan(report, b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_FALSE(aware.moves.empty());
    EXPECT_EQ(aware.moves[0].from, 0);
    EXPECT_EQ(aware.moves[0].to, 1);

    Plan flat = plan(report, b.topology(), blind(), MoveHistory{});
    ASSERT_FALSE(flat.moves.empty());
    EXPECT_EQ(flat.moves[0].to, 2);
}

TEST(PolicyTopology, MultiVcpuDomainIsPlacedOnOneNode) {
    // Node 0 (pCPUs 0-3) carries 0.3 on each pCPU; node 1 (4-7) has two idle pCPUs and two at
    // 0.45: more room in all, but a least-loaded fill would put half the domain on node 0.
    ReportBuilder b(numa(2, 4));
    for (int p = 0; p < 4; ++p)
        b.vcpu("bg" + std::to_string(p), 0, 0.3, std::to_string(p));
    b.vcpu("bg6", 0, 0.45, "6").vcpu("bg7", 0, 0.45, "7");
    for (int v = 0; v < 4; ++v)
        b.vcpu("big", v, 0.5, "0-7");
    const LoadReport report = b.build();
    const Topology& t = b.topology();

    std::set<int> nodes;
    for (const auto& [name, to] : destinations(plan(report, t, PolicyConfig{}, MoveHistory{})))
        if (name.rfind("big/", 0) == 0)
            nodes.insert(node_of(t, to));
    EXPECT_EQ(nodes, std::set<int>{1});

    std::set<int> blind_nodes;
    for (const auto& [name, to] : destinations(plan(report, t, blind(), MoveHistory{})))
        if (name.rfind("big/", 0) == 0)
            blind_nodes.insert(node_of(t, to));
    EXPECT_EQ(blind_nodes.size(), 2U);
}

TEST(PolicyTopology, UnpinnedDomainsTheKernelSplitOverNodesAreGatheredOnOne) {
    // The kernel balanced the load but ran each two-vCPU domain on both nodes: pinning them
    // where they run would fix every domain across nodes. Each fits on one node, so each goes
    // to one, as a domain new on the host would.
    ReportBuilder b(numa(2, 2));  // pCPUs 0-1 on node 0, 2-3 on node 1
    b.vcpu("web", 0, 0.4, "0-3").running_on(0);
    b.vcpu("web", 1, 0.4, "0-3").running_on(2);
    b.vcpu("db", 0, 0.4, "0-3").running_on(1);
    b.vcpu("db", 1, 0.4, "0-3").running_on(3);
    const LoadReport report = b.build();
    const Topology& t = b.topology();

    const Plan p = plan(report, t, PolicyConfig{}, MoveHistory{});
    ASSERT_EQ(p.moves.size(), 4U) << p.reason;
    EXPECT_EQ(p.reason.find("where they run"), std::string::npos) << p.reason;
    const auto to = destinations(p);
    EXPECT_EQ(node_of(t, to.at("web/0")), node_of(t, to.at("web/1"))) << p.reason;
    EXPECT_EQ(node_of(t, to.at("db/0")), node_of(t, to.at("db/1"))) << p.reason;
    EXPECT_LE(p.spread_after, PolicyConfig{}.threshold);

    // Without keeping domains on a node, where they run is as good a place as any.
    PolicyConfig scattered;
    scattered.topology.keep_domain_on_node = false;
    const Plan q = plan(report, t, scattered, MoveHistory{});
    EXPECT_NE(q.reason.find("where they run"), std::string::npos) << q.reason;
}

TEST(PolicyTopology, DomainTooBigForANodeIsPlacedAcrossNodes) {
    ReportBuilder b(numa(2, 2));
    for (int v = 0; v < 4; ++v)
        b.vcpu("huge", v, 0.9, "0-3");
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    std::set<int> used;
    for (const auto& m : p.moves)
        used.insert(m.to);
    EXPECT_EQ(used, (std::set<int>{0, 1, 2, 3}));
}

TEST(PolicyTopology, LargeLocalityLossForTinyGainIsRefused) {
    // Both nodes carry 0.5 per pCPU on average; within each node no move helps. Moving the 0.1
    // vCPU to pCPU 2 removes 5 points from the pair's spread: enough for min_gain, not for a
    // node and cache crossing.
    ReportBuilder b(numa(2, 2));
    b.vcpu("a", 0, 0.4, "0").vcpu("b", 0, 0.1, "0").vcpu("c", 0, 0.5, "1");
    b.vcpu("d", 0, 0.35, "2").vcpu("e", 0, 0.65, "3");
    const LoadReport report = b.build();
    Plan aware = plan(report, b.topology(), PolicyConfig{}, MoveHistory{});
    EXPECT_TRUE(aware.moves.empty()) << aware.reason;
    EXPECT_GT(aware.spread_before, PolicyConfig{}.threshold);

    Plan flat = plan(report, b.topology(), blind(), MoveHistory{});
    ASSERT_FALSE(flat.moves.empty());
    EXPECT_EQ(flat.moves[0].vcpu.domain_name, "b");
}

TEST(PolicyTopology, UnevenNodesAreEvenedOutAcrossNodes) {
    // The same 5-point pair gain, but node 0 carries 0.6 per pCPU and node 1 0.45: only a
    // crossing evens the nodes out, so it no longer pays the full price.
    ReportBuilder b(numa(2, 2));
    for (int p = 0; p < 2; ++p)
        for (int v = 0; v < 6; ++v)
            b.vcpu("small" + std::to_string(p), v, 0.1, std::to_string(p));
    b.vcpu("e", 0, 0.45, "2").vcpu("f", 0, 0.45, "3");
    const LoadReport report = b.build();
    const Topology& t = b.topology();
    Plan p = plan(report, t, PolicyConfig{}, MoveHistory{});
    ASSERT_FALSE(p.moves.empty()) << p.reason;
    for (const auto& m : p.moves) {
        EXPECT_EQ(node_of(t, m.from), 0);
        EXPECT_EQ(node_of(t, m.to), 1);
    }
    EXPECT_LE(p.spread_after, PolicyConfig{}.threshold);
}

TEST(PolicyTopology, LargeGainStillCrossesNodes) {
    ReportBuilder b(numa(2, 1));
    b.vcpu("a", 0, 0.5, "0").vcpu("b", 0, 0.5, "0");
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_EQ(p.moves.size(), 1U);
    EXPECT_EQ(p.moves[0].to, 1);
    EXPECT_NEAR(p.spread_after, 0.0, 1e-9);
}

// One socket of 64 cores × 2 threads: the siblings of pCPU i are i and i + 64.
Topology big_smt() {
    sim::HostSpec h;
    h.cores = 64;
    h.threads = 2;
    return sim::host_topology(h);
}

TEST(PolicyTopology, BusySiblingsOnABalancedHostMoveToAnIdleCore) {
    // Every thread runs 0.25 except core 0, whose two threads run a 0.5 vCPU each, and core 1,
    // idle. The spread (4.4 points) is within the threshold, so plain balance sees nothing to
    // do; but the two busy vCPUs slow each other down while a whole core idles.
    ReportBuilder b(big_smt());
    const Topology& t = b.topology();
    b.vcpu("busy", 0, 0.5, "0").vcpu("busy", 1, 0.5, "64");
    for (int p = 2; p < 64; ++p)
        b.vcpu("bg" + std::to_string(p), 0, 0.25, std::to_string(p))
            .vcpu("bg" + std::to_string(p), 1, 0.25, std::to_string(p + 64));
    const LoadReport report = b.build();

    Plan aware = plan(report, t, PolicyConfig{}, MoveHistory{});
    EXPECT_LE(aware.spread_before, PolicyConfig{}.threshold);
    ASSERT_EQ(aware.moves.size(), 1U) << aware.reason;
    EXPECT_EQ(aware.moves[0].vcpu.domain_name, "busy");
    EXPECT_EQ(core_of(t, aware.moves[0].to), 1);
    EXPECT_LE(aware.spread_after, aware.spread_before + 1e-9);
    EXPECT_NE(aware.reason.find("SMT siblings"), std::string::npos) << aware.reason;

    Plan flat = plan(report, t, blind(), MoveHistory{});
    EXPECT_TRUE(flat.moves.empty()) << flat.reason;
}

TEST(PolicyTopology, EvenlyBusyCoresMakeNoSiblingMoves) {
    // Every core runs two vCPUs of about 0.25, no core idles: nothing to gain from moving.
    ReportBuilder b(big_smt());
    for (int p = 0; p < 64; ++p)
        b.vcpu("vm" + std::to_string(p), 0, 0.22 + 0.01 * (p % 7), std::to_string(p))
            .vcpu("vm" + std::to_string(p), 1, 0.28 - 0.01 * (p % 5), std::to_string(p + 64));
    Plan p = plan(b.build(), b.topology(), PolicyConfig{}, MoveHistory{});
    EXPECT_TRUE(p.moves.empty()) << p.reason;
}

TEST(PolicyTopology, SwitchedOffItPlansAsOnAFlatHost) {
    // Same report on a 2-socket SMT host and on a flat host of as many pCPUs.
    sim::HostSpec h;
    h.sockets = 2;
    h.nodes = 2;
    h.cores = 2;
    h.threads = 2;
    ReportBuilder shaped(sim::host_topology(h));
    ReportBuilder flat(8);
    for (int i = 0; i < 12; ++i) {
        const double d = 0.05 + 0.07 * (i % 4);
        shaped.vcpu("vm" + std::to_string(i % 5), i, d, std::to_string(i % 3));
        flat.vcpu("vm" + std::to_string(i % 5), i, d, std::to_string(i % 3));
    }
    Plan off = plan(shaped.build(), shaped.topology(), blind(), MoveHistory{});
    Plan reference = plan(flat.build(), flat.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_FALSE(reference.moves.empty());
    ASSERT_EQ(off.moves.size(), reference.moves.size());
    for (std::size_t i = 0; i < off.moves.size(); ++i) {
        EXPECT_EQ(off.moves[i].vcpu, reference.moves[i].vcpu);
        EXPECT_EQ(off.moves[i].to, reference.moves[i].to);
    }
    EXPECT_EQ(off.reason, reference.reason);
}

TEST(PolicyTopology, IsDeterministicOnAShapedHost) {
    sim::HostSpec h;
    h.sockets = 2;
    h.nodes = 2;
    h.cores = 4;
    h.threads = 2;
    ReportBuilder b(sim::host_topology(h));
    for (int i = 0; i < 24; ++i)
        b.vcpu("vm" + std::to_string(i % 7), i, 0.1 + 0.05 * (i % 5), std::to_string(i % 4));
    const LoadReport report = b.build();
    Plan first = plan(report, b.topology(), PolicyConfig{}, MoveHistory{});
    Plan second = plan(report, b.topology(), PolicyConfig{}, MoveHistory{});
    ASSERT_FALSE(first.moves.empty());
    EXPECT_LT(first.spread_after, first.spread_before);
    ASSERT_EQ(first.moves.size(), second.moves.size());
    for (std::size_t i = 0; i < first.moves.size(); ++i)
        EXPECT_EQ(first.moves[i].to, second.moves[i].to);
}

}  // namespace
}  // namespace vcpusched
