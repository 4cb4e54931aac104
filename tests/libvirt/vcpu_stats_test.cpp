// parse_vcpu_stats / to_domain_sample with hand-built typed-parameter arrays, hostile ones too.
#include <gtest/gtest.h>

#include "vcpusched/libvirt/handles.hpp"
#include "vcpusched/libvirt/vcpu_stats.hpp"

namespace vcpusched::libvirt {
namespace {

class Params {
  public:
    Params& ull(const char* field, unsigned long long v) {
        EXPECT_EQ(
            virTypedParamsAddULLong(p_.params_out(), p_.count_out(), p_.capacity_out(), field, v),
            0);
        return *this;
    }
    Params& ui(const char* field, unsigned v) {
        EXPECT_EQ(
            virTypedParamsAddUInt(p_.params_out(), p_.count_out(), p_.capacity_out(), field, v), 0);
        return *this;
    }
    Params& ll(const char* field, long long v) {
        EXPECT_EQ(
            virTypedParamsAddLLong(p_.params_out(), p_.count_out(), p_.capacity_out(), field, v),
            0);
        return *this;
    }
    Params& str(const char* field, const char* v) {
        EXPECT_EQ(
            virTypedParamsAddString(p_.params_out(), p_.count_out(), p_.capacity_out(), field, v),
            0);
        return *this;
    }
    DomainStats parse() const { return parse_vcpu_stats(p_.data(), p_.size()); }

