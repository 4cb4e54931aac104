// Tests the Prometheus textfile: format (checked line by line), counters, atomic replacement.
#include "metrics_textfile.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "vcpusched/error.hpp"

using namespace std::chrono_literals;
using vcpusched::CycleReport;
using vcpusched::Move;
using vcpusched::MoveOutcome;
using vcpusched::MoveResult;
using vcpusched::PcpuLoad;
using vcpusched::VcpuLoad;
using vcpusched::VcpuRef;
using vcpusched::daemon::format_metrics;
using vcpusched::daemon::MetricsCounters;
using vcpusched::daemon::MetricsTextfile;
using vcpusched::daemon::write_textfile;

namespace {

// A parsed exposition: what a scraper would make of the text, after checking its grammar.
struct Exposition {
    struct Family {
        std::string help;
        std::string type;
        std::map<std::map<std::string, std::string>, std::string> samples;  // labels -> value
    };
    std::map<std::string, Family> families;
    std::vector<std::string> order;  // family names as they appear

    std::optional<std::string> value(const std::string& name,
                                     const std::map<std::string, std::string>& labels = {}) const {
        auto f = families.find(name);
        if (f == families.end())
            return std::nullopt;
        auto s = f->second.samples.find(labels);
        if (s == f->second.samples.end())
            return std::nullopt;
        return s->second;
    }
    std::size_t count(const std::string& name) const {
        auto f = families.find(name);
        return f == families.end() ? 0 : f->second.samples.size();
    }
};

// Unescapes a label value; nullopt on an escape the format does not allow.
std::optional<std::string> unescape(const std::string& raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            out += raw[i];
            continue;
        }
        if (++i == raw.size())
            return std::nullopt;
        if (raw[i] == '\\' || raw[i] == '"')
            out += raw[i];
        else if (raw[i] == 'n')
            out += '\n';
        else
            return std::nullopt;
    }
    return out;
}

// Parses node_exporter textfile text, failing the test (with the line) on any grammar fault.
Exposition parse_exposition(const std::string& text) {
    static const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static const std::regex help_re("# HELP ([^ ]+) (.+)");
    static const std::regex type_re("# TYPE ([^ ]+) (counter|gauge|histogram|summary|untyped)");
    static const std::regex sample_re(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+))");
    static const std::regex label_re(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$))re");
    static const std::regex value_re(
        R"([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|NaN|[-+]Inf)");

    Exposition e;
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n') << "the file must end with a newline";
    std::istringstream in(text);
    std::string line;
    std::string current;  // family whose samples are being read
    std::set<std::string> closed;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        const std::string where = "line " + std::to_string(n) + ": " + line;
        std::smatch m;
        if (std::regex_match(line, m, help_re)) {
            const std::string name = m[1];
            EXPECT_TRUE(std::regex_match(name, name_re)) << where;
            EXPECT_FALSE(e.families.count(name)) << "second HELP, " << where;
            if (!current.empty())
                closed.insert(current);
            current = name;
            e.families[name].help = m[2];
            e.order.push_back(name);
        } else if (std::regex_match(line, m, type_re)) {
            EXPECT_EQ(m[1], current) << "TYPE must follow its HELP, " << where;
            EXPECT_TRUE(e.families[current].type.empty()) << "second TYPE, " << where;
            EXPECT_TRUE(e.families[current].samples.empty()) << "TYPE after samples, " << where;
            e.families[current].type = m[2];
        } else if (std::regex_match(line, m, sample_re)) {
            const std::string name = m[1];
            EXPECT_EQ(name, current) << "sample outside its family, " << where;
            EXPECT_FALSE(closed.count(name)) << "family split in two, " << where;
            EXPECT_TRUE(std::regex_match(std::string(m[4]), value_re)) << where;
            std::map<std::string, std::string> labels;
            std::string rest = m[3];
            std::smatch lm;
            while (!rest.empty()) {
                if (!std::regex_search(rest, lm, label_re) || lm.position(0) != 0) {
                    ADD_FAILURE() << "bad labels, " << where;
                    break;
                }
                auto value = unescape(lm[2]);
                EXPECT_TRUE(value.has_value()) << "bad escape, " << where;
                EXPECT_TRUE(labels.emplace(lm[1], value.value_or("")).second)
                    << "label twice, " << where;
                rest = lm.suffix();
            }
            EXPECT_TRUE(e.families[name].samples.emplace(labels, m[4]).second)
                << "series twice, " << where;
        } else {
            ADD_FAILURE() << "not a HELP, TYPE or sample line, " << where;
        }
    }
    for (const auto& [name, family] : e.families) {
        EXPECT_FALSE(family.type.empty()) << name << " has no TYPE";
        if (family.type == "counter") {
            EXPECT_TRUE(name.ends_with("_total")) << name;
        }
        EXPECT_TRUE(name.starts_with("vcpu_scheduler_")) << name;
    }
    return e;
}

