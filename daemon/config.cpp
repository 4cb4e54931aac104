// parse_config: the schema of vcpu-scheduler.yaml, every key checked, every fault reported.
#include "config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "config_reader.hpp"
#include "glob.hpp"

namespace vcpusched::daemon {

namespace {

void read_topology(ConfigReader& r, const Field& section, TopologyPolicy& t) {
    for (const Field& f : r.fields(section.value, section.path,
                                   {"enabled", "smt_penalty", "cross_cache_gain", "cross_node_gain",
                                    "keep_domain_on_node"})) {
        const std::string key = f.key.Scalar();
        if (key == "enabled") {
            if (auto v = r.boolean(f))
                t.enabled = *v;
        } else if (key == "smt_penalty") {
            if (auto v = r.number(f, 0, 4, true, "expected a number from 0 to 4"))
                t.smt_penalty = *v;
        } else if (key == "cross_cache_gain") {
            if (auto v = r.number(f, 0, 100, true, "expected points of spread from 0 to 100"))
                t.cross_cache_gain = *v;
        } else if (key == "cross_node_gain") {
            if (auto v = r.number(f, 0, 100, true, "expected points of spread from 0 to 100"))
                t.cross_node_gain = *v;
        } else if (key == "keep_domain_on_node") {
            if (auto v = r.boolean(f))
                t.keep_domain_on_node = *v;
        }
    }
}

void read_policy(ConfigReader& r, const Field& section, PolicyConfig& p) {
    for (const Field& f : r.fields(section.value, section.path,
                                   {"algorithm", "threshold", "min_gain", "max_moves", "cooldown",
                                    "smoothing", "topology"})) {
        const std::string key = f.key.Scalar();
        if (key == "algorithm") {
            if (auto v = r.choice(f, {"balance", "count"}))
                p.algorithm = *v == "count" ? Algorithm::Count : Algorithm::Balance;
        } else if (key == "threshold") {
            if (auto v = r.number(f, 0, 100, true, "expected points of spread from 0 to 100"))
                p.threshold = *v;
        } else if (key == "min_gain") {
            if (auto v = r.number(f, 0, 100, true, "expected points of spread from 0 to 100"))
                p.min_gain = *v;
        } else if (key == "max_moves") {
            // auto (0 inside): the policy scales the budget with the host (moves_per_cycle).
            if (f.value.IsScalar() && f.value.Tag() != "!" && f.value.Scalar() == "auto")
                p.max_moves = 0;
            else if (auto v =
                         r.integer(f, 1, 1000, "expected auto or a whole number from 1 to 1000"))
                p.max_moves = static_cast<int>(*v);
        } else if (key == "cooldown") {
            if (auto v = r.integer(f, 0, 1000, "expected a number of cycles from 0 to 1000"))
                p.cooldown = static_cast<int>(*v);
        } else if (key == "smoothing") {
            if (auto v =
                    r.number(f, 0, 1, false, "expected a number from 0 up to, not including, 1"))
                p.smoothing = *v;
        } else if (key == "topology") {
            read_topology(r, f, p.topology);
        }
    }
}

void read_cpus(ConfigReader& r, const Field& section, PolicyConfig& p) {
    std::optional<Field> reserved_field;
    bool cpus_ok = true;
    for (const Field& f : r.fields(section.value, section.path, {"allowed", "reserved"})) {
        auto set = r.cpulist(f);
        cpus_ok = cpus_ok && set.has_value();
        if (!set)
            continue;
        if (f.key.Scalar() == "allowed") {
            p.allowed = *set;
        } else {
            p.reserved = *set;
            reserved_field = f;
        }
    }
    // With no explicit allowed set the online CPUs are unknown here; the core checks that case.
    if (cpus_ok && reserved_field && !p.allowed.empty() && (p.allowed - p.reserved).empty()) {
        r.error(ConfigReader::value_mark(*reserved_field), reserved_field->path,
                "reserves every allowed CPU (" + p.allowed.format() + ")",
                "expected at least one allowed CPU left to balance on");
    }
}

std::optional<std::vector<std::string>> read_globs(ConfigReader& r, const Field& f) {
    auto items = r.strings(f, "expected a list of domain name globs such as [\"web*\"]");
    if (!items)
        return std::nullopt;
    std::vector<std::string> out;
    bool ok = true;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const Located& item = (*items)[i];
        if (auto why = glob_error(item.text)) {
            r.error(item.mark, fmt::format("{}[{}]", f.path, i),
                    "bad glob \"" + item.text + "\": " + *why,
                    "expected a domain name pattern with * ? [set]");
            ok = false;
        }
        out.push_back(item.text);
    }
    if (!ok)
        return std::nullopt;
    return out;
}

void read_domains(ConfigReader& r, const Field& section, PolicyConfig& p) {
    for (const Field& f : r.fields(section.value, section.path, {"include", "exclude"})) {
        if (auto globs = read_globs(r, f))
            (f.key.Scalar() == "include" ? p.include : p.exclude) = std::move(*globs);
    }
}

void read_log(ConfigReader& r, const Field& section, Config& c) {
    for (const Field& f : r.fields(section.value, section.path, {"level", "target"})) {
        if (f.key.Scalar() == "level") {
            if (auto v = r.choice(f, {"trace", "debug", "info", "warn", "error"}))
                c.log_level = *parse_log_level(*v);
        } else {
            if (auto v = r.choice(f, {"auto", "journal", "stderr"}))
                c.log_target = *parse_log_target(*v);
        }
    }
}

void read_metrics(ConfigReader& r, const Field& section, Config& c) {
    for (const Field& f : r.fields(section.value, section.path, {"textfile"})) {
        if (f.value.IsNull()) {
            c.metrics_textfile.clear();
            continue;
        }
        const std::string expected = "expected an absolute path, or \"\" for no metrics file";
        auto v = r.string(f, expected);
        if (!v)
            continue;
        if (!v->empty() && v->front() != '/') {
            r.error(f.value.Mark(), f.path, describe(f.value) + " is a relative path", expected);
            continue;
        }
        c.metrics_textfile = *v;
    }
}

void read_root(ConfigReader& r, const YAML::Node& root, Config& c) {
    for (const Field& f : r.fields(root, "",
                                   {"connect", "interval", "dry_run", "policy", "cpus", "domains",
                                    "log", "respect_manual_pins", "metrics"})) {
        const std::string key = f.key.Scalar();
        if (key == "connect") {
            const std::string expected = "expected a libvirt URI such as qemu:///system";
            auto v = r.string(f, expected);
            if (v && v->empty())
                r.error(f.value.Mark(), f.path, "empty URI", expected);
            else if (v)
                c.connect = *v;
        } else if (key == "interval") {
            if (auto v = r.number(f, kMinInterval, kMaxInterval, true,
                                  "expected seconds from 0.1 to 3600"))
                c.interval = *v;
        } else if (key == "dry_run") {
            if (auto v = r.boolean(f))
                c.dry_run = *v;
        } else if (key == "respect_manual_pins") {
            if (auto v = r.boolean(f))
                c.respect_manual_pins = *v;
        } else if (key == "policy") {
            read_policy(r, f, c.policy);
        } else if (key == "cpus") {
            read_cpus(r, f, c.policy);
        } else if (key == "domains") {
            read_domains(r, f, c.policy);
        } else if (key == "log") {
            read_log(r, f, c);
        } else if (key == "metrics") {
            read_metrics(r, f, c);
        }
    }
}

ConfigError whole_file_error(const std::string& file, int line, int column, std::string what,
                             std::string expected) {
    return ConfigError{file, line, column, "", std::move(what), std::move(expected)};
}

}  // namespace

