#include "vcpusched/sim/simulator.hpp"

#include <gtest/gtest.h>

#include <map>

#include <chrono>

#include "vcpusched/error.hpp"

using namespace std::chrono_literals;
using vcpusched::CpuSet;
using vcpusched::Error;
using vcpusched::HostSample;
using vcpusched::HypervisorError;
using vcpusched::HypervisorErrorKind;
using vcpusched::VcpuRef;
using vcpusched::sim::DemandProfile;
using vcpusched::sim::DomainSpec;
using vcpusched::sim::HostSpec;
using vcpusched::sim::ProfileKind;
using vcpusched::sim::Scenario;
using vcpusched::sim::Simulator;
using vcpusched::sim::VcpuSpec;

namespace {

DomainSpec domain(const std::string& name, std::vector<VcpuSpec> vcpus) {
    DomainSpec d;
    d.name = name;
    d.uuid = "uuid-" + name;
    d.vcpus = std::move(vcpus);
    return d;
}

VcpuSpec vcpu(double level, CpuSet affinity = {}) {
    return VcpuSpec{DemandProfile{.level = level}, std::move(affinity)};
}

Scenario host4() {
    Scenario s;
    s.host = HostSpec{.sockets = 1, .cores = 4};
    return s;
}

const vcpusched::VcpuSample& vcpu_of(const HostSample& s, const std::string& name, int id) {
    for (const auto& d : s.domains)
        if (d.name == name)
            return d.vcpus.at(static_cast<std::size_t>(id));
    throw std::runtime_error("no domain " + name);
}

bool has_domain(const HostSample& s, const std::string& name) {
    for (const auto& d : s.domains)
        if (d.name == name)
            return true;
    return false;
}

}  // namespace

