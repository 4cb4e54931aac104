// ConfigReader: the typed field readers behind parse_config, each reporting what it rejects.
#include "config_reader.hpp"

#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "vcpusched/error.hpp"

namespace vcpusched::daemon {

namespace {

std::string join_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string join(std::initializer_list<std::string_view> words) {
    std::string out;
    for (auto w : words) {
        if (!out.empty())
            out += ", ";
        out += w;
    }
    return out;
}

// Numbers print as the shortest text that reads back the same.
std::string show(double value) {
    return fmt::format("{}", value);
}

}  // namespace

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return "\"" + node.Scalar() + "\"";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        default:
            return "nothing";
    }
}

YAML::Mark ConfigReader::value_mark(const Field& field) {
    return field.value.IsNull() ? field.key.Mark() : field.value.Mark();
}

void ConfigReader::error(const YAML::Mark& mark, const std::string& path, std::string what,
                         std::string expected) {
    errors_.push_back(ConfigError{file_, mark.line + 1, mark.column + 1, path, std::move(what),
                                  std::move(expected)});
}

std::vector<Field> ConfigReader::fields(const YAML::Node& mapping, const std::string& path,
                                        std::initializer_list<std::string_view> known) {
    std::vector<Field> out;
    if (mapping.IsNull())
        return out;
    if (!mapping.IsMap()) {
        error(mapping.Mark(), path, describe(mapping) + " is not a mapping",
              "expected keys " + join(known));
        return out;
    }
    std::map<std::string, int> first_line;
    for (const auto& entry : mapping) {
        const YAML::Node key = entry.first;
        if (!key.IsScalar()) {
            error(key.Mark(), path, describe(key) + " as a key", "expected keys " + join(known));
            continue;
        }
        std::string name = key.Scalar();
        std::string key_path = join_path(path, name);
        bool is_known = false;
        for (auto k : known)
            is_known = is_known || k == name;
        if (!is_known) {
            error(key.Mark(), key_path, "unknown key", "expected one of " + join(known));
            continue;
        }
        auto [previous, inserted] = first_line.emplace(name, key.Mark().line + 1);
        if (!inserted) {
            error(key.Mark(), key_path,
                  fmt::format("duplicate key, first set on line {}", previous->second),
                  "expected each key once");
            continue;
        }
        out.push_back(Field{key_path, key, entry.second});
    }
    return out;
}

std::optional<std::string> ConfigReader::plain_scalar(const Field& field,
                                                      const std::string& expected) {
    const YAML::Node& v = field.value;
    if (!v.IsScalar()) {
        error(value_mark(field), field.path,
              v.IsNull() ? "missing value" : describe(v) + " is the wrong type", expected);
        return std::nullopt;
    }
    // A quoted value is a string even when it looks like a number: "2" is not 2.
    if (v.Tag() == "!") {
        error(v.Mark(), field.path, describe(v) + " is quoted text", expected);
        return std::nullopt;
    }
    return v.Scalar();
}

std::optional<double> ConfigReader::number(const Field& field, double min, double max,
                                           bool max_included, const std::string& expected) {
    auto text = plain_scalar(field, expected);
    if (!text)
        return std::nullopt;
    double value = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
        error(field.value.Mark(), field.path, describe(field.value) + " is not a number", expected);
        return std::nullopt;
    }
    if (value < min || value > max || (!max_included && value == max)) {
        error(field.value.Mark(), field.path, show(value) + " is out of range", expected);
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> ConfigReader::integer(const Field& field, std::int64_t min,
                                                  std::int64_t max, const std::string& expected) {
    auto text = plain_scalar(field, expected);
    if (!text)
        return std::nullopt;
    std::int64_t value = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec == std::errc::result_out_of_range) {
        error(field.value.Mark(), field.path, *text + " is out of range", expected);
        return std::nullopt;
    }
    if (ec != std::errc() || ptr != end) {
        error(field.value.Mark(), field.path, describe(field.value) + " is not a whole number",
              expected);
        return std::nullopt;
    }
    if (value < min || value > max) {
        error(field.value.Mark(), field.path, std::to_string(value) + " is out of range", expected);
        return std::nullopt;
    }
    return value;
}

std::optional<bool> ConfigReader::boolean(const Field& field) {
    const std::string expected = "expected true or false";
    auto text = plain_scalar(field, expected);
    if (!text)
        return std::nullopt;
    if (*text == "true")
        return true;
    if (*text == "false")
        return false;
    error(field.value.Mark(), field.path, describe(field.value) + " is not true or false",
          expected);
    return std::nullopt;
}

std::optional<std::string> ConfigReader::string(const Field& field, const std::string& expected) {
    const YAML::Node& v = field.value;
    if (!v.IsScalar()) {
        error(value_mark(field), field.path,
              v.IsNull() ? "missing value" : describe(v) + " is the wrong type", expected);
        return std::nullopt;
    }
    return v.Scalar();
}

std::optional<std::string> ConfigReader::choice(const Field& field,
                                                std::initializer_list<std::string_view> choices) {
    const std::string expected = "expected one of " + join(choices);
    auto text = string(field, expected);
    if (!text)
        return std::nullopt;
    for (auto c : choices)
        if (c == *text)
            return text;
    error(field.value.Mark(), field.path, describe(field.value) + " is not a known value",
          expected);
    return std::nullopt;
}

std::optional<CpuSet> ConfigReader::cpulist(const Field& field) {
    const std::string expected = "expected a cpulist such as \"0-3,8\"";
    if (field.value.IsNull())
        return CpuSet{};  // "allowed:" with nothing after it means no restriction
    auto text = string(field, expected);
    if (!text)
        return std::nullopt;
    try {
        return CpuSet::parse(*text);
    } catch (const Error& e) {
        error(field.value.Mark(), field.path, e.what(), expected);
        return std::nullopt;
    }
}

std::optional<std::vector<Located>> ConfigReader::strings(const Field& field,
                                                          const std::string& expected) {
    const YAML::Node& v = field.value;
    std::vector<Located> out;
    if (v.IsNull())
        return out;
    if (!v.IsSequence()) {
        error(v.Mark(), field.path, describe(v) + " is not a list", expected);
        return std::nullopt;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const YAML::Node item = v[i];
        if (!item.IsScalar()) {
            error(item.IsNull() ? v.Mark() : item.Mark(), fmt::format("{}[{}]", field.path, i),
                  describe(item) + " is not a string", expected);
            ok = false;
            continue;
        }
        out.push_back(Located{item.Scalar(), item.Mark()});
    }
    if (!ok)
        return std::nullopt;
    return out;
}

}  // namespace vcpusched::daemon