std::string ConfigError::format() const {
    std::string out = file;
    if (line > 0)
        out += fmt::format(":{}:{}", line, column);
    out += ": ";
    if (!path.empty())
        out += path + ": ";
    out += what;
    if (!expected.empty())
        out += " (" + expected + ")";
    return out;
}

namespace {

// Where the first node of a document starts (what Node::Mark() would say of its root).
class FirstNodeMark : public YAML::EventHandler {
  public:
    std::optional<YAML::Mark> mark;
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t) override { seen(m); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { seen(m); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        seen(m);
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        seen(m);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        seen(m);
    }
    void OnMapEnd() override {}

  private:
    void seen(const YAML::Mark& m) {
        if (!mark)
            mark = m;
    }
};

struct Documents {
    YAML::Node first;                  // Null when the text holds no document
    std::optional<YAML::Mark> second;  // where a second document starts, if there is one
};

// Not YAML::LoadAll: in yaml-cpp 0.7 it loops forever, allocating, on some malformed input
// (e.g. a line starting with ","; yaml-cpp#1040, fixed upstream by #1319), which our fuzzer
// found. Asking the parser for two documents at most cannot loop.
Documents first_two_documents(std::string_view text) {
    Documents documents;
    documents.first = YAML::Load(std::string(text));
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    FirstNodeMark skipped;
    FirstNodeMark second;
    if (parser.HandleNextDocument(skipped) && parser.HandleNextDocument(second))
        documents.second = second.mark.value_or(YAML::Mark());
    return documents;
}

}  // namespace

ConfigLoad parse_config(std::string_view text, const std::string& file) {
    ConfigLoad load;
    Documents documents;
    try {
        documents = first_two_documents(text);
    } catch (const YAML::Exception& e) {
        load.errors.push_back(whole_file_error(file, e.mark.line + 1, e.mark.column + 1,
                                               "not valid YAML: " + e.msg, ""));
        return load;
    }
    const std::string settings = "expected settings as \"key: value\" lines, e.g. interval: 2";
    if (documents.first.IsNull()) {
        load.errors.push_back(whole_file_error(file, 1, 1, "empty file", settings));
        return load;
    }
    if (documents.second) {
        const YAML::Mark m = *documents.second;
        load.errors.push_back(whole_file_error(file, m.line + 1, m.column + 1,
                                               "a second YAML document", "expected only one"));
    }
    const YAML::Node& root = documents.first;
    if (!root.IsMap()) {
        load.errors.push_back(whole_file_error(file, root.Mark().line + 1, root.Mark().column + 1,
                                               describe(root) + " is not a mapping", settings));
        return load;
    }
    ConfigReader reader(file);
    Config config;
    read_root(reader, root, config);
    auto errors = reader.take_errors();
    // In the order of the file, the way an editor walks through them.
    std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    load.errors.insert(load.errors.end(), errors.begin(), errors.end());
    if (load.errors.empty())
        load.config = std::move(config);
    return load;
}

ConfigLoad load_config_file(const std::string& path) {
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (!in || std::filesystem::is_directory(path, ec)) {
        ConfigLoad load;
        load.errors.push_back(
            whole_file_error(path, 0, 0, "cannot read the file", "expected a readable YAML file"));
        return load;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path);
}

CycleOptions cycle_options(const Config& config) {
    CycleOptions options;
    options.policy = config.policy;
    options.measure.smoothing = config.policy.smoothing;
    options.dry_run = config.dry_run;
    options.respect_manual_pins = config.respect_manual_pins;
    return options;
}

}  // namespace vcpusched::daemon
