// Reads per-pCPU busy time and the testbed's vCPU threads (pins, CPU time) from /proc.
#include "host_view.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace e2e {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<PcpuTimes> read_proc_stat() {
    std::vector<PcpuTimes> pcpus;
    std::ifstream in("/proc/stat");
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() < 4 || line.compare(0, 3, "cpu") != 0 || line[3] == ' ') {
            continue;
        }
        std::istringstream fields(line);
        std::string name;
        std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
        fields >> name >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
        const auto id = static_cast<std::size_t>(std::stoul(name.substr(3)));
        if (pcpus.size() <= id) {
            pcpus.resize(id + 1);
        }
        pcpus[id].busy = user + nice + system + irq + softirq;
        pcpus[id].total = pcpus[id].busy + idle + iowait;
    }
    return pcpus;
}

struct GuestProcess {
    std::string domain;
    fs::path proc;
};

// libvirt writes /run/libvirt/qemu/NAME.pid; the command line must name the same guest, so a
// stale pid file reused by another process is never mistaken for a guest.
std::vector<GuestProcess> guest_processes(const std::string& prefix) {
    std::vector<GuestProcess> guests;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/run/libvirt/qemu", ec)) {
        const auto name = entry.path().filename().string();
        if (entry.path().extension() != ".pid" || name.rfind(prefix, 0) != 0) {
            continue;
        }
        const auto domain = entry.path().stem().string();
        std::string pid = slurp(entry.path());
        pid.erase(std::remove_if(pid.begin(), pid.end(), [](char c) { return c < '0' || c > '9'; }),
                  pid.end());
        if (pid.empty()) {
            continue;
        }
        fs::path proc = fs::path("/proc") / pid;
        std::string cmdline = slurp(proc / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find("guest=" + domain + ",") == std::string::npos &&
            cmdline.find("guest=" + domain + " ") == std::string::npos) {
            continue;
        }
        guests.push_back({domain, proc});
    }
    return guests;
}

// "CPU 3/TCG" or "CPU 3/KVM" → 3; -1 for QEMU's other threads.
int vcpu_index(const std::string& comm) {
    if (comm.rfind("CPU ", 0) != 0) {
        return -1;
    }
    try {
        return std::stoi(comm.substr(4));
    } catch (const std::exception&) {
        return -1;
    }
}

vcpusched::CpuSet allowed_cpus(const fs::path& task) {
    std::istringstream status(slurp(task / "status"));
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Cpus_allowed_list:", 0) == 0) {
            auto text = line.substr(line.find(':') + 1);
            text.erase(0, text.find_first_not_of(" \t"));
            return vcpusched::CpuSet::parse(text);
        }
    }
    return {};
}

std::uint64_t runtime_ns(const fs::path& task) {
    std::istringstream schedstat(slurp(task / "schedstat"));
    std::uint64_t ns = 0;
    schedstat >> ns;
    return ns;
}

// Calls visit(domain, vcpu index or -1, task dir) for every thread of every testbed guest;
// threads that vanish while being read are skipped.
template <typename Visit>
void for_each_guest_thread(const std::string& prefix, Visit visit) {
    for (const auto& guest : guest_processes(prefix)) {
        std::error_code ec;
        for (const auto& task : fs::directory_iterator(guest.proc / "task", ec)) {
            std::string comm = slurp(task.path() / "comm");
            if (comm.empty()) {
                continue;
            }
            if (comm.back() == '\n') {
                comm.pop_back();
            }
            visit(guest.domain, vcpu_index(comm), task.path());
        }
    }
}

std::string percent(double value) {
    std::ostringstream out;
    out.precision(0);
    out << std::fixed << value << '%';
    return out.str();
}

}  // namespace

