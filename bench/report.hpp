// Quality results as a markdown table and as JSON.
#pragma once

#include <string>
#include <vector>

#include "quality.hpp"
#include "targets.hpp"

namespace vcpusched::bench {

std::string markdown_table(const std::vector<QualityResult>& results);
std::string markdown_checks(const std::vector<TargetCheck>& checks, bool failures_only);
std::string to_json(const std::vector<QualityResult>& results,
                    const std::vector<TargetCheck>& checks);

}  // namespace vcpusched::bench
