// The scenario YAML grammar: host, run settings and domain groups expanded into domains.
//
// A domain group has `count` copies named name-0, name-1, …; numbers that vary per copy take
// a plain value, a `[lo, hi]` range drawn from the scenario's seed, or `{cycle: [a, b, …]}`
// taken in turn per domain. Unknown keys are errors (yaml-cpp would silently ignore them).
#include "scenario_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "vcpusched/error.hpp"
#include "vcpusched/sim/demand.hpp"
#include "vcpusched/sim/random.hpp"

namespace vcpusched::bench {

namespace {

using std::chrono::nanoseconds;

class Reader {
  public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                           const std::string& why) const {
        const auto mark = node.Mark();
        std::string where = file_;
        if (mark.line >= 0)
            where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
        throw Error(where + ": " + key + ": " + why);
    }

    void only_keys(const YAML::Node& map, const std::string& what,
                   std::initializer_list<const char*> keys) const {
        if (!map.IsMap())
            fail(map, what, "expected a mapping");
        std::set<std::string> allowed(keys.begin(), keys.end());
        for (const auto& kv : map) {
            auto key = kv.first.as<std::string>();
            if (!allowed.count(key))
                fail(kv.first, what + "." + key, "unknown key");
        }
    }

    double number(const YAML::Node& node, const std::string& key) const {
        try {
            return node.as<double>();
        } catch (const YAML::Exception&) {
            fail(node, key, "expected a number");
        }
    }

    int integer(const YAML::Node& node, const std::string& key) const {
        double v = number(node, key);
        if (v != std::floor(v) || std::abs(v) > 1e9)
            fail(node, key, "expected a whole number");
        return static_cast<int>(v);
    }

    std::string text(const YAML::Node& node, const std::string& key) const {
        if (!node.IsScalar())
            fail(node, key, "expected text");
        return node.as<std::string>();
    }

    bool boolean(const YAML::Node& node, const std::string& key) const {
        try {
            return node.as<bool>();
        } catch (const YAML::Exception&) {
            fail(node, key, "expected true or false");
        }
    }

    // A number that may vary per domain: value, [lo, hi] or {cycle: [...]}.
    double varying(const YAML::Node& node, const std::string& key, std::size_t index,
                   sim::Rng& rng) const {
        if (node.IsSequence()) {
            if (node.size() != 2)
                fail(node, key, "a range is [lo, hi]");
            double lo = number(node[0], key), hi = number(node[1], key);
            if (hi < lo)
                fail(node, key, "range end below its start");
            return rng.uniform(lo, hi);
        }
        if (node.IsMap()) {
            only_keys(node, key, {"cycle"});
            const auto& list = node["cycle"];
            if (!list.IsSequence() || list.size() == 0)
                fail(node, key, "cycle needs a non-empty list");
            return number(list[index % list.size()], key);
        }
        return number(node, key);
    }

    nanoseconds seconds(double s, const YAML::Node& node, const std::string& key) const {
        if (!(s >= 0) || s > 1e6)
            fail(node, key, "seconds must be in [0, 1e6]");
        return nanoseconds(static_cast<std::int64_t>(std::llround(s * 1e9)));
    }

    const std::string& file() const { return file_; }