TEST(SimSimulator, FourFortyPercentVcpusOnOnePcpuGetAQuarterAndWaitTheRest) {
    Scenario s = host4();
    for (int i = 0; i < 4; ++i)
        s.domains.push_back(domain("vm" + std::to_string(i), {vcpu(0.4, CpuSet{0})}));
    Simulator sim(s);
    sim.advance(2s);
    HostSample sample = sim.sample();
    EXPECT_EQ(sample.taken_at, 2s);
    ASSERT_EQ(sample.domains.size(), 4U);
    for (int i = 0; i < 4; ++i) {
        const auto& v = vcpu_of(sample, "vm" + std::to_string(i), 0);
        EXPECT_EQ(v.time_ns, 500'000'000U);
        EXPECT_EQ(v.delay_ns, 1'500'000'000U);
        EXPECT_TRUE(v.has_delay);
        EXPECT_EQ(v.affinity, CpuSet{0});
    }
    ASSERT_EQ(sample.pcpus.size(), 4U);
    EXPECT_EQ(sample.pcpus[0].busy_ns, 2'000'000'000U);
    EXPECT_EQ(sample.pcpus[0].idle_ns, 0U);
    EXPECT_EQ(sample.pcpus[1].busy_ns, 0U);
    EXPECT_EQ(sample.pcpus[1].idle_ns, 2'000'000'000U);

    auto w = sim.take_window();
    EXPECT_EQ(w.length, 2s);
    EXPECT_NEAR(w.pcpu_load[0], 1.6, 1e-9);
    EXPECT_NEAR(w.pcpu_load[1], 0.0, 1e-9);
    EXPECT_NEAR(w.demand, 1.6, 1e-9);
    EXPECT_NEAR(w.served, 1.0, 1e-9);
    ASSERT_EQ(w.vcpus.size(), 4U);
    EXPECT_NEAR(w.vcpus[0].demand, 0.4, 1e-9);
    EXPECT_NEAR(w.vcpus[0].served, 0.25, 1e-9);
    EXPECT_EQ(w.vcpus[0].pcpu, 0);
}

TEST(SimSimulator, TwoSatisfiedVcpusSharingAPcpuStillWaitALittle) {
    Scenario s = host4();
    s.domains.push_back(domain("a", {vcpu(0.4, CpuSet{1})}));
    s.domains.push_back(domain("b", {vcpu(0.4, CpuSet{1})}));
    Simulator sim(s);
    sim.advance(2s);
    auto sample = sim.sample();
    EXPECT_EQ(vcpu_of(sample, "a", 0).time_ns, 800'000'000U);
    // delay = run × others' run = 0.4 × 0.4 of the 2 s.
    EXPECT_EQ(vcpu_of(sample, "a", 0).delay_ns, 320'000'000U);
    EXPECT_EQ(sample.pcpus[1].busy_ns, 1'600'000'000U);
}

TEST(SimSimulator, RunTimeIsQuantizedToTenMillisecondsLikeLibvirt) {
    Scenario s = host4();
    s.domains.push_back(domain("a", {vcpu(1.0 / 3.0, CpuSet{0})}));
    Simulator sim(s);
    sim.advance(1s);
    auto v = vcpu_of(sim.sample(), "a", 0);
    EXPECT_EQ(v.time_ns, 330'000'000U);  // 333.3 ms floors to 330 ms
    sim.advance(1s);
    v = vcpu_of(sim.sample(), "a", 0);
    EXPECT_EQ(v.time_ns, 660'000'000U);
    EXPECT_EQ(v.time_ns % 10'000'000U, 0U);
}

TEST(SimSimulator, DelayQuantumIsConfigurable) {
    Scenario s = host4();
    s.delay_quantum = 10ms;
    s.domains.push_back(domain("a", {vcpu(0.3, CpuSet{0})}));
    s.domains.push_back(domain("b", {vcpu(0.35, CpuSet{0})}));
    Simulator sim(s);
    sim.advance(1s);
    // 0.3 × 0.35 × 1 s = 105 ms → 100 ms.
    EXPECT_EQ(vcpu_of(sim.sample(), "a", 0).delay_ns, 100'000'000U);
}

TEST(SimSimulator, DomainsStartAndStopAtTheirTimesAndRestartWithFreshCounters) {
    Scenario s = host4();
    s.domains.push_back(domain("a", {vcpu(0.5, CpuSet{0})}));
    DomainSpec b = domain("b", {vcpu(0.5, CpuSet{1})});
    b.start = 1s;
    b.stop = 3s;
    s.domains.push_back(b);
    DomainSpec b_again = b;  // same uuid: a restart
    b_again.start = 4s;
    b_again.stop.reset();
    s.domains.push_back(b_again);
    Simulator sim(s);

    sim.advance(500ms);
    EXPECT_FALSE(has_domain(sim.sample(), "b"));
    sim.advance(1500ms);  // t = 2 s
    auto at2 = sim.sample();
    ASSERT_TRUE(has_domain(at2, "b"));
    EXPECT_EQ(vcpu_of(at2, "b", 0).time_ns, 500'000'000U);  // ran 1 s at 50 %
    sim.advance(1500ms);                                    // t = 3.5 s
    EXPECT_FALSE(has_domain(sim.sample(), "b"));
    try {
        sim.pin(VcpuRef{"uuid-b", "b", 0}, CpuSet{2});
        FAIL() << "pin on a stopped domain succeeded";
    } catch (const HypervisorError& e) {
        EXPECT_EQ(e.kind(), HypervisorErrorKind::DomainGone);
    }
    sim.advance(1500ms);  // t = 5 s: restarted at 4 s
    auto at5 = sim.sample();
    ASSERT_TRUE(has_domain(at5, "b"));
    EXPECT_EQ(vcpu_of(at5, "b", 0).time_ns, 500'000'000U);
    EXPECT_EQ(vcpu_of(at5, "a", 0).time_ns, 2'500'000'000U);
}

TEST(SimSimulator, DomainsRunningAtTimeZeroAreInTheFirstSample) {
    Scenario s = host4();
    s.domains.push_back(domain("a", {vcpu(0.5, CpuSet{0})}));
    Simulator sim(s);
    auto first = sim.sample();
    ASSERT_TRUE(has_domain(first, "a"));
    EXPECT_EQ(vcpu_of(first, "a", 0).time_ns, 0U);
    EXPECT_EQ(first.taken_at, 0s);
}

TEST(SimSimulator, SameSeedGivesIdenticalRunsAndAnotherSeedDoesNot) {
    auto make = [](std::uint64_t seed) {
        Scenario s = host4();
        s.seed = seed;
        for (int i = 0; i < 6; ++i)
            s.domains.push_back(domain("vm" + std::to_string(i),
                                       {VcpuSpec{DemandProfile{.kind = ProfileKind::RandomWalk,
                                                               .level = 0.3,
                                                               .sigma = 0.05,
                                                               .revert = 0.1,
                                                               .noise = 0.05},
                                                 {}}}));
        return Simulator(s);
    };
    Simulator a = make(5), b = make(5), c = make(6);
    bool differs = false;
    for (int period = 0; period < 5; ++period) {
        a.advance(2s);
        b.advance(2s);
        c.advance(2s);
        auto sa = a.sample(), sb = b.sample(), sc = c.sample();
        for (std::size_t d = 0; d < sa.domains.size(); ++d) {
            EXPECT_EQ(sa.domains[d].vcpus[0].time_ns, sb.domains[d].vcpus[0].time_ns);
            EXPECT_EQ(sa.domains[d].vcpus[0].delay_ns, sb.domains[d].vcpus[0].delay_ns);
            EXPECT_EQ(sa.domains[d].vcpus[0].affinity, sb.domains[d].vcpus[0].affinity);
            differs = differs || sa.domains[d].vcpus[0].time_ns != sc.domains[d].vcpus[0].time_ns;
        }
        auto wa = a.take_window(), wb = b.take_window();
        EXPECT_EQ(wa.pcpu_load, wb.pcpu_load);
        c.take_window();
    }
    EXPECT_TRUE(differs);
}

TEST(SimSimulator, UnpinnedVcpusAreSpreadOverTheirAffinity) {
    Scenario s = host4();
    for (int i = 0; i < 4; ++i)
        s.domains.push_back(domain("vm" + std::to_string(i), {vcpu(0.5)}));
    s.domains.push_back(domain("narrow", {vcpu(0.3, CpuSet{2, 3}), vcpu(0.3, CpuSet{2, 3})}));
    Simulator sim(s);
    sim.advance(2s);
    auto w = sim.take_window();
    // 2.6 in total; the two narrow ones go to 2 and 3, the four wide ones can only even it out
    // to 0.5 / 0.5 / 0.8 / 0.8 (each vCPU runs on one pCPU at a time).
    std::vector<double> loads = w.pcpu_load;
    std::sort(loads.begin(), loads.end());
    EXPECT_NEAR(loads[0], 0.5, 1e-9);
    EXPECT_NEAR(loads[3], 0.8, 1e-9);
    EXPECT_NEAR(w.served, 2.6, 1e-9);
    for (const auto& v : w.vcpus) {
        if (v.ref.domain_name == "narrow") {
            EXPECT_TRUE(v.pcpu == 2 || v.pcpu == 3);
        }
    }
    // The sample reports the wide affinity as the host's online set.
    EXPECT_EQ(vcpu_of(sim.sample(), "vm0", 0).affinity, CpuSet::range(0, 3));
}

TEST(SimSimulator, RunningOnTellsWhereEachVcpuRanAndAPinThereMovesNothing) {
    Scenario s = host4();
    s.domains.push_back(domain("wide", {vcpu(0.5), vcpu(0.5)}));
    Simulator sim(s);
    sim.advance(2s);
    const auto w = sim.take_window();
    const std::string uuid = w.vcpus[0].ref.domain_uuid;
    const std::map<int, int> where = sim.running_on(uuid);
    ASSERT_EQ(where.size(), 2U);
    for (const auto& v : w.vcpus)
        EXPECT_EQ(where.at(v.ref.vcpu), v.pcpu);
    EXPECT_NE(where.at(0), where.at(1));  // the kernel spread them

    sim.pin(VcpuRef{uuid, "wide", 0}, CpuSet{where.at(0)});
    EXPECT_EQ(sim.stats().pins, 1U);
    EXPECT_EQ(sim.stats().pins_in_place, 1U);
    sim.pin(VcpuRef{uuid, "wide", 1}, CpuSet{where.at(0)});  // onto its sibling's pCPU: a move
    EXPECT_EQ(sim.stats().pins, 2U);
    EXPECT_EQ(sim.stats().pins_in_place, 1U);
    EXPECT_THROW(sim.running_on("no-such-uuid"), HypervisorError);
}

TEST(SimSimulator, PinMovesTheVcpuAndCountsCrossNodeMoves) {
    Scenario s;
    s.host = HostSpec{.sockets = 2, .cores = 2, .threads = 1, .nodes = 2};
    s.domains.push_back(domain("a", {vcpu(0.6, CpuSet{0}), vcpu(0.6, CpuSet{0})}));
    Simulator sim(s);
    sim.advance(1s);
    sim.take_window();
    sim.pin(VcpuRef{"uuid-a", "a", 1}, CpuSet{1});  // same node
    sim.advance(1s);
    auto w = sim.take_window();
    EXPECT_NEAR(w.pcpu_load[0], 0.6, 1e-9);
    EXPECT_NEAR(w.pcpu_load[1], 0.6, 1e-9);
    EXPECT_EQ(sim.stats().cross_node_pins, 0U);
    sim.pin(VcpuRef{"uuid-a", "a", 1}, CpuSet{3});  // node 1
    EXPECT_EQ(sim.stats().cross_node_pins, 1U);
    EXPECT_EQ(sim.stats().pins, 2U);
    EXPECT_EQ(vcpu_of(sim.sample(), "a", 1).affinity, CpuSet{3});
}

TEST(SimSimulator, BadPinsAreRefusedWithoutDamage) {
    Scenario s = host4();
    s.domains.push_back(domain("a", {vcpu(0.5, CpuSet{0})}));
    Simulator sim(s);
    sim.advance(1s);
    auto kind_of = [&](const VcpuRef& ref, const CpuSet& cpus) {
        try {
            sim.pin(ref, cpus);
        } catch (const HypervisorError& e) {
            return e.kind();
        }
        ADD_FAILURE() << "pin succeeded";
        return HypervisorErrorKind::Other;
    };
    EXPECT_EQ(kind_of(VcpuRef{"uuid-a", "a", 1}, CpuSet{1}), HypervisorErrorKind::Other);
    EXPECT_EQ(kind_of(VcpuRef{"uuid-a", "a", 0}, CpuSet{9}), HypervisorErrorKind::Other);
    EXPECT_EQ(kind_of(VcpuRef{"uuid-a", "a", 0}, CpuSet{}), HypervisorErrorKind::Other);
    EXPECT_EQ(kind_of(VcpuRef{"nope", "x", 0}, CpuSet{1}), HypervisorErrorKind::DomainGone);
    EXPECT_EQ(vcpu_of(sim.sample(), "a", 0).affinity, CpuSet{0});
    EXPECT_EQ(sim.stats().pins, 0U);
}

TEST(SimSimulator, BusySmtSiblingsDoLessWork) {
    Scenario s;
    s.host = HostSpec{.sockets = 1, .cores = 2, .threads = 2, .smt_factor = 0.6};
    // pCPUs 0 and 2 are siblings; 1 is a core of its own.
    s.domains.push_back(domain("a", {vcpu(1.0, CpuSet{0}), vcpu(1.0, CpuSet{2})}));
    s.domains.push_back(domain("b", {vcpu(1.0, CpuSet{1})}));
    Simulator sim(s);
    sim.advance(100ms);  // the first tick has no sibling history
    sim.take_window();
    sim.advance(2s);
    auto w = sim.take_window();
    for (const auto& v : w.vcpus) {
        if (v.ref.domain_name == "a")
            EXPECT_NEAR(v.served, 0.6, 1e-9);
        else
            EXPECT_NEAR(v.served, 1.0, 1e-9);
    }
    EXPECT_NEAR(w.pcpu_busy[0], 1.0, 1e-9);  // run time is still all of the time
}

TEST(SimSimulator, CrossNodePinDeliversLessUntilWarmedUp) {
    Scenario s;
    s.host = HostSpec{.sockets = 2, .cores = 2, .threads = 1, .nodes = 2};
    s.cross_node_penalty = 0.3;
    s.cross_node_warmup = 2s;
    s.domains.push_back(domain("a", {vcpu(0.5, CpuSet{0}), vcpu(0.5, CpuSet{0})}));
    Simulator sim(s);
    sim.advance(1s);
    sim.take_window();
    sim.pin(VcpuRef{"uuid-a", "a", 0}, CpuSet{1});  // same node: no warm-up
    sim.pin(VcpuRef{"uuid-a", "a", 1}, CpuSet{2});  // node 1
    sim.advance(2s);
    auto w = sim.take_window();
    for (const auto& v : w.vcpus) {
        // A 50 % vCPU at 70 % pace needs 71 % of a pCPU, which it gets: it is served in full
        // but runs longer; the busy share shows the cost.
        EXPECT_NEAR(v.served, 0.5, 1e-9) << v.ref.vcpu;
    }
    EXPECT_NEAR(w.pcpu_busy[1], 0.5, 1e-9);
    EXPECT_NEAR(w.pcpu_busy[2], 0.5 / 0.7, 1e-9);
    sim.advance(2s);  // warmed up
    w = sim.take_window();
    EXPECT_NEAR(w.pcpu_busy[2], 0.5, 1e-9);
}

TEST(SimSimulator, CrossNodeWarmUpCostsWorkOnAFullPcpu) {
    Scenario s;
    s.host = HostSpec{.sockets = 2, .cores = 1, .threads = 1, .nodes = 2};
    s.cross_node_penalty = 0.3;
    s.cross_node_warmup = 10s;
    s.domains.push_back(domain("a", {vcpu(1.0, CpuSet{0})}));
    Simulator sim(s);
    sim.advance(1s);
    sim.take_window();
    sim.pin(VcpuRef{"uuid-a", "a", 0}, CpuSet{1});
    sim.advance(2s);
    auto w = sim.take_window();
    ASSERT_EQ(w.vcpus.size(), 1U);
    EXPECT_NEAR(w.vcpus[0].served, 0.7, 1e-9);
    EXPECT_NEAR(w.served, 0.7, 1e-9);
}

TEST(SimSimulator, InvalidScenariosNameTheDomain) {
    auto message = [](const Scenario& s) -> std::string {
        try {
            Simulator sim(s);
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    };
    Scenario outside = host4();
    outside.domains.push_back(domain("web", {vcpu(0.5, CpuSet{7})}));
    EXPECT_NE(message(outside).find("\"web\" vCPU 0"), std::string::npos);

    Scenario backwards = host4();
    backwards.domains.push_back(domain("db", {vcpu(0.5)}));
    backwards.domains.back().start = 5s;
    backwards.domains.back().stop = 2s;
    EXPECT_NE(message(backwards).find("\"db\""), std::string::npos);

    Scenario twice = host4();
    twice.domains.push_back(domain("db", {vcpu(0.5)}));
    twice.domains.push_back(domain("db", {vcpu(0.5)}));
    EXPECT_NE(message(twice).find("already running"), std::string::npos);
}
