// vcpusched-bench-cost: plan() and one full Cycle against the simulator at 64/256/1024 pCPUs ×
// 100/1,000/10,000 vCPUs (and the 256 × 4,000 target case); time and peak heap per case, then a
// markdown table with ratios against baselines measured in the same run (CPU time).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "cost_scenario.hpp"
#include "vcpusched/cycle.hpp"
#include "vcpusched/measure.hpp"
#include "vcpusched/policy.hpp"
#include "vcpusched/sim/simulator.hpp"

namespace {

using namespace vcpusched;
using bench::heap_in_use;
using bench::heap_peak;
using bench::reset_heap_peak;

constexpr auto kInterval = std::chrono::seconds(2);

// A LoadReport of a host that has run one period, as the daemon would see it.
struct Measured {
    Topology topology;
    LoadReport report;
};

Measured measured_host(int pcpus, int vcpus, bool shaped = false) {
    sim::Simulator sim(bench::cost_scenario(pcpus, vcpus, 1, shaped));
    HostSample first = sim.sample();
    sim.advance(kInterval);
    HostSample second = sim.sample();
    Measured m{sim.topology(), {}};
    m.report = measure(first, second, m.topology, DemandHistory{}, MeasureOptions{});
    return m;
}

void set_peak_counter(benchmark::State& state, std::size_t peak_bytes, int vcpus) {
    state.counters["peak_KiB"] = static_cast<double>(peak_bytes) / 1024.0;
    state.counters["B_per_vcpu"] = static_cast<double>(peak_bytes) / vcpus;
}

// Times plan() on `m` under `policy`, with its peak heap and how many moves it made (a plan's
// cost grows with the steps it takes).
void time_plan(benchmark::State& state, const Measured& m, const PolicyConfig& policy, int vcpus) {
    MoveHistory history;
    std::size_t peak = 0;
    std::size_t moves = 0;
    for (auto _ : state) {
        const std::size_t base = heap_in_use();
        reset_heap_peak();
        Plan p = plan(m.report, m.topology, policy, history);
        benchmark::DoNotOptimize(p);
        peak = std::max(peak, heap_peak() - base);
        moves = p.moves.size();
    }
    set_peak_counter(state, peak, vcpus);
    state.counters["moves"] = static_cast<double>(moves);
}

void BM_Plan(benchmark::State& state) {
    const int vcpus = static_cast<int>(state.range(1));
    PolicyConfig policy;
    policy.algorithm = state.range(2) ? Algorithm::Count : Algorithm::Balance;
    time_plan(state, measured_host(static_cast<int>(state.range(0)), vcpus), policy, vcpus);
}

// plan() on a host with SMT and 4 NUMA nodes: the topology-aware pricing's cost.
void BM_PlanTopology(benchmark::State& state) {
    const int vcpus = static_cast<int>(state.range(1));
    time_plan(state, measured_host(static_cast<int>(state.range(0)), vcpus, true), PolicyConfig{},
              vcpus);
}

// The baseline: one copy of the LoadReport, the least any pass over it costs.
void BM_CopyReport(benchmark::State& state) {
    const int pcpus = static_cast<int>(state.range(0));
    const int vcpus = static_cast<int>(state.range(1));
    const Measured m = measured_host(pcpus, vcpus);
    std::size_t peak = 0;
    for (auto _ : state) {
        const std::size_t base = heap_in_use();
        reset_heap_peak();
        LoadReport copy = m.report;
        benchmark::DoNotOptimize(copy);
        peak = std::max(peak, heap_peak() - base);
    }
    set_peak_counter(state, peak, vcpus);
}

// sample → measure → plan → apply against the simulator; simulated time passes untimed.
void BM_Cycle(benchmark::State& state) {
    const int pcpus = static_cast<int>(state.range(0));
    const int vcpus = static_cast<int>(state.range(1));
    sim::Simulator sim(bench::cost_scenario(pcpus, vcpus));
    NullLog log;
    Cycle cycle(sim, sim, CycleOptions{}, log);
    cycle.run();  // the baseline sample
    std::size_t peak = 0;
    for (auto _ : state) {
        state.PauseTiming();
        sim.advance(kInterval);
        const std::size_t base = heap_in_use();
        reset_heap_peak();
        state.ResumeTiming();
        CycleReport r = cycle.run();
        benchmark::DoNotOptimize(r);
        state.PauseTiming();
        peak = std::max(peak, heap_peak() - base);
        state.ResumeTiming();
    }
    set_peak_counter(state, peak, vcpus);
}

void sizes(benchmark::internal::Benchmark* b, bool with_algorithm) {
    std::vector<std::pair<int, int>> cases;
    for (int p : {64, 256, 1024})
        for (int v : {100, 1000, 10000})
            cases.emplace_back(p, v);
    cases.emplace_back(256, 4000);  // the target: 1,000 domains × 4 vCPUs
    for (auto [p, v] : cases) {
        if (with_algorithm)
            b->Args({p, v, 0});
        else
            b->Args({p, v});
    }
    b->Unit(benchmark::kMicrosecond)->MinTime(0.2);
}

BENCHMARK(BM_CopyReport)->Apply([](auto* b) { sizes(b, false); });
BENCHMARK(BM_Plan)->Apply([](auto* b) { sizes(b, true); }) -> Args({256, 4000, 1});
BENCHMARK(BM_PlanTopology)->Args({256, 4000})->Unit(benchmark::kMicrosecond)->MinTime(0.2);
BENCHMARK(BM_Cycle)->Apply([](auto* b) { sizes(b, false); });

// Keeps every run to print the ratios table after Google Benchmark's own output.
class TableReporter : public benchmark::ConsoleReporter {
  public:
    TableReporter() : ConsoleReporter(OO_Tabular) {}  // no colour codes in logs and READMEs
    struct Row {
        double us = 0;
        double peak_kib = 0;
        double bytes_per_vcpu = 0;
    };
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& run : runs) {
            if (run.run_type != Run::RT_Iteration || run.error_occurred)
                continue;
            Row row;
            // CPU time: on a shared machine wall time mostly measures the neighbours.
            row.us = run.GetAdjustedCPUTime() *
                     benchmark::GetTimeUnitMultiplier(benchmark::kMicrosecond) /
                     benchmark::GetTimeUnitMultiplier(run.time_unit);
            auto counter = [&](const char* name) {
                auto it = run.counters.find(name);
                return it == run.counters.end() ? 0.0 : it->second.value;
            };
            row.peak_kib = counter("peak_KiB");
            row.bytes_per_vcpu = counter("B_per_vcpu");
            rows[run.benchmark_name()] = row;
        }
    }
    std::map<std::string, Row> rows;
};