  private:
    std::string file_;
};

sim::ProfileKind profile_kind(const Reader& r, const YAML::Node& node) {
    auto name = r.text(node, "demand.profile");
    if (name == "constant")
        return sim::ProfileKind::Constant;
    if (name == "step")
        return sim::ProfileKind::Step;
    if (name == "periodic")
        return sim::ProfileKind::Periodic;
    if (name == "random_walk")
        return sim::ProfileKind::RandomWalk;
    r.fail(node, "demand.profile",
           "\"" + name + "\" is not constant, step, periodic or random_walk");
}

sim::DemandProfile demand(const Reader& r, const YAML::Node& node, std::size_t index,
                          sim::Rng& rng) {
    r.only_keys(
        node, "demand",
        {"profile", "level", "to", "at", "period", "amplitude", "sigma", "revert", "noise"});
    sim::DemandProfile p;
    if (node["profile"])
        p.kind = profile_kind(r, node["profile"]);
    auto get = [&](const char* key, double fallback) {
        return node[key] ? r.varying(node[key], std::string("demand.") + key, index, rng)
                         : fallback;
    };
    p.level = get("level", 0);
    p.to = get("to", p.level);
    p.at = r.seconds(get("at", 0), node, "demand.at");
    p.period = r.seconds(get("period", 0), node, "demand.period");
    p.amplitude = get("amplitude", 0);
    p.sigma = get("sigma", 0);
    p.revert = get("revert", 0);
    p.noise = get("noise", 0);
    if (p.kind == sim::ProfileKind::Step && !node["at"])
        r.fail(node, "demand.at", "a step profile needs `at`");
    return p;
}

// How a group's vCPUs are pinned at start: a cpulist for all, none, round robin or random.
class Pinning {
  public:
    Pinning(const Reader& r, const YAML::Node& node) {
        if (!node || (node.IsScalar() && node.as<std::string>() == "none"))
            return;
        auto parse = [&](const YAML::Node& n, const std::string& key) {
            try {
                return CpuSet::parse(r.text(n, key));
            } catch (const Error& e) {
                r.fail(n, key, e.what());
            }
        };
        if (node.IsScalar()) {
            all_ = parse(node, "pin");
            return;
        }
        r.only_keys(node, "pin", {"round_robin", "random"});
        if (node["round_robin"]) {
            list_ = parse(node["round_robin"], "pin.round_robin").cpus();
        } else if (node["random"]) {
            list_ = parse(node["random"], "pin.random").cpus();
            random_ = true;
        }
        if (list_.empty())
            r.fail(node, "pin", "needs round_robin or random with a non-empty cpulist");
    }

    CpuSet next(sim::Rng& rng) {
        if (list_.empty())
            return all_;
        std::size_t i =
            random_
                ? static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(list_.size()) - 1))
                : next_++ % list_.size();
        return CpuSet{list_[i]};
    }

  private:
    CpuSet all_;  // empty = unpinned
    std::vector<int> list_;
    bool random_ = false;
    std::size_t next_ = 0;
};

void add_group(const Reader& r, const YAML::Node& node, sim::Scenario& s, std::size_t group,
               std::set<std::string>& names) {
    r.only_keys(node, "domains[]", {"name", "count", "vcpus", "start", "stop", "demand", "pin"});
    if (!node["name"])
        r.fail(node, "domains[].name", "missing");
    const auto name = r.text(node["name"], "name");
    const int count = node["count"] ? r.integer(node["count"], "count") : 1;
    if (count < 1 || count > 100000)
        r.fail(node["count"], "count", "must be in [1, 100000]");
    if (!node["demand"])
        r.fail(node, name + ".demand", "missing");
    // Every group draws from its own stream, so editing one group leaves the others alone.
    sim::Rng rng(sim::derive_seed(s.seed, 0x6e0b, group));
    Pinning pinning(r, node["pin"]);
    for (int i = 0; i < count; ++i) {
        const auto index = static_cast<std::size_t>(i);
        sim::DomainSpec d;
        d.name = count == 1 ? name : name + "-" + std::to_string(i);
        if (!names.insert(d.name).second)
            r.fail(node["name"], "name", "domain \"" + d.name + "\" defined twice");
        d.uuid = "00000000-0000-4000-8000-" + [&] {
            std::ostringstream hex;
            hex.width(12);
            hex.fill('0');
            hex << std::hex << s.domains.size();
            return hex.str();
        }();
        int vcpus = 1;
        if (const auto& n = node["vcpus"]; n) {
            vcpus = n.IsSequence() && n.size() == 2
                        ? rng.uniform_int(r.integer(n[0], "vcpus"), r.integer(n[1], "vcpus"))
                        : static_cast<int>(r.varying(n, name + ".vcpus", index, rng));
        }
        if (vcpus < 1 || vcpus > 1024)
            r.fail(node["vcpus"], name + ".vcpus", "must be in [1, 1024]");
        if (node["start"])
            d.start = r.seconds(r.varying(node["start"], name + ".start", index, rng),
                                node["start"], name + ".start");
        if (node["stop"])
            d.stop = r.seconds(r.varying(node["stop"], name + ".stop", index, rng), node["stop"],
                               name + ".stop");
        for (int j = 0; j < vcpus; ++j) {
            sim::VcpuSpec v;
            v.demand = demand(r, node["demand"], index, rng);
            try {
                sim::validate(v.demand,
                              r.file() + ": domain " + d.name + " vCPU " + std::to_string(j));
            } catch (const Error& e) {
                r.fail(node["demand"], name + ".demand", e.what());
            }
            v.affinity = pinning.next(rng);
            d.vcpus.push_back(std::move(v));
        }
        s.domains.push_back(std::move(d));
    }
}

}  // namespace

