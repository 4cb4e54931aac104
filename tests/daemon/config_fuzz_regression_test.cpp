// Config inputs the fuzzer (scripts/fuzz) found troublesome, kept as regression tests (issue 7).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config.hpp"

namespace vcpusched::daemon {
namespace {

using ::testing::HasSubstr;

// yaml-cpp 0.7's LoadAll looped forever, allocating, on this (a line starting with ","): the
// daemon would hang reading such a file at start or on SIGHUP.
TEST(ConfigFuzzRegression, Issue7LineStartingWithACommaIsRejectedNotAHang) {
    ConfigLoad load = parse_config(",og:\n ns: flse\nmetrics :\n444om$\n", "f.yaml");
    ASSERT_FALSE(load.ok());
    ASSERT_FALSE(load.errors.empty());
    EXPECT_THAT(load.errors[0].format(), HasSubstr("f.yaml:"));
}

TEST(ConfigFuzzRegression, Issue7LoneCommaIsRejected) {
    EXPECT_FALSE(parse_config(",\n", "f.yaml").ok());
}

TEST(ConfigFuzzRegression, Issue7SecondDocumentIsStillFoundWhereItStarts) {
    ConfigLoad load = parse_config("interval: 2\n---\ninterval: 3\n", "f.yaml");
    ASSERT_EQ(load.errors.size(), 1U);
    EXPECT_EQ(load.errors[0].format(), "f.yaml:3:1: a second YAML document (expected only one)");
}

}  // namespace
}  // namespace vcpusched::daemon
