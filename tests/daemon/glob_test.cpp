// glob_error: accepts what fnmatch reads as meant, names the fault otherwise.
#include "glob.hpp"

#include <gtest/gtest.h>

namespace vcpusched::daemon {
namespace {

TEST(GlobTest, GoodPatternsPass) {
    for (const char* p : {"web*", "db?", "web[0-9]", "x[!a]y", "[]]", "[!]]z", "a\\*b", "*"})
        EXPECT_EQ(glob_error(p), std::nullopt) << p;
}

TEST(GlobTest, BadPatternsAreNamed) {
    EXPECT_EQ(glob_error(""), "empty pattern");
    EXPECT_EQ(glob_error("web[12"), "\"[\" at position 3 is never closed");
    EXPECT_EQ(glob_error("[]"), "\"[\" at position 0 is never closed");
    EXPECT_EQ(glob_error("web\\"), "ends with a lone backslash");
}

}  // namespace
}  // namespace vcpusched::daemon
