// The daemon memory measurement: test-driver host, real daemon, the two floors.
#include "daemon_memory.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "child_process.hpp"
#include "test_node.hpp"
#include "vcpusched/error.hpp"

namespace vcpusched::bench {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(20);

// A fresh directory under $TMPDIR, removed with everything in it when this goes.
class TempDir {
  public:
    TempDir() {
        std::string pattern =
            (fs::temp_directory_path() / "vcpusched-bench-memory-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw Error(pattern + ": cannot create a temporary directory");
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out.flush())
        throw Error(path.string() + ": cannot write");
}

// vcpu_scheduler_cycles_total from the daemon's metrics file; nullopt before the first write.
std::optional<int> cycles_done(const fs::path& metrics) {
    std::istringstream in(read_text(metrics));
    std::string line;
    while (std::getline(in, line)) {
        constexpr std::string_view name = "vcpu_scheduler_cycles_total ";
        if (line.starts_with(name))
            return std::atoi(line.c_str() + name.size());
    }
    return std::nullopt;
}

[[noreturn]] void fail(const std::string& what, const ChildProcess& child) {
    throw Error(what + "; its output:\n" + child.log_tail());
}

ProcMemory run_floor(const std::string& binary, const std::string& uri, const fs::path& dir,
                     Clock::duration deadline) {
    ChildProcess floor({binary, uri},
                       (dir / (fs::path(binary).filename().string() + ".log")).string());
    const auto give_up = Clock::now() + deadline;
    while (read_text(floor.log_path()).find("ready\n") == std::string::npos) {
        if (!floor.running())
            fail(binary + " exited before it was ready", floor);
        if (Clock::now() > give_up)
            fail(binary + " was not ready in time", floor);
        std::this_thread::sleep_for(kPoll);
    }
    ProcMemory memory = read_proc_memory(floor.pid());
    floor.stop();
    return memory;
}

}  // namespace

DaemonMemory measure_daemon_memory(int domains, const DaemonMemoryOptions& options) {
    TempDir dir;
    TestNode node{domains, options.pcpus};
    write_text(dir.path() / "node.xml", test_node_xml(node));
    const std::string uri =
        (options.via_libvirtd ? "test+unix://" : "test://") + (dir.path() / "node.xml").string();
    const fs::path metrics = dir.path() / "metrics.prom";
    write_text(dir.path() / "config.yaml", fmt::format("interval: {}\n"
                                                       "log:\n  level: warn\n  target: stderr\n"
                                                       "metrics:\n  textfile: \"{}\"\n",
                                                       options.interval, metrics.string()));

    DaemonMemory result;
    result.domains = domains;
    result.vcpus = test_node_vcpus(node);
    result.anon_peak = 0;
    const auto started = Clock::now();
    {
        ChildProcess daemon(
            {options.daemon, "--config", (dir.path() / "config.yaml").string(), "--connect", uri},
            (dir.path() / "daemon.log").string());
        const auto give_up = started + options.deadline;
        for (;;) {
            if (!daemon.running())
                fail(fmt::format("{} exited during the run (status {})", options.daemon,
                                 daemon.wait_status()),
                     daemon);
            const ProcMemory now = read_proc_memory(daemon.pid());
            result.anon_peak = std::max(result.anon_peak, now.rss_anon);
            const int done = cycles_done(metrics).value_or(0);
            if (done >= options.cycles) {
                result.cycles = done;
                result.daemon = now;
                break;
            }
            if (Clock::now() > give_up)
                fail(fmt::format("{}: {} of {} cycles in {} s", options.daemon, done,
                                 options.cycles, options.deadline.count()),
                     daemon);
            std::this_thread::sleep_for(kPoll);
        }
        result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        const int status = daemon.stop();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail(fmt::format("{} did not stop cleanly on SIGTERM (status {})", options.daemon,
                             status),
                 daemon);
    }
    result.libvirt_floor = run_floor(options.libvirt_floor, uri, dir.path(), options.deadline);
    result.deps_floor = run_floor(options.deps_floor, uri, dir.path(), options.deadline);
    return result;
}

}  // namespace vcpusched::bench
