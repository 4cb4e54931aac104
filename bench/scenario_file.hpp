// Reads a benchmark scenario from YAML into the simulator's plain Scenario plus run settings.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "vcpusched/sim/scenario.hpp"

namespace vcpusched::bench {

struct BenchScenario {
    std::string name;
    std::string description;
    std::string file;
    sim::Scenario sim;
    int periods = 30;
    std::chrono::nanoseconds interval{std::chrono::seconds(2)};
    // Steady load (noise allowed, no step, no arrivals): once balanced, every further move is
    // churn.
    bool steady = false;
};

// Throws vcpusched::Error "file:line:column: key: why" on anything it does not understand.
BenchScenario load_scenario(const std::string& path);
BenchScenario parse_scenario(const std::string& yaml_text, const std::string& file_name);
// Every *.yaml in dir, sorted by file name.
std::vector<BenchScenario> load_scenarios(const std::string& dir);

// The moments the load changes (step times, domain starts and stops after 0), sorted.
std::vector<std::chrono::nanoseconds> change_times(const sim::Scenario& scenario);

}  // namespace vcpusched::bench
