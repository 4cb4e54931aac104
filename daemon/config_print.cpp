// config_to_yaml: emits every key of a Config in the file's own layout.
#include "config_print.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace vcpusched::daemon {

namespace {

// The shortest decimal text that reads back as the same double.
std::string number(double value) {
    return fmt::format("{}", value);
}

void globs(YAML::Emitter& out, const char* key, const std::vector<std::string>& patterns) {
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& p : patterns)
        out << YAML::DoubleQuoted << p;
    out << YAML::EndSeq;
}

}  // namespace

std::string config_to_yaml(const Config& c) {
    const PolicyConfig& p = c.policy;
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "connect" << YAML::Value << YAML::DoubleQuoted << c.connect;
    out << YAML::Key << "interval" << YAML::Value << number(c.interval);
    out << YAML::Key << "dry_run" << YAML::Value << YAML::TrueFalseBool << c.dry_run;
    out << YAML::Key << "respect_manual_pins" << YAML::Value << YAML::TrueFalseBool
        << c.respect_manual_pins;

    out << YAML::Key << "policy" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "algorithm" << YAML::Value
        << (p.algorithm == Algorithm::Count ? "count" : "balance");
    out << YAML::Key << "threshold" << YAML::Value << number(p.threshold);
    out << YAML::Key << "min_gain" << YAML::Value << number(p.min_gain);
    out << YAML::Key << "max_moves" << YAML::Value;
    if (p.max_moves > 0)
        out << p.max_moves;
    else
        out << "auto";
    out << YAML::Key << "cooldown" << YAML::Value << p.cooldown;
    out << YAML::Key << "smoothing" << YAML::Value << number(p.smoothing);
    out << YAML::Key << "topology" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "enabled" << YAML::Value << YAML::TrueFalseBool << p.topology.enabled;
    out << YAML::Key << "smt_penalty" << YAML::Value << number(p.topology.smt_penalty);
    out << YAML::Key << "cross_cache_gain" << YAML::Value << number(p.topology.cross_cache_gain);
    out << YAML::Key << "cross_node_gain" << YAML::Value << number(p.topology.cross_node_gain);
    out << YAML::Key << "keep_domain_on_node" << YAML::Value << YAML::TrueFalseBool
        << p.topology.keep_domain_on_node;
    out << YAML::EndMap;
    out << YAML::EndMap;

    out << YAML::Key << "cpus" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "allowed" << YAML::Value << YAML::DoubleQuoted << p.allowed.format();
    out << YAML::Key << "reserved" << YAML::Value << YAML::DoubleQuoted << p.reserved.format();
    out << YAML::EndMap;

    out << YAML::Key << "domains" << YAML::Value << YAML::BeginMap;
    globs(out, "include", p.include);
    globs(out, "exclude", p.exclude);
    out << YAML::EndMap;

    out << YAML::Key << "log" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "level" << YAML::Value << std::string(log_level_name(c.log_level));
    out << YAML::Key << "target" << YAML::Value << std::string(log_target_name(c.log_target));
    out << YAML::EndMap;

    out << YAML::Key << "metrics" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "textfile" << YAML::Value << YAML::DoubleQuoted << c.metrics_textfile;
    out << YAML::EndMap;

    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace vcpusched::daemon
