// RepeatFilter: first occurrence passes, repeats within the window are counted, not logged.
#include "repeat_filter.hpp"

#include <gtest/gtest.h>

namespace vcpusched::daemon {
namespace {

using namespace std::chrono_literals;

TEST(RepeatFilterTest, DifferentMessagesAreIndependent) {
    RepeatFilter f(60s);
    EXPECT_EQ(f.admit("a", 0s), "a");
    EXPECT_EQ(f.admit("b", 1s), "b");
    EXPECT_EQ(f.admit("a", 2s), std::nullopt);
    EXPECT_EQ(f.admit("b", 3s), std::nullopt);
}

TEST(RepeatFilterTest, AfterTheWindowTheCountIsReported) {
    RepeatFilter f(60s);
    EXPECT_EQ(f.admit("a", 0s), "a");
    EXPECT_EQ(f.admit("a", 10s), std::nullopt);
    EXPECT_EQ(f.admit("a", 20s), std::nullopt);
    EXPECT_EQ(f.admit("a", 60s), "a (repeated 2 more times)");
    EXPECT_EQ(f.admit("a", 61s), std::nullopt);
}

TEST(RepeatFilterTest, AMessageThatStoppedIsLoggedPlainlyWhenItReturns) {
    RepeatFilter f(60s);
    EXPECT_EQ(f.admit("a", 0s), "a");
    EXPECT_EQ(f.admit("b", 500s), "b");  // forgets "a"
    EXPECT_EQ(f.admit("a", 501s), "a");
}

}  // namespace
}  // namespace vcpusched::daemon
