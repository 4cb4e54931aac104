#include "scenario_file.hpp"

#include <gtest/gtest.h>

#include "vcpusched/error.hpp"
#include "vcpusched/sim/simulator.hpp"

using namespace std::chrono_literals;
using vcpusched::CpuSet;
using vcpusched::Error;
using vcpusched::bench::change_times;
using vcpusched::bench::load_scenarios;
using vcpusched::bench::parse_scenario;
using vcpusched::sim::ProfileKind;

namespace {

std::string error_of(const std::string& yaml) {
    try {
        parse_scenario(yaml, "t.yaml");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(ScenarioFile, GroupsExpandIntoNamedDomainsWithRoundRobinPins) {
    auto s = parse_scenario(R"(
name: demo
periods: 7
interval: 1.5
steady: true
host: {sockets: 2, cores: 2, threads: 2, nodes: 2}
domains:
  - name: vm
    count: 3
    vcpus: 2
    demand: {profile: constant, level: {cycle: [0.8, 0.1]}, noise: 0.01}
    pin: {round_robin: "0-3"}
  - name: solo
    start: 4
    stop: 9
    demand: {profile: step, level: 0.2, to: 0.6, at: 6}
)",
                            "t.yaml");
    EXPECT_EQ(s.name, "demo");
    EXPECT_EQ(s.periods, 7);
    EXPECT_EQ(s.interval, 1500ms);
    EXPECT_TRUE(s.steady);
    EXPECT_EQ(s.sim.host.pcpu_count(), 8);
    ASSERT_EQ(s.sim.domains.size(), 4U);
    EXPECT_EQ(s.sim.domains[0].name, "vm-0");
    EXPECT_EQ(s.sim.domains[2].name, "vm-2");
    EXPECT_EQ(s.sim.domains[3].name, "solo");
    EXPECT_NE(s.sim.domains[0].uuid, s.sim.domains[1].uuid);
    // vCPUs are dealt round robin across the group: vm-1's vCPUs get pCPUs 2 and 3.
    EXPECT_EQ(s.sim.domains[1].vcpus[0].affinity, CpuSet{2});
    EXPECT_EQ(s.sim.domains[1].vcpus[1].affinity, CpuSet{3});
    EXPECT_EQ(s.sim.domains[2].vcpus[0].affinity, CpuSet{0});
    EXPECT_DOUBLE_EQ(s.sim.domains[0].vcpus[0].demand.level, 0.8);
    EXPECT_DOUBLE_EQ(s.sim.domains[1].vcpus[0].demand.level, 0.1);
    EXPECT_DOUBLE_EQ(s.sim.domains[1].vcpus[0].demand.noise, 0.01);
    const auto& solo = s.sim.domains[3];
    EXPECT_TRUE(solo.vcpus[0].affinity.empty());
    EXPECT_EQ(solo.start, 4s);
    EXPECT_EQ(*solo.stop, 9s);
    EXPECT_EQ(solo.vcpus[0].demand.kind, ProfileKind::Step);
    EXPECT_EQ(solo.vcpus[0].demand.at, 6s);
    EXPECT_EQ(change_times(s.sim), (std::vector<std::chrono::nanoseconds>{4s, 6s, 9s}));
}

TEST(ScenarioFile, RangesAreDrawnFromTheSeed) {
    const std::string yaml = R"(
name: r
seed: SEED
domains:
  - name: vm
    count: 20
    vcpus: [1, 8]
    demand: {level: [0.1, 0.3]}
    pin: {random: "0-3"}
)";
    auto with_seed = [&](const char* seed) {
        std::string text = yaml;
        text.replace(text.find("SEED"), 4, seed);
        return parse_scenario(text, "r.yaml");
    };
    auto a = with_seed("1"), b = with_seed("1"), c = with_seed("2");
    bool differs = false;
    for (std::size_t i = 0; i < a.sim.domains.size(); ++i) {
        const auto& va = a.sim.domains[i].vcpus;
        ASSERT_EQ(va.size(), b.sim.domains[i].vcpus.size());
        EXPECT_GE(va.size(), 1U);
        EXPECT_LE(va.size(), 8U);
        for (std::size_t j = 0; j < va.size(); ++j) {
            EXPECT_EQ(va[j].demand.level, b.sim.domains[i].vcpus[j].demand.level);
            EXPECT_GE(va[j].demand.level, 0.1);
            EXPECT_LT(va[j].demand.level, 0.3);
            EXPECT_EQ(va[j].affinity.count(), 1U);
            EXPECT_LE(va[j].affinity.first(), 3);
        }
        differs = differs || va.size() != c.sim.domains[i].vcpus.size() ||
                  va[0].demand.level != c.sim.domains[i].vcpus[0].demand.level;
    }
    EXPECT_TRUE(differs);
}

TEST(ScenarioFile, UnknownKeyIsAnErrorWithItsLine) {
    auto e =
        error_of("name: x\ndomains:\n  - name: vm\n    colour: red\n    demand: {level: 0.1}\n");
    EXPECT_NE(e.find("t.yaml:4:"), std::string::npos) << e;
    EXPECT_NE(e.find("colour: unknown key"), std::string::npos) << e;
}

TEST(ScenarioFile, BadValuesAreErrorsNamingTheKey) {
    EXPECT_NE(error_of("name: x\ndomains:\n  - name: vm\n    demand: {level: lots}\n")
                  .find("demand.level: expected a number"),
              std::string::npos);
    EXPECT_NE(error_of("name: x\ndomains:\n  - name: vm\n    pin: \"0-\"\n    demand: {level: "
                       "0.1}\n")
                  .find("pin"),
              std::string::npos);
    EXPECT_NE(error_of("name: x\ndomains:\n  - name: vm\n    demand: {profile: spiky}\n")
                  .find("\"spiky\""),
              std::string::npos);
    EXPECT_NE(error_of("name: x\ndomains:\n  - name: vm\n    demand: {level: 1.5}\n").find("level"),
              std::string::npos);
    EXPECT_NE(error_of("name: x\ndomains:\n  - name: vm\n    demand: {profile: step, to: 1}\n")
                  .find("needs `at`"),
              std::string::npos);
    EXPECT_NE(error_of("name: x\ndomains: [\n").find("t.yaml:"), std::string::npos);
    EXPECT_NE(error_of("name: x\n").find("domains"), std::string::npos);
}

TEST(ScenarioFile, EveryShippedScenarioLoadsAndSimulates) {
    auto all = load_scenarios(VCPUSCHED_SOURCE_DIR "/bench/scenarios");
    ASSERT_GE(all.size(), 10U);
    for (const auto& s : all) {
        SCOPED_TRACE(s.file);
        EXPECT_FALSE(s.name.empty());
        vcpusched::sim::Simulator sim(s.sim);  // validates pins against the host
        sim.advance(s.interval);
        auto w = sim.take_window();
        // Loads stay where measurements mean something: no host above 90 % busy.
        EXPECT_LT(w.demand, 0.9 * static_cast<double>(sim.topology().pcpus.size()));
    }
}
