// Keeps the man pages true to the code: every config key and default, every option, every exit
// code.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "cli.hpp"
#include "config.hpp"
#include "config_print.hpp"

using vcpusched::daemon::Config;
using vcpusched::daemon::config_to_yaml;

namespace {

const std::filesystem::path kSource(VCPUSCHED_SOURCE_DIR);

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The text of one ".SH NAME" section, up to the next ".SH".
std::string section(const std::string& page, const std::string& name) {
    const std::string head = "\n.SH " + name + "\n";
    auto begin = page.find(head);
    if (begin == std::string::npos)
        return "";
    begin += head.size();
    auto end = page.find("\n.SH ", begin);
    return page.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

// A value as the tests compare it: numbers by value (2 == 2.0), lists item by item.
std::string canonical(const YAML::Node& node) {
    if (node.IsSequence()) {
        std::string out = "[";
        for (const auto& item : node)
            out += (out.size() > 1 ? ", " : "") + canonical(item);
        return out + "]";
    }
    const std::string text = node.Scalar();
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) {
        std::ostringstream s;
        s << number;
        return s.str();
    }
    return "\"" + text + "\"";
}

void flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string>& out) {
    for (const auto& entry : node) {
        const std::string key = prefix + entry.first.as<std::string>();
        if (entry.second.IsMap())
            flatten(entry.second, key + ".", out);
        else
            out[key] = canonical(entry.second);
    }
}

// key.path -> canonical value, for every leaf of a YAML document.
std::map<std::string, std::string> leaves(const std::string& yaml) {
    std::map<std::string, std::string> out;
    flatten(YAML::Load(yaml), "", out);
    return out;
}

// key.path -> canonical default, from the ".TP" entries of vcpu-scheduler.yaml(5)'s KEYS.
std::map<std::string, std::string> documented_keys() {
    const std::string keys = section(read_file(kSource / "man" / "vcpu-scheduler.yaml.5"), "KEYS");
    static const std::regex entry(R"(\\fB([a-z_.]+)\\fR \(([^,]+), default \\fB(.*)\\fR\))");
    std::map<std::string, std::string> out;
    std::istringstream in(keys);
    std::string line;
    std::string previous;
    while (std::getline(in, line)) {
        std::smatch m;
        if (previous == ".TP") {
            EXPECT_TRUE(std::regex_match(line, m, entry))
                << "a key entry must read \\fBkey\\fR (type, default \\fBvalue\\fR): " << line;
            if (!m.empty()) {
                EXPECT_FALSE(out.count(m[1])) << m[1] << " documented twice";
                out[m[1]] = canonical(YAML::Load(m[3].str()));
            }
        }
        previous = line;
    }
    return out;
}

void expect_same_keys_and_values(const std::map<std::string, std::string>& documented,
                                 const std::map<std::string, std::string>& actual,
                                 const std::string& what) {
    for (const auto& [key, value] : actual) {
        auto d = documented.find(key);
        if (d == documented.end())
            ADD_FAILURE() << key << " (" << what << ") is not in vcpu-scheduler.yaml(5)";
        else
            EXPECT_EQ(d->second, value) << key << ": vcpu-scheduler.yaml(5) vs " << what;
    }
    for (const auto& [key, value] : documented)
        EXPECT_TRUE(actual.count(key))
            << key << " is in vcpu-scheduler.yaml(5) but not in " << what;
}

std::string unroff(std::string text) {
    return std::regex_replace(text, std::regex(R"(\\-)"), "-");
}

std::set<std::string> long_options(const std::string& text) {
    static const std::regex option(R"((^|[^a-z-])(--[a-z][a-z-]*))");
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), option);
         it != std::sregex_iterator(); ++it)
        out.insert((*it)[2]);
    return out;
}

}  // namespace

TEST(ManPages, ConfigPageHasEveryKeyWithTheBuiltInDefault) {
    const auto documented = documented_keys();
    ASSERT_GE(documented.size(), 15U);
    expect_same_keys_and_values(documented, leaves(config_to_yaml(Config{})),
                                "the built-in defaults (--check-config)");
}

TEST(ManPages, ShippedConfigSetsEveryKeyToItsDocumentedDefault) {
    const auto path = kSource / "config" / "vcpu-scheduler.yaml";
    const auto load = vcpusched::daemon::load_config_file(path.string());
    ASSERT_TRUE(load.ok()) << load.errors.front().format();
    const auto documented = documented_keys();
    expect_same_keys_and_values(documented, leaves(config_to_yaml(*load.config)),
                                "config/vcpu-scheduler.yaml's effective config");
    // Every key is spelled out in the shipped file, not left to its default.
    expect_same_keys_and_values(documented, leaves(read_file(path)), "config/vcpu-scheduler.yaml");
}

TEST(ManPages, DaemonPageHasEveryOptionOfHelp) {
    const auto help = vcpusched::daemon::parse_cli({"vcpu-scheduler", "--help"});
    const auto in_help = long_options(help.out);
    ASSERT_TRUE(in_help.count("--check-config")) << help.out;
    const auto page = read_file(kSource / "man" / "vcpu-scheduler.8");
    const auto in_page = long_options(unroff(section(page, "OPTIONS")));
    EXPECT_EQ(in_page, in_help) << "vcpu-scheduler(8) OPTIONS vs --help";
    for (const char* section_name : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS",
                                     "EXIT STATUS", "FILES", "SEE ALSO"})
        EXPECT_FALSE(section(page, section_name).empty()) << section_name;
}

TEST(ManPages, DaemonPageHasEveryExitCode) {
    const auto exits = section(read_file(kSource / "man" / "vcpu-scheduler.8"), "EXIT STATUS");
    for (int code : {vcpusched::daemon::kExitOk, vcpusched::daemon::kExitFailure,
                     vcpusched::daemon::kExitUsage})
        EXPECT_NE(exits.find(".TP\n.B " + std::to_string(code) + "\n"), std::string::npos)
            << "exit status " << code;
}
