// Soak: 20,000 cycles over a simulated host whose domains come and go (some restarting under
// the same UUID, some reusing a name), with re-pins by someone else now and then. Resident
// memory must level off and no file descriptor may leak.
#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "vcpusched/cycle.hpp"
#include "vcpusched/sim/simulator.hpp"

namespace vcpusched {
namespace {

using namespace std::chrono_literals;

constexpr int kCycles = 20'000;
constexpr int kWarmup = 1'000;
constexpr auto kInterval = 2s;

long resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long size = 0;
    long resident = 0;
    statm >> size >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

int open_fds() {
    int n = 0;
    DIR* dir = opendir("/proc/self/fd");
    if (!dir)
        return -1;
    while (const dirent* e = readdir(dir))
        n += e->d_name[0] != '.' ? 1 : 0;
    closedir(dir);
    return n;
}

// Domains with 1-4 vCPUs of random demand, each living a random 20-400 s; about one starts
// every 40 s. One in five is a restart of an earlier one (same UUID), one in ten reuses an
// earlier name under a new UUID.
sim::Scenario churn(std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    sim::Scenario s;
    s.host.cores = 4;
    s.tick = 1s;
    s.seed = seed;
    const auto end = kInterval * (kCycles + 10);
    int serial = 0;
    for (auto at = 0s; at < end; at += std::chrono::seconds(1 + random() % 79)) {
        sim::DomainSpec d;
        const int earlier = serial > 0 ? static_cast<int>(random() % serial) : 0;
        const double kind = unit(random);
        d.uuid = "uuid-" + std::to_string(kind < 0.2 ? earlier : serial);
        d.name = "vm" + std::to_string(kind > 0.9 ? earlier : serial);
        ++serial;
        const int vcpus = 1 + static_cast<int>(random() % 4);
        for (int v = 0; v < vcpus; ++v) {
            sim::VcpuSpec spec;
            spec.demand.kind = sim::ProfileKind::RandomWalk;
            spec.demand.level = 0.05 + 0.3 * unit(random);
            spec.demand.sigma = 0.05;
            spec.demand.revert = 0.1;
            spec.affinity = unit(random) < 0.5 ? CpuSet{} : CpuSet{static_cast<int>(random() % 4)};
            d.vcpus.push_back(spec);
        }
        d.start = at;
        d.stop = at + std::chrono::seconds(20 + random() % 380);
        s.domains.push_back(d);
    }
    return s;
}

// The same UUID must not run twice at once: keep only restarts that begin after every
// earlier run of that UUID has stopped.
sim::Scenario without_overlaps(sim::Scenario s) {
    std::map<std::string, sim::nanoseconds> free_from;
    std::vector<sim::DomainSpec> kept;
    for (auto& d : s.domains) {
        auto it = free_from.find(d.uuid);
        if (it != free_from.end() && d.start < it->second)
            continue;
        free_from[d.uuid] = *d.stop;
        kept.push_back(d);
    }
    s.domains = std::move(kept);
    return s;
}

TEST(Soak, TwentyThousandCyclesWithChurnKeepMemoryAndDescriptorsFlat) {
    sim::Simulator host(without_overlaps(churn(20260127)));
    NullLog log;
    CycleOptions options;
    Cycle cycle(host, host, options, log);
    std::mt19937 random(7);

    long rss_warm = 0;
    int fds_warm = 0;
    std::uint64_t moves = 0;
    for (int i = 0; i < kCycles; ++i) {
        host.advance(kInterval);
        CycleReport r = cycle.run();
        moves += r.results.size();
        // Now and then someone else re-pins a running vCPU.
        if (i % 97 == 0 && !r.load.vcpus.empty()) {
            const VcpuLoad& v = r.load.vcpus[random() % r.load.vcpus.size()];
            try {
                host.pin(v.ref, CpuSet{static_cast<int>(random() % 4)});
            } catch (const HypervisorError&) {  // stopped since: nothing to re-pin
            }
        }
        if (i + 1 == kWarmup) {
            rss_warm = resident_bytes();
            fds_warm = open_fds();
        }
    }
    const long rss_end = resident_bytes();
    const int fds_end = open_fds();
    std::printf(
        "soak: %d cycles, %llu pins tried, %llu samples; RSS after %d cycles %ld KiB, "
        "at the end %ld KiB (%+ld KiB); fds %d → %d\n",
        kCycles, static_cast<unsigned long long>(moves),
        static_cast<unsigned long long>(host.stats().samples), kWarmup, rss_warm / 1024,
        rss_end / 1024, (rss_end - rss_warm) / 1024, fds_warm, fds_end);
    EXPECT_GT(moves, 100U) << "the churn should have kept the balancer busy";
    EXPECT_LE(rss_end - rss_warm, 1L << 20);
    EXPECT_EQ(fds_end, fds_warm);
}

}  // namespace
}  // namespace vcpusched