VcpuLoad vcpu(const std::string& domain, int id, int pcpu, double demand) {
    VcpuLoad v;
    v.ref = VcpuRef{"uuid-" + domain, domain, id};
    v.pcpu = pcpu;
    v.run = demand;
    v.demand = demand;
    return v;
}

PcpuLoad pcpu(int id, double load, double busy) {
    PcpuLoad p;
    p.id = id;
    p.load = load;
    p.busy = busy;
    p.saturated = busy > 0.95;
    return p;
}

// web01's two vCPUs share pCPU 0 while pCPU 1 idles; the plan moves vCPU 1 there.
CycleReport web01_spread_out(MoveOutcome outcome) {
    CycleReport r;
    r.load.interval_s = 2;
    r.load.pcpus = {pcpu(0, 1.4, 0.99), pcpu(1, 0.2, -1)};
    r.load.vcpus = {vcpu("web01", 0, 0, 0.7), vcpu("web01", 1, 0, 0.7), vcpu("db", 0, 1, 0.2)};
    r.plan.moves = {Move{r.load.vcpus[1].ref, 0, 1, 0.7}};
    r.results = {MoveResult{r.plan.moves[0], outcome, ""}};
    r.duration = 12ms;
    return r;
}

const std::chrono::system_clock::time_point kFinished{1'700'000'000'500ms};

Exposition after_one_cycle(const CycleReport& report) {
    MetricsCounters counters;
    counters.count(report, kFinished);
    return parse_exposition(format_metrics(counters, &report));
}

// A directory under TMPDIR that goes away with the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "metrics-test.XXXXXX");
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST(MetricsTextfile, EveryFamilyHasHelpTypeAndValidSamples) {
    const Exposition e = after_one_cycle(web01_spread_out(MoveOutcome::Done));
    const std::vector<std::string> expected = {
        "vcpu_scheduler_libvirt_connected",
        "vcpu_scheduler_last_success_timestamp_seconds",
        "vcpu_scheduler_cycles_total",
        "vcpu_scheduler_planned_moves_total",
        "vcpu_scheduler_moves_total",
        "vcpu_scheduler_pin_failures_total",
        "vcpu_scheduler_cycle_duration_seconds",
        "vcpu_scheduler_pcpu_load_spread_ratio",
        "vcpu_scheduler_pcpu_load_ratio",
        "vcpu_scheduler_pcpu_busy_ratio",
        "vcpu_scheduler_vcpu_demand_ratio",
        "vcpu_scheduler_vcpu_pcpu",
    };
    EXPECT_EQ(e.order, expected);
    for (const auto& [name, family] : e.families)
        EXPECT_FALSE(family.help.empty()) << name;
    EXPECT_EQ(e.families.at("vcpu_scheduler_moves_total").type, "counter");
    EXPECT_EQ(e.families.at("vcpu_scheduler_vcpu_pcpu").type, "gauge");
}

TEST(MetricsTextfile, ReportsLoadsDemandsAndSpreadOfTheCycle) {
    const Exposition e = after_one_cycle(web01_spread_out(MoveOutcome::Done));
    EXPECT_EQ(e.value("vcpu_scheduler_pcpu_load_ratio", {{"cpu", "0"}}), "1.4");
    EXPECT_EQ(e.value("vcpu_scheduler_pcpu_load_ratio", {{"cpu", "1"}}), "0.2");
    EXPECT_EQ(e.value("vcpu_scheduler_pcpu_busy_ratio", {{"cpu", "0"}}), "0.99");
    // pCPU 1's busy share is unknown (-1): no sample rather than a made-up one.
    EXPECT_EQ(e.count("vcpu_scheduler_pcpu_busy_ratio"), 1U);
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_demand_ratio", {{"domain", "web01"}, {"vcpu", "1"}}),
              "0.7");
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_demand_ratio", {{"domain", "db"}, {"vcpu", "0"}}),
              "0.2");
    // Loads 1.4 and 0.2: standard deviation 0.6 pCPU.
    EXPECT_NEAR(std::stod(*e.value("vcpu_scheduler_pcpu_load_spread_ratio")), 0.6, 1e-9);
    EXPECT_EQ(e.value("vcpu_scheduler_cycle_duration_seconds"), "0.012");
    EXPECT_EQ(e.value("vcpu_scheduler_last_success_timestamp_seconds"), "1700000000.5");
    EXPECT_EQ(e.value("vcpu_scheduler_libvirt_connected"), "1");
}