void print_table(const TableReporter& rep) {
    auto get = [&](const std::string& name) -> std::optional<TableReporter::Row> {
        auto it = rep.rows.find(name);
        if (it == rep.rows.end())
            return std::nullopt;
        return it->second;
    };
    const auto smallest_plan = get("BM_Plan/64/100/0/min_time:0.200");
    const auto smallest_cycle = get("BM_Cycle/64/100/min_time:0.200");
    std::printf(
        "\n| pCPUs | vCPUs | plan() | ÷ report copy | ÷ plan 64×100 | plan peak heap | B/vCPU "
        "| cycle | ÷ cycle 64×100 | cycle peak heap | B/vCPU |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::vector<std::pair<int, int>> cases;
    for (int p : {64, 256, 1024})
        for (int v : {100, 1000, 10000})
            cases.emplace_back(p, v);
    cases.emplace_back(256, 4000);
    for (auto [p, v] : cases) {
        const std::string size = std::to_string(p) + "/" + std::to_string(v);
        auto plan_row = get("BM_Plan/" + size + "/0/min_time:0.200");
        auto copy_row = get("BM_CopyReport/" + size + "/min_time:0.200");
        auto cycle_row = get("BM_Cycle/" + size + "/min_time:0.200");
        if (!plan_row || !copy_row || !cycle_row)
            continue;
        std::printf(
            "| %d | %d | %.1f µs | %.1f× | %.1f× | %.1f KiB | %.0f | %.1f µs | %.1f× | %.1f KiB | "
            "%.0f |\n",
            p, v, plan_row->us, plan_row->us / copy_row->us,
            smallest_plan ? plan_row->us / smallest_plan->us : 0.0, plan_row->peak_kib,
            plan_row->bytes_per_vcpu, cycle_row->us,
            smallest_cycle ? cycle_row->us / smallest_cycle->us : 0.0, cycle_row->peak_kib,
            cycle_row->bytes_per_vcpu);
    }
    if (auto target = get("BM_Plan/256/4000/0/min_time:0.200"))
        std::printf(
            "\nTarget: plan() for 1,000 domains × 4 vCPUs on 256 pCPUs < 5 ms: %.2f ms "
            "(%s)\n",
            target->us / 1000.0, target->us < 5000.0 ? "met" : "MISSED");
    if (auto count = get("BM_Plan/256/4000/1/min_time:0.200"))
        std::printf("count policy at the same size: %.2f ms\n", count->us / 1000.0);
    if (auto shaped = get("BM_PlanTopology/256/4000/min_time:0.200"))
        std::printf(
            "balance on the same size shaped as 2 sockets × 64 cores × 2 threads, 4 nodes: "
            "%.2f ms (%s)\n",
            shaped->us / 1000.0, shaped->us < 5000.0 ? "met" : "MISSED");
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("Peak resident memory of this benchmark process: %.1f MiB\n",
                static_cast<double>(usage.ru_maxrss) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    TableReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_table(reporter);
    benchmark::Shutdown();
    return 0;
}