BenchScenario parse_scenario(const std::string& yaml_text, const std::string& file_name) {
    Reader r(file_name);
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        throw Error(file_name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    r.only_keys(root, "scenario",
                {"name", "description", "seed", "periods", "interval", "tick", "steady", "host",
                 "domains"});
    BenchScenario b;
    b.file = file_name;
    if (!root["name"])
        r.fail(root, "name", "missing");
    b.name = r.text(root["name"], "name");
    if (root["description"])
        b.description = r.text(root["description"], "description");
    if (root["seed"])
        b.sim.seed = static_cast<std::uint64_t>(r.integer(root["seed"], "seed"));
    if (root["periods"])
        b.periods = r.integer(root["periods"], "periods");
    if (b.periods < 1 || b.periods > 100000)
        r.fail(root["periods"], "periods", "must be in [1, 100000]");
    if (root["interval"])
        b.interval =
            r.seconds(r.number(root["interval"], "interval"), root["interval"], "interval");
    if (b.interval.count() <= 0)
        r.fail(root["interval"], "interval", "must be positive");
    if (root["tick"])
        b.sim.tick = r.seconds(r.number(root["tick"], "tick"), root["tick"], "tick");
    if (b.sim.tick.count() <= 0)
        r.fail(root["tick"], "tick", "must be positive");
    if (root["steady"])
        b.steady = r.boolean(root["steady"], "steady");
    if (root["host"]) {
        const auto& h = root["host"];
        r.only_keys(h, "host", {"sockets", "cores", "threads", "nodes", "smt_factor"});
        if (h["sockets"])
            b.sim.host.sockets = r.integer(h["sockets"], "host.sockets");
        if (h["cores"])
            b.sim.host.cores = r.integer(h["cores"], "host.cores");
        if (h["threads"])
            b.sim.host.threads = r.integer(h["threads"], "host.threads");
        if (h["nodes"])
            b.sim.host.nodes = r.integer(h["nodes"], "host.nodes");
        if (h["smt_factor"])
            b.sim.host.smt_factor = r.number(h["smt_factor"], "host.smt_factor");
    }
    if (!root["domains"] || !root["domains"].IsSequence())
        r.fail(root, "domains", "expected a list of domain groups");
    std::set<std::string> names;
    std::size_t group = 0;
    for (const auto& node : root["domains"])
        add_group(r, node, b.sim, group++, names);
    return b;
}

BenchScenario load_scenario(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw Error(path + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    return parse_scenario(text.str(), path);
}

std::vector<BenchScenario> load_scenarios(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".yaml")
            files.push_back(entry.path().string());
    if (ec)
        throw Error(dir + ": " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<BenchScenario> out;
    for (const auto& f : files)
        out.push_back(load_scenario(f));
    return out;
}

std::vector<nanoseconds> change_times(const sim::Scenario& scenario) {
    std::set<nanoseconds> times;
    for (const auto& d : scenario.domains) {
        if (d.start.count() > 0)
            times.insert(d.start);
        if (d.stop)
            times.insert(*d.stop);
        for (const auto& v : d.vcpus)
            if (v.demand.kind == sim::ProfileKind::Step && v.demand.at.count() > 0 &&
                v.demand.to != v.demand.level)
                times.insert(v.demand.at);
    }
    return {times.begin(), times.end()};
}

}  // namespace vcpusched::bench