TEST(MetricsTextfile, VcpuPcpuFollowsAPinThatTookEffect) {
    const Exposition e = after_one_cycle(web01_spread_out(MoveOutcome::Done));
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_pcpu", {{"domain", "web01"}, {"vcpu", "0"}}), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_pcpu", {{"domain", "web01"}, {"vcpu", "1"}}), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_pcpu", {{"domain", "db"}, {"vcpu", "0"}}), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_moves_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_pin_failures_total"), "0");
}

TEST(MetricsTextfile, FailedPinCountsAsFailureAndLeavesVcpuWhereItWas) {
    const Exposition e = after_one_cycle(web01_spread_out(MoveOutcome::Failed));
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_pcpu", {{"domain", "web01"}, {"vcpu", "1"}}), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_moves_total"), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_pin_failures_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_planned_moves_total"), "1");
}

TEST(MetricsTextfile, VanishedDomainIsNeitherMoveNorFailure) {
    const Exposition e = after_one_cycle(web01_spread_out(MoveOutcome::DomainGone));
    EXPECT_EQ(e.value("vcpu_scheduler_moves_total"), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_pin_failures_total"), "0");
}

TEST(MetricsTextfile, DryRunCountsPlannedMovesButNoPins) {
    CycleReport r = web01_spread_out(MoveOutcome::Done);
    r.results.clear();  // dry-run: planned, never applied
    const Exposition e = after_one_cycle(r);
    EXPECT_EQ(e.value("vcpu_scheduler_planned_moves_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_moves_total"), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_pcpu", {{"domain", "web01"}, {"vcpu", "1"}}), "0");
}

TEST(MetricsTextfile, CountersAccumulateOverCycles) {
    MetricsCounters counters;
    counters.count(web01_spread_out(MoveOutcome::Done), kFinished);
    counters.count(web01_spread_out(MoveOutcome::Failed), kFinished + 2s);
    CycleReport quiet;
    quiet.load.pcpus = {pcpu(0, 0.5, 0.5), pcpu(1, 0.5, 0.5)};
    counters.count(quiet, kFinished + 4s);
    const Exposition e = parse_exposition(format_metrics(counters, &quiet));
    EXPECT_EQ(e.value("vcpu_scheduler_cycles_total"), "3");
    EXPECT_EQ(e.value("vcpu_scheduler_planned_moves_total"), "2");
    EXPECT_EQ(e.value("vcpu_scheduler_moves_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_pin_failures_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_last_success_timestamp_seconds"), "1700000004.5");
    EXPECT_EQ(e.value("vcpu_scheduler_pcpu_load_spread_ratio"), "0");
}

TEST(MetricsTextfile, DisconnectedKeepsCountersAndDropsStaleSeries) {
    MetricsCounters counters;
    counters.count(web01_spread_out(MoveOutcome::Done), kFinished);
    counters.connected = false;
    const Exposition e = parse_exposition(format_metrics(counters, nullptr));
    EXPECT_EQ(e.value("vcpu_scheduler_libvirt_connected"), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_moves_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_last_success_timestamp_seconds"), "1700000000.5");
    EXPECT_EQ(e.count("vcpu_scheduler_vcpu_pcpu"), 0U);
    EXPECT_EQ(e.count("vcpu_scheduler_pcpu_load_ratio"), 0U);
    EXPECT_EQ(e.count("vcpu_scheduler_cycle_duration_seconds"), 0U);
    // The families stay declared, so the file's shape does not depend on libvirt's state.
    EXPECT_EQ(e.families.count("vcpu_scheduler_vcpu_pcpu"), 1U);
}

TEST(MetricsTextfile, NeverConnectedReadsZero) {
    const Exposition e = parse_exposition(format_metrics(MetricsCounters{}, nullptr));
    EXPECT_EQ(e.value("vcpu_scheduler_libvirt_connected"), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_last_success_timestamp_seconds"), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_cycles_total"), "0");
}

TEST(MetricsTextfile, BaselineCycleHasNoSpread) {
    CycleReport baseline;
    baseline.baseline = true;
    const Exposition e = after_one_cycle(baseline);
    EXPECT_EQ(e.count("vcpu_scheduler_pcpu_load_spread_ratio"), 0U);
    EXPECT_EQ(e.value("vcpu_scheduler_cycles_total"), "1");
}

TEST(MetricsTextfile, OddDomainNamesAreEscapedAndReadBack) {
    const std::string odd = "we\"b\\01\nnew";
    CycleReport r;
    r.load.pcpus = {pcpu(0, 0.3, 0.3)};
    r.load.vcpus = {vcpu(odd, 2, 0, 0.3)};
    const std::string text = format_metrics(MetricsCounters{}, &r);
    EXPECT_NE(text.find(R"(domain="we\"b\\01\nnew")"), std::string::npos) << text;
    const Exposition e = parse_exposition(text);
    EXPECT_EQ(e.value("vcpu_scheduler_vcpu_demand_ratio", {{"domain", odd}, {"vcpu", "2"}}), "0.3");
}

TEST(MetricsTextfile, WriteReplacesTheFileWorldReadableAndLeavesNoTemp) {
    TempDir dir;
    const auto path = dir.path / "vcpu-scheduler.prom";
    write_textfile(path, "old\n");
    const mode_t old_mask = ::umask(077);  // as under the unit's UMask=0077
    write_textfile(path, "new\n");
    ::umask(old_mask);
    EXPECT_EQ(read_file(path), "new\n");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644U);
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path))
        names.push_back(entry.path().filename());
    EXPECT_EQ(names, std::vector<std::string>{"vcpu-scheduler.prom"});
}

