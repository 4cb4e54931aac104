// Strict, typed reading of YAML nodes that collects every fault with its line and column.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config.hpp"
#include "vcpusched/cpuset.hpp"

namespace vcpusched::daemon {

// One key of a mapping with its value; `path` is the dotted path of the key.
struct Field {
    std::string path;
    YAML::Node key;
    YAML::Node value;
};

// A string from a list, with where it was written.
struct Located {
    std::string text;
    YAML::Mark mark;
};

class ConfigReader {
  public:
    explicit ConfigReader(std::string file) : file_(std::move(file)) {}

    // The fields of the mapping at `path` whose keys are in `known`, first occurrence only;
    // unknown and repeated keys are reported. A null section reads as an empty mapping.
    std::vector<Field> fields(const YAML::Node& mapping, const std::string& path,
                              std::initializer_list<std::string_view> known);

    std::optional<double> number(const Field& field, double min, double max, bool max_included,
                                 const std::string& expected);
    std::optional<std::int64_t> integer(const Field& field, std::int64_t min, std::int64_t max,
                                        const std::string& expected);
    std::optional<bool> boolean(const Field& field);
    std::optional<std::string> string(const Field& field, const std::string& expected);
    std::optional<std::string> choice(const Field& field,
                                      std::initializer_list<std::string_view> choices);
    std::optional<CpuSet> cpulist(const Field& field);
    // A list of strings (a YAML sequence of scalars).
    std::optional<std::vector<Located>> strings(const Field& field, const std::string& expected);

    void error(const YAML::Mark& mark, const std::string& path, std::string what,
               std::string expected);
    // The position of a field's value; a missing value points at its key.
    static YAML::Mark value_mark(const Field& field);

    bool failed() const { return !errors_.empty(); }
    std::vector<ConfigError> take_errors() { return std::move(errors_); }

  private:
    // The value as a plain (unquoted) scalar, or nullopt after reporting the wrong type.
    std::optional<std::string> plain_scalar(const Field& field, const std::string& expected);

    std::string file_;
    std::vector<ConfigError> errors_;
};

// How a node reads in a message: "abc" for a scalar, "a list", "a mapping", "nothing".
std::string describe(const YAML::Node& node);

}  // namespace vcpusched::daemon
