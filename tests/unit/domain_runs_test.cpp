// ended_runs(): vanished, restarted (new id), counters reset; renames and plain runs are not.
#include "vcpusched/domain_runs.hpp"

#include <gtest/gtest.h>

#include "sample_builder.hpp"

namespace vcpusched {
namespace {

using testing::SampleBuilder;

TEST(DomainRuns, SteadyDomainKeepsItsRun) {
    HostSample a = SampleBuilder(0).vm("a").vcpu(0, 100, 0, "0");
    HostSample b = SampleBuilder(2).vm("a").vcpu(0, 200, 0, "0");
    EXPECT_TRUE(ended_runs(a, b).empty());
}

TEST(DomainRuns, RenamedDomainKeepsItsRun) {
    HostSample a = SampleBuilder(0).vm("old", "u1").vcpu(0, 100, 0, "0");
    HostSample b = SampleBuilder(2).vm("new", "u1").vcpu(0, 200, 0, "0");
    EXPECT_TRUE(ended_runs(a, b).empty());
}

TEST(DomainRuns, VanishedCounterResetAndNewIdEndARun) {
    HostSample a = SampleBuilder(0)
                       .vm("gone")
                       .vcpu(0, 100, 0, "0")
                       .vm("reset")
                       .vcpu(0, 100, 0, "0")
                       .vm("newid")
                       .vcpu(0, 100, 0, "0");
    a.domains[2].id = 4;
    HostSample b =
        SampleBuilder(2).vm("reset").vcpu(0, 10, 0, "0").vm("newid").vcpu(0, 200, 0, "0");
    b.domains[1].id = 5;
    EXPECT_EQ(ended_runs(a, b), (std::set<std::string>{"uuid-gone", "uuid-reset", "uuid-newid"}));
}

TEST(DomainRuns, SameNameNewUuidIsAnotherDomain) {
    HostSample a = SampleBuilder(0).vm("web", "u1").vcpu(0, 100, 0, "0");
    HostSample b = SampleBuilder(2).vm("web", "u2").vcpu(0, 200, 0, "0");
    EXPECT_EQ(ended_runs(a, b), (std::set<std::string>{"u1"}));
}

}  // namespace
}  // namespace vcpusched
