// Prometheus textfile output: formats counters and the last cycle, replaces the file atomically.
#include "metrics_textfile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <vector>

#include "vcpusched/error.hpp"

namespace vcpusched::daemon {

namespace {

// Prometheus text format numbers: shortest round-trip decimal, NaN and ±Inf spelled its way.
std::string number(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, end) : "NaN";
}

// Label values may hold anything a domain name can: escape what the format reserves.
std::string label_value(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

class Text {
  public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(std::string_view name, std::string_view labels, const std::string& value) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
        out_ += value;
        out_ += '\n';
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

std::string vcpu_labels(const VcpuRef& ref) {
    return "domain=\"" + label_value(ref.domain_name) + "\",vcpu=\"" + std::to_string(ref.vcpu) +
           "\"";
}

std::string cpu_label(int id) {
    return "cpu=\"" + std::to_string(id) + "\"";
}

// Where each vCPU sits once the cycle's pins took effect: its measured pCPU, or the target
// of a move that was done.
int pcpu_after(const VcpuLoad& v, const std::vector<MoveResult>& results) {
    for (const auto& r : results)
        if (r.outcome == MoveOutcome::Done && r.move.vcpu == v.ref)
            return r.move.to;
    return v.pcpu;
}

std::string errno_text(int err) {
    return std::strerror(err);
}

}  // namespace

void MetricsCounters::count(const CycleReport& report,
                            std::chrono::system_clock::time_point finished) {
    ++cycles;
    planned_moves += report.plan.moves.size();
    for (const auto& r : report.results) {
        if (r.outcome == MoveOutcome::Done)
            ++moves;
        else if (r.outcome == MoveOutcome::Failed)
            ++pin_failures;
    }
    connected = true;
    last_success = finished;
}

std::string format_metrics(const MetricsCounters& counters, const CycleReport* last) {
    Text t;
    t.family("vcpu_scheduler_libvirt_connected", "gauge",
             "Whether the last attempt to reach libvirt succeeded (1) or not (0).");
    t.sample("vcpu_scheduler_libvirt_connected", "", counters.connected ? "1" : "0");

    t.family("vcpu_scheduler_last_success_timestamp_seconds", "gauge",
             "Unix time at which the last balancing cycle completed; 0 = none yet.");
    double last_success = 0;
    if (counters.last_success) {
        last_success =
            std::chrono::duration<double>(counters.last_success->time_since_epoch()).count();
    }
    t.sample("vcpu_scheduler_last_success_timestamp_seconds", "", number(last_success));

    t.family("vcpu_scheduler_cycles_total", "counter", "Balancing cycles completed.");
    t.sample("vcpu_scheduler_cycles_total", "", std::to_string(counters.cycles));
    t.family("vcpu_scheduler_planned_moves_total", "counter",
             "vCPU moves the policy decided, dry-run ones included.");
    t.sample("vcpu_scheduler_planned_moves_total", "", std::to_string(counters.planned_moves));
    t.family("vcpu_scheduler_moves_total", "counter", "vCPU re-pins that took effect.");
    t.sample("vcpu_scheduler_moves_total", "", std::to_string(counters.moves));
    t.family("vcpu_scheduler_pin_failures_total", "counter",
             "vCPU re-pins that libvirt refused (a domain that vanished does not count).");
    t.sample("vcpu_scheduler_pin_failures_total", "", std::to_string(counters.pin_failures));

    t.family("vcpu_scheduler_cycle_duration_seconds", "gauge",
             "Wall time the last cycle took: sample, measure, plan and pins.");
    if (last) {
        t.sample("vcpu_scheduler_cycle_duration_seconds", "",
                 number(std::chrono::duration<double>(last->duration).count()));
    }

    t.family("vcpu_scheduler_pcpu_load_spread_ratio", "gauge",
             "Population standard deviation of pCPU load measured in the last cycle, in pCPUs.");
    if (last && !last->baseline)
        t.sample("vcpu_scheduler_pcpu_load_spread_ratio", "", number(last->load.spread() / 100));

    t.family(
        "vcpu_scheduler_pcpu_load_ratio", "gauge",
        "vCPU demand placed on a pCPU in the last cycle, in pCPUs (above 1 = oversubscribed).");
    if (last) {
        for (const auto& p : last->load.pcpus)
            t.sample("vcpu_scheduler_pcpu_load_ratio", cpu_label(p.id), number(p.load));
    }
    t.family(
        "vcpu_scheduler_pcpu_busy_ratio", "gauge",
        "Share of the last cycle a pCPU was busy, from /proc/stat (all work, not only vCPUs).");
    if (last) {
        for (const auto& p : last->load.pcpus)
            if (p.busy >= 0)
                t.sample("vcpu_scheduler_pcpu_busy_ratio", cpu_label(p.id), number(p.busy));
    }

    t.family("vcpu_scheduler_vcpu_demand_ratio", "gauge",
             "What a vCPU would use unconstrained in the last cycle, in pCPUs (0 to 1).");
    if (last) {
        for (const auto& v : last->load.vcpus)
            t.sample("vcpu_scheduler_vcpu_demand_ratio", vcpu_labels(v.ref), number(v.demand));
    }
    t.family("vcpu_scheduler_vcpu_pcpu", "gauge",
             "The pCPU a vCPU is pinned to after the last cycle; -1 = not pinned to a single one.");
    if (last) {
        for (const auto& v : last->load.vcpus)
            t.sample("vcpu_scheduler_vcpu_pcpu", vcpu_labels(v.ref),
                     std::to_string(pcpu_after(v, last->results)));
    }
    return t.take();
}

void write_textfile(const std::string& path, std::string_view text) {
    const std::filesystem::path target(path);
    const std::string where = "metrics file " + path;
    if (!target.has_filename())
        throw Error(where + ": not a file name");
    std::string temp =
        (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0)
        throw Error(where + ": cannot create a temp file beside it: " + errno_text(errno));

    // node_exporter reads the file as its own user; mkostemp makes it 0600.
    int err = 0;
    if (::fchmod(fd, 0644) != 0)
        err = errno;
    for (std::size_t done = 0; err == 0 && done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno != EINTR)
            err = errno;
        else if (n > 0)
            done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0 && err == 0)
        err = errno;
    if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0)
        err = errno;
    if (err != 0) {
        ::unlink(temp.c_str());
        throw Error(where + ": " + errno_text(err));
    }
}

void MetricsTextfile::cycle_done(const CycleReport& report,
                                 std::chrono::system_clock::time_point finished) {
    counters_.count(report, finished);
    if (!path_.empty())
        write_textfile(path_, format_metrics(counters_, &report));
}

void MetricsTextfile::disconnected() {
    counters_.connected = false;
    if (!path_.empty())
        write_textfile(path_, format_metrics(counters_, nullptr));
}

}  // namespace vcpusched::daemon