TEST(MetricsTextfile, WriteIntoMissingDirectoryNamesThePath) {
    TempDir dir;
    const std::string path = (dir.path / "absent" / "vcpu-scheduler.prom").string();
    try {
        write_textfile(path, "x\n");
        FAIL() << "no error for a missing directory";
    } catch (const vcpusched::Error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos)
            << e.what();
    }
}

TEST(MetricsTextfile, RewritesTheFileAfterEachCycleAndOnDisconnect) {
    TempDir dir;
    MetricsTextfile metrics((dir.path / "m.prom").string());
    metrics.cycle_done(web01_spread_out(MoveOutcome::Done), kFinished);
    Exposition e = parse_exposition(read_file(dir.path / "m.prom"));
    EXPECT_EQ(e.value("vcpu_scheduler_cycles_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_libvirt_connected"), "1");
    EXPECT_EQ(e.count("vcpu_scheduler_vcpu_pcpu"), 3U);

    metrics.disconnected();
    e = parse_exposition(read_file(dir.path / "m.prom"));
    EXPECT_EQ(e.value("vcpu_scheduler_libvirt_connected"), "0");
    EXPECT_EQ(e.value("vcpu_scheduler_cycles_total"), "1");
    EXPECT_EQ(e.count("vcpu_scheduler_vcpu_pcpu"), 0U);
}

TEST(MetricsTextfile, WithoutPathCountsButWritesNothingAndKeepsCountsOverPathChange) {
    TempDir dir;
    MetricsTextfile metrics;
    metrics.cycle_done(web01_spread_out(MoveOutcome::Done), kFinished);
    EXPECT_TRUE(std::filesystem::is_empty(dir.path));
    metrics.set_path((dir.path / "m.prom").string());  // as on a reload that sets metrics.textfile
    metrics.cycle_done(web01_spread_out(MoveOutcome::Failed), kFinished + 2s);
    const Exposition e = parse_exposition(read_file(dir.path / "m.prom"));
    EXPECT_EQ(e.value("vcpu_scheduler_cycles_total"), "2");
    EXPECT_EQ(e.value("vcpu_scheduler_moves_total"), "1");
    EXPECT_EQ(e.value("vcpu_scheduler_pin_failures_total"), "1");
}

// Prometheus' own linter, where Debian's prometheus package is installed (it is large, so
// scripts/install-deps leaves it out; VCPUSCHED_EXTRA_PACKAGES=prometheus brings it).
TEST(MetricsTextfile, PromtoolAcceptsTheFile) {
    if (std::system("command -v promtool >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "promtool not installed";
    TempDir dir;
    const auto path = dir.path / "m.prom";
    write_textfile(path, format_metrics(MetricsCounters{}, nullptr));
    const std::string cmd = "promtool check metrics < '" + path.string() + "' 2>&1";
    for (const CycleReport& r :
         {web01_spread_out(MoveOutcome::Done), web01_spread_out(MoveOutcome::Failed)}) {
        MetricsCounters counters;
        counters.count(r, kFinished);
        write_textfile(path, format_metrics(counters, &r));
        FILE* p = ::popen(cmd.c_str(), "r");
        ASSERT_NE(p, nullptr);
        std::string out;
        char buf[256];
        while (std::fgets(buf, sizeof buf, p))
            out += buf;
        const int status = ::pclose(p);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
        EXPECT_EQ(out, "");
    }
}

// The man page documents every family the daemon writes.
TEST(MetricsTextfile, ManPageNamesEveryFamily) {
    const std::string man =
        read_file(std::filesystem::path(VCPUSCHED_SOURCE_DIR) / "man" / "vcpu-scheduler.8");
    ASSERT_FALSE(man.empty());
    const Exposition e = after_one_cycle(web01_spread_out(MoveOutcome::Done));
    for (const auto& name : e.order)
        EXPECT_NE(man.find(name), std::string::npos) << name << " is not in vcpu-scheduler(8)";
}