HostSnapshot snapshot(const std::string& prefix) {
    HostSnapshot snap;
    snap.at = std::chrono::steady_clock::now();
    snap.pcpus = read_proc_stat();
    for_each_guest_thread(prefix, [&](const std::string& domain, int vcpu, const fs::path& task) {
        if (vcpu < 0) {
            snap.other_qemu_ns += runtime_ns(task);
            return;
        }
        auto pins = allowed_cpus(task);
        if (!pins.empty()) {
            snap.vcpus[{domain, vcpu}] = {pins, runtime_ns(task)};
        }
    });
    return snap;
}

std::map<VcpuKey, vcpusched::CpuSet> read_pins(const std::string& prefix) {
    std::map<VcpuKey, vcpusched::CpuSet> pins;
    for_each_guest_thread(prefix, [&](const std::string& domain, int vcpu, const fs::path& task) {
        if (vcpu >= 0) {
            auto cpus = allowed_cpus(task);
            if (!cpus.empty()) {
                pins[{domain, vcpu}] = cpus;
            }
        }
    });
    return pins;
}

double Window::spread(const std::vector<double>& loads) {
    if (loads.empty()) {
        return 0;
    }
    const auto [low, high] = std::minmax_element(loads.begin(), loads.end());
    return *high - *low;
}

Window difference(const HostSnapshot& before, const HostSnapshot& after) {
    Window w;
    w.seconds = std::chrono::duration<double>(after.at - before.at).count();
    const std::size_t n = std::min(before.pcpus.size(), after.pcpus.size());
    w.busy.assign(n, 0);
    w.guest.assign(n, 0);
    w.foreign.assign(n, 0);
    for (std::size_t c = 0; c < n; ++c) {
        const auto total = after.pcpus[c].total - before.pcpus[c].total;
        if (total > 0) {
            w.busy[c] = 100.0 * static_cast<double>(after.pcpus[c].busy - before.pcpus[c].busy) /
                        static_cast<double>(total);
        }
    }
    if (w.seconds <= 0) {
        return w;
    }
    for (const auto& [key, thread] : after.vcpus) {
        w.pins[key] = thread.pins;
        const auto it = before.vcpus.find(key);
        if (it == before.vcpus.end() || thread.runtime_ns < it->second.runtime_ns) {
            continue;  // appeared (or restarted) during the window
        }
        const double load =
            static_cast<double>(thread.runtime_ns - it->second.runtime_ns) / 1e7 / w.seconds;
        w.vcpu_load[key] = load;
        const auto cpus = thread.pins.cpus();
        for (int cpu : cpus) {
            if (static_cast<std::size_t>(cpu) < n) {
                w.guest[static_cast<std::size_t>(cpu)] += load / static_cast<double>(cpus.size());
            }
        }
    }
    const double other =
        after.other_qemu_ns >= before.other_qemu_ns
            ? static_cast<double>(after.other_qemu_ns - before.other_qemu_ns) / 1e7 / w.seconds
            : 0;
    for (std::size_t c = 0; c < n; ++c) {
        w.foreign[c] = std::max(0.0, w.busy[c] - w.guest[c] - other / static_cast<double>(n));
    }
    return w;
}

std::string Window::describe() const {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << seconds << " s: /proc/stat";
    for (std::size_t c = 0; c < busy.size(); ++c) {
        out << " cpu" << c << ' ' << percent(busy[c]);
    }
    out << "; guest vCPUs";
    for (std::size_t c = 0; c < guest.size(); ++c) {
        out << " cpu" << c << ' ' << percent(guest[c]);
    }
    out << "; foreign";
    for (std::size_t c = 0; c < foreign.size(); ++c) {
        out << ' ' << percent(foreign[c]);
    }
    out << " |";
    for (const auto& [key, load] : vcpu_load) {
        const auto pin = pins.find(key);
        out << ' ' << key.domain << '/' << key.vcpu << '@'
            << (pin != pins.end() ? pin->second.format() : "?") << '=' << percent(load);
    }
    return out.str();
}

}  // namespace e2e
