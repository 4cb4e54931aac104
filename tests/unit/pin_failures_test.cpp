// PinFailures: which failures are permanent, and that retries of one vCPU are bounded.
#include "vcpusched/pin_failures.hpp"

#include <gtest/gtest.h>

namespace vcpusched {
namespace {

const VcpuRef kA0{"uuid-a", "a", 0};

TEST(PinFailures, RefusedCpusetIsPermanent) {
    EXPECT_TRUE(pin_failure_is_permanent(HypervisorError(
        HypervisorErrorKind::Other, "pin: Invalid value '3' for 'cpuset.cpus': Invalid argument")));
    EXPECT_TRUE(pin_failure_is_permanent(
        HypervisorError(HypervisorErrorKind::Other, "pin: cpu 5 not allowed")));
    EXPECT_TRUE(
        pin_failure_is_permanent(HypervisorError(HypervisorErrorKind::Other, "pin: x", true)));
}

TEST(PinFailures, TimeoutsGoneDomainsAndLostLinksAreNotPermanent) {
    EXPECT_FALSE(pin_failure_is_permanent(
        HypervisorError(HypervisorErrorKind::Other, "pin: timed out during operation")));
    EXPECT_FALSE(pin_failure_is_permanent(
        HypervisorError(HypervisorErrorKind::DomainGone, "pin: invalid argument", true)));
    EXPECT_FALSE(pin_failure_is_permanent(
        HypervisorError(HypervisorErrorKind::ConnectionLost, "pin: not allowed")));
}

TEST(PinFailures, PermanentFailureGivesUpAtOnce) {
    PinFailures f;
    EXPECT_TRUE(f.failed(kA0, true));
    EXPECT_TRUE(f.given_up(kA0));
    EXPECT_FALSE(f.failed(kA0, true)) << "giving up is said once";
}

TEST(PinFailures, TransientFailuresGiveUpAfterAFewInARow) {
    PinFailures f;
    for (int i = 1; i < PinFailures::kMaxTransient; ++i) {
        EXPECT_FALSE(f.failed(kA0, false));
        EXPECT_FALSE(f.given_up(kA0));
    }
    EXPECT_TRUE(f.failed(kA0, false));
    EXPECT_TRUE(f.given_up(kA0));
}

TEST(PinFailures, SuccessResetsTheCountAndAnEndedRunForgets) {
    PinFailures f;
    for (int i = 1; i < PinFailures::kMaxTransient; ++i)
        f.failed(kA0, false);
    f.succeeded(kA0);
    EXPECT_FALSE(f.failed(kA0, false));
    f.failed(kA0, true);
    ASSERT_TRUE(f.given_up(kA0));
    f.keep_only({"uuid-b"});
    EXPECT_FALSE(f.given_up(kA0));
    f.failed(kA0, true);
    f.forget("uuid-a");
    EXPECT_FALSE(f.given_up(kA0));
}

}  // namespace
}  // namespace vcpusched