  private:
    TypedParams p_;
};

TEST(VcpuStats, QemuLikeRecordGivesEveryVcpuWithDelay) {
    Params p;
    p.ui("state.state", 1)
        .ui("vcpu.current", 2)
        .ui("vcpu.maximum", 2)
        .ll("vcpu.0.state", 1)
        .ull("vcpu.0.time", 5'000'000'000)
        .ull("vcpu.0.wait", 0)
        .ull("vcpu.0.delay", 70'000'000)
        .ll("vcpu.1.state", 2)
        .ull("vcpu.1.time", 1'000'000)
        .ull("vcpu.1.delay", 0);
    DomainStats s = p.parse();
    EXPECT_TRUE(s.has_vcpu_fields);
    EXPECT_EQ(s.current, 2);
    EXPECT_EQ(s.maximum, 2);
    ASSERT_EQ(s.vcpus.size(), 2u);
    EXPECT_EQ(s.vcpus[0].id, 0);
    EXPECT_EQ(s.vcpus[0].state, VcpuState::Running);
    EXPECT_EQ(s.vcpus[0].time_ns, 5'000'000'000u);
    EXPECT_EQ(s.vcpus[0].delay_ns, 70'000'000u);
    EXPECT_EQ(s.vcpus[1].state, VcpuState::Blocked);
    EXPECT_EQ(s.vcpus[1].delay_ns, 0u);
    EXPECT_TRUE(s.problems.empty());
}

TEST(VcpuStats, TestDriverRecordHasNoVcpuFields) {
    Params p;
    p.ui("state.state", 1).ui("state.reason", 0);
    DomainStats s = p.parse();
    EXPECT_FALSE(s.has_vcpu_fields);
    EXPECT_TRUE(s.vcpus.empty());
}

TEST(VcpuStats, MissingDelayMeansNoDelay) {
    Params p;
    p.ui("vcpu.maximum", 1).ull("vcpu.0.time", 7);
    DomainStats s = p.parse();
    ASSERT_EQ(s.vcpus.size(), 1u);
    EXPECT_FALSE(s.vcpus[0].delay_ns.has_value());
    EXPECT_EQ(s.vcpus[0].state, VcpuState::Unknown);
    DomainSample d = to_domain_sample("web", "u-1", s, [](int) { return CpuSet{0}; });
    ASSERT_EQ(d.vcpus.size(), 1u);
    EXPECT_FALSE(d.vcpus[0].has_delay);
}

TEST(VcpuStats, VcpuWithoutTimeIsDroppedAndReported) {
    Params p;
    p.ui("vcpu.maximum", 2).ll("vcpu.0.state", 1).ull("vcpu.1.time", 9);
    DomainStats s = p.parse();
    ASSERT_EQ(s.vcpus.size(), 1u);
    EXPECT_EQ(s.vcpus[0].id, 1);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_EQ(s.problems[0], "vcpu.0.time: missing");
}

TEST(VcpuStats, VcpuIdsBeyondMaximumAreDropped) {
    Params p;
    p.ui("vcpu.maximum", 2).ull("vcpu.0.time", 1).ull("vcpu.1.time", 1).ull("vcpu.7.time", 1);
    DomainStats s = p.parse();
    ASSERT_EQ(s.vcpus.size(), 2u);
    EXPECT_EQ(s.vcpus[1].id, 1);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_EQ(s.problems[0], "vcpu.7: beyond vcpu.maximum 2");
}

TEST(VcpuStats, HugeVcpuIdIsRejectedWithoutMaximum) {
    Params p;
    p.ull("vcpu.4000000000.time", 1).ull("vcpu.99999.time", 1).ull("vcpu.3.time", 1);
    DomainStats s = p.parse();
    ASSERT_EQ(s.vcpus.size(), 1u);
    EXPECT_EQ(s.vcpus[0].id, 3);
    EXPECT_EQ(s.problems.size(), 1u) << "99999 is out of range; 4000000000 is not even an int";
}

TEST(VcpuStats, NegativeAndWrongTypedCountersAreRejected) {
    Params p;
    p.ll("vcpu.0.time", -5).str("vcpu.1.time", "12").ull("vcpu.2.time", 3).ll("vcpu.2.delay", -1);
    DomainStats s = p.parse();
    ASSERT_EQ(s.vcpus.size(), 1u);
    EXPECT_EQ(s.vcpus[0].id, 2);
    EXPECT_FALSE(s.vcpus[0].delay_ns.has_value());
    EXPECT_EQ(s.problems.size(), 3u);  // 0.time, 1.time, 2.delay
}

TEST(VcpuStats, DecreasingCountersArePassedThroughForMeasureToJudge) {
    // The parser is stateless: a counter lower than last time is measure()'s to handle.
    Params first, second;
    first.ull("vcpu.0.time", 1000);
    second.ull("vcpu.0.time", 10);
    EXPECT_EQ(first.parse().vcpus[0].time_ns, 1000u);
    EXPECT_EQ(second.parse().vcpus[0].time_ns, 10u);
}

TEST(VcpuStats, UnknownStatesAndFieldsAreTolerated) {
    Params p;
    p.ll("vcpu.0.state", 42)
        .ull("vcpu.0.time", 1)
        .ull("vcpu.0.halted", 1)
        .ull("vcpu.0.wait", 1)
        .ull("vcpu.0.", 1)
        .ull("vcpu.x.time", 1)
        .ull("vcpu.0.time.extra", 1);
    DomainStats s = p.parse();
    ASSERT_EQ(s.vcpus.size(), 1u);
    EXPECT_EQ(s.vcpus[0].state, VcpuState::Unknown);
    EXPECT_TRUE(s.problems.empty());
}

TEST(VcpuStats, NullParamsAreEmpty) {
    DomainStats s = parse_vcpu_stats(nullptr, 5);
    EXPECT_FALSE(s.has_vcpu_fields);
}

TEST(VcpuStats, DomainSampleTakesAffinityPerVcpu) {
    Params p;
    p.ull("vcpu.0.time", 1).ull("vcpu.1.time", 2).ull("vcpu.1.delay", 3);
    DomainSample d = to_domain_sample("db", "u-2", p.parse(), [](int v) {
        return v == 0 ? CpuSet{2} : CpuSet{3, 4};
    });
    EXPECT_EQ(d.name, "db");
    EXPECT_EQ(d.uuid, "u-2");
    ASSERT_EQ(d.vcpus.size(), 2u);
    EXPECT_EQ(d.vcpus[0].affinity, CpuSet{2});
    EXPECT_EQ(d.vcpus[1].affinity, (CpuSet{3, 4}));
    EXPECT_EQ(d.vcpus[1].time_ns, 2u);
    EXPECT_EQ(d.vcpus[1].delay_ns, 3u);
    EXPECT_TRUE(d.vcpus[1].has_delay);
}

}  // namespace
}  // namespace vcpusched::libvirt
