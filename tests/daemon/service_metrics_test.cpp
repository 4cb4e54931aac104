// Service + metrics textfile: the file follows the cycles, a lost libvirt and a reload.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fakes.hpp"
#include "service.hpp"

namespace vcpusched::daemon {
namespace {

using namespace fakes;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

class ServiceMetricsTest : public ::testing::Test {
  protected:
    ServiceMetricsTest() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "service-metrics.XXXXXX");
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
        config.connect = "test:///default";
        config.metrics_textfile = (dir / "vcpu-scheduler.prom").string();
    }
    ~ServiceMetricsTest() override { std::filesystem::remove_all(dir); }

    int run() {
        Service service(config, ServiceParts{time, time, notifier, balancer, log,
                                             [this] { return next_reload; }, std::nullopt});
        return service.run();
    }

    // A cycle that moved web01's vCPU 1 from pCPU 0 to 1.
    static CycleReport moved_one() {
        CycleReport r;
        VcpuLoad v;
        v.ref = VcpuRef{"uuid-web01", "web01", 1};
        v.pcpu = 0;
        v.demand = 0.6;
        r.load.vcpus = {v};
        PcpuLoad p0, p1;
        p0.id = 0;
        p0.load = 0.6;
        p1.id = 1;
        r.load.pcpus = {p0, p1};
        r.plan.moves = {Move{v.ref, 0, 1, 0.6}};
        r.results = {MoveResult{r.plan.moves[0], MoveOutcome::Done, ""}};
        return r;
    }

    std::filesystem::path dir;
    FakeTime time;
    const nanoseconds start = time.now();
    RecordingNotifier notifier{time};
    RecordingJournal journal;
    Logger log{LogLevel::Debug, &journal, time};
    FakeBalancer balancer{time};
    Config config;
    ConfigLoad next_reload;
};

TEST_F(ServiceMetricsTest, FileFollowsEveryCycle) {
    CycleReport baseline;
    baseline.baseline = true;
    balancer.reports = {baseline, moved_one(), moved_one()};
    time.end = start + 5s;  // cycles at 0, 2, 4 s
    EXPECT_EQ(run(), 0);
    const std::string text = read_file(config.metrics_textfile);
    EXPECT_TRUE(has_line(text, "vcpu_scheduler_cycles_total 3")) << text;
    EXPECT_TRUE(has_line(text, "vcpu_scheduler_moves_total 2")) << text;
    EXPECT_TRUE(has_line(text, "vcpu_scheduler_libvirt_connected 1")) << text;
    EXPECT_TRUE(has_line(text, R"(vcpu_scheduler_vcpu_pcpu{domain="web01",vcpu="1"} 1)")) << text;
}

TEST_F(ServiceMetricsTest, LostLibvirtShowsInTheFile) {
    balancer.reports = {moved_one()};
    balancer.lose_at_run = 1;  // the second cycle loses libvirt
    balancer.connect_outcomes = {true, false, false, false, false, false};  // and it stays away
    time.end = start + 6s;
    EXPECT_EQ(run(), 0);
    const std::string text = read_file(config.metrics_textfile);
    EXPECT_TRUE(has_line(text, "vcpu_scheduler_libvirt_connected 0")) << text;
    EXPECT_TRUE(has_line(text, "vcpu_scheduler_cycles_total 1")) << text;
    // No stale per-vCPU series while libvirt is away.
    EXPECT_EQ(text.find("vcpu_scheduler_vcpu_pcpu{"), std::string::npos) << text;
}

TEST_F(ServiceMetricsTest, UnwritableFileIsAWarningNotAStop) {
    config.metrics_textfile = (dir / "absent" / "vcpu-scheduler.prom").string();
    time.end = start + 3s;
    EXPECT_EQ(run(), 0);
    EXPECT_EQ(balancer.run_times.size(), 2u);  // kept cycling
    EXPECT_GE(journal.count_containing("metrics file " + config.metrics_textfile), 1u);
}

TEST_F(ServiceMetricsTest, ReloadMovesTheFileAndKeepsTheCounters) {
    balancer.reports = {moved_one(), moved_one(), moved_one()};
    Config reloaded = config;
    reloaded.metrics_textfile = (dir / "other.prom").string();
    next_reload.config = reloaded;
    time.signal_at(start + 3s, Wake::Reload);
    time.end = start + 5s;  // cycles at 0, 2 (old file), reload at 3, cycle at 4 (new file)
    EXPECT_EQ(run(), 0);
    const std::string text = read_file(reloaded.metrics_textfile);
    EXPECT_TRUE(has_line(text, "vcpu_scheduler_cycles_total 3")) << text;
    EXPECT_TRUE(has_line(text, "vcpu_scheduler_moves_total 3")) << text;
}

}  // namespace
}  // namespace vcpusched::daemon
