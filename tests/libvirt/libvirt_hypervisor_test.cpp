// LibvirtHypervisor against libvirt's test driver (no daemon): the project's 8-pCPU node file
// and test:///default, whose state is shared by every connection of the process, so a second
// connection can change the host behind the adapter's back.
#include <gtest/gtest.h>

#include <map>

#include "support.hpp"
#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/libvirt_hypervisor.hpp"

namespace vcpusched::libvirt {
namespace {

using testing::data_path;
using testing::ManualClock;
using testing::node_uri;
using testing::open_raw;

constexpr const char* kDefaultUri = "test:///default";

const DomainSample* find_domain(const HostSample& s, const std::string& name) {
    for (const auto& d : s.domains) {
        if (d.name == name)
            return &d;
    }
    return nullptr;
}

HypervisorError error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const HypervisorError& e) {
        return e;
    }
    return HypervisorError(HypervisorErrorKind::Other, "no error");
}

class RecordingLog : public Log {
  public:
    void write(LogLevel level, std::string_view message) override {
        lines.emplace_back(level, message);
    }
    std::vector<std::pair<LogLevel, std::string>> lines;
};

// Creates a running transient domain on a raw connection.
// The vCPU count of each domain the tests created, by UUID ("test" has 2).
std::map<std::string, int> g_vcpus_by_uuid;

Domain create_domain(virConnectPtr conn, const std::string& name, int vcpus) {
    std::string xml = "<domain type='test'><name>" + name + "</name><memory>131072</memory><vcpu>" +
                      std::to_string(vcpus) + "</vcpu><os><type>hvm</type></os></domain>";
    Domain dom(virDomainCreateXML(conn, xml.c_str(), 0));
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (dom && virDomainGetUUIDString(dom.get(), uuid) == 0)
        g_vcpus_by_uuid[uuid] = vcpus;
    return dom;
}

CpuSet raw_affinity(virConnectPtr conn, const std::string& domain, int vcpu, int host_cpus) {
    Domain dom(virDomainLookupByName(conn, domain.c_str()));
    if (!dom)
        return {};
    int maplen = VIR_CPU_MAPLEN(host_cpus);
    std::vector<unsigned char> maps(static_cast<std::size_t>(64 * maplen));
    int n = virDomainGetVcpuPinInfo(dom.get(), 64, maps.data(), maplen, 0);
    if (n <= vcpu)
        return {};
    CpuSet set;
    for (int cpu = 0; cpu < host_cpus; ++cpu) {
        if (VIR_CPU_USABLE(maps.data(), maplen, vcpu, cpu))
            set.add(cpu);
    }
    return set;
}

class NodeFileTest : public ::testing::Test {
  protected:
    NodeFileTest() : hv({node_uri(), data_path("proc_stat/normal.txt"), "", 30}, clock, log) {}
    void SetUp() override { hv.connect(); }
    ManualClock clock;
    RecordingLog log;
    LibvirtHypervisor hv;
};

TEST_F(NodeFileTest, SampleListsEveryDomainWithVcpusAndAffinity) {
    ASSERT_TRUE(hv.connected());
    EXPECT_EQ(hv.host_cpus(), 8);
    HostSample s = hv.sample();
    EXPECT_EQ(s.taken_at, clock.now());
    ASSERT_EQ(s.domains.size(), 4u);

    const DomainSample* solo = find_domain(s, "solo");
    ASSERT_NE(solo, nullptr);
    EXPECT_EQ(solo->uuid, "00000000-0000-4000-8000-000000000001");
    ASSERT_EQ(solo->vcpus.size(), 1u);
    EXPECT_EQ(solo->vcpus[0].affinity, CpuSet::range(0, 7));
    EXPECT_EQ(solo->vcpus[0].state, VcpuState::Running);
    EXPECT_GT(solo->vcpus[0].time_ns, 0u);
    EXPECT_FALSE(solo->vcpus[0].has_delay) << "the test driver reports no delay";

    const DomainSample* pair = find_domain(s, "pair");
    ASSERT_NE(pair, nullptr);
    ASSERT_EQ(pair->vcpus.size(), 2u);
    EXPECT_EQ(pair->vcpus[1].id, 1);
    EXPECT_EQ(pair->vcpus[1].affinity, CpuSet::range(0, 3));

    const DomainSample* trio = find_domain(s, "trio");
    ASSERT_NE(trio, nullptr);
    ASSERT_EQ(trio->vcpus.size(), 3u);
    EXPECT_EQ(trio->vcpus[0].affinity, CpuSet{1});
    EXPECT_EQ(trio->vcpus[1].affinity, CpuSet::range(0, 7));
    EXPECT_EQ(trio->vcpus[2].affinity, (CpuSet{6, 7}));

    const DomainSample* quad = find_domain(s, "quad");
    ASSERT_NE(quad, nullptr);
    ASSERT_EQ(quad->vcpus.size(), 4u);
    for (const auto& v : quad->vcpus)
        EXPECT_EQ(v.affinity, CpuSet{0});

    EXPECT_TRUE(hv.used_fallback());
    ASSERT_EQ(s.pcpus.size(), 4u) << "from the proc_stat fixture";
    EXPECT_EQ(s.pcpus[2].id, 2);
}

TEST_F(NodeFileTest, TopologyFallsBackToTheNodeCpuCount) {
    // The test driver gives a custom node file no capabilities topology (cells num='0').
    Topology t = hv.topology();
    ASSERT_EQ(t.pcpus.size(), 8u);
    EXPECT_EQ(t.online(), CpuSet::range(0, 7));
    EXPECT_EQ(t.pcpus[5].cache, -1) << "no sysfs for the test driver";
}

TEST_F(NodeFileTest, PinIsSeenInTheNextSample) {
    HostSample before = hv.sample();
    const DomainSample* quad = find_domain(before, "quad");
    ASSERT_NE(quad, nullptr);
    hv.pin({quad->uuid, "quad", 2}, CpuSet{5});
    hv.pin({quad->uuid, "quad", 3}, CpuSet{6, 7});
    HostSample after = hv.sample();
    quad = find_domain(after, "quad");
    ASSERT_NE(quad, nullptr);
    EXPECT_EQ(quad->vcpus[0].affinity, CpuSet{0});
    EXPECT_EQ(quad->vcpus[2].affinity, CpuSet{5});
    EXPECT_EQ(quad->vcpus[3].affinity, (CpuSet{6, 7}));
    EXPECT_TRUE(hv.take_external_repins().empty()) << "our own pins are not external";
}

TEST_F(NodeFileTest, PinBeforeAnySampleLooksTheDomainUp) {
    hv.pin({"00000000-0000-4000-8000-000000000002", "pair", 0}, CpuSet{4});
    HostSample sample1 = hv.sample();
    const DomainSample* pair = find_domain(sample1, "pair");
    ASSERT_NE(pair, nullptr);
    EXPECT_EQ(pair->vcpus[0].affinity, CpuSet{4});
}

TEST_F(NodeFileTest, PinsAreLostOnReconnectBecauseTheFileIsReadAfresh) {
    hv.sample();
    hv.pin({"00000000-0000-4000-8000-000000000003", "trio", 1}, CpuSet{2});
    hv.connect();
    ASSERT_TRUE(hv.connected());
    HostSample sample2 = hv.sample();
    const DomainSample* trio = find_domain(sample2, "trio");
    ASSERT_NE(trio, nullptr);
    EXPECT_EQ(trio->vcpus[1].affinity, CpuSet::range(0, 7));
}

TEST_F(NodeFileTest, PinningANonexistentVcpuNamesDomainAndVcpu) {
    hv.sample();
    HypervisorError e = error_of([&] {
        hv.pin({"00000000-0000-4000-8000-000000000001", "solo", 7}, CpuSet{1});
    });
    EXPECT_EQ(e.kind(), HypervisorErrorKind::Other);
    std::string what = e.what();
    EXPECT_NE(what.find("pin domain 'solo' vCPU 7 to 1: "), std::string::npos) << what;
    EXPECT_NE(what.find("vcpu '7'"), std::string::npos) << "libvirt's reason: " << what;
    EXPECT_TRUE(hv.connected());
}

TEST_F(NodeFileTest, PinningOutsideTheHostIsRefusedWithoutACall) {
    hv.sample();
    auto calls = hv.round_trips();
    HypervisorError e = error_of([&] {
        hv.pin({"00000000-0000-4000-8000-000000000001", "solo", 0}, CpuSet{3, 8});
    });
    EXPECT_EQ(e.kind(), HypervisorErrorKind::Other);
    EXPECT_STREQ(e.what(), "pin domain 'solo' vCPU 0 to 3,8: CPU 8 is not on this host (8 CPUs)");
    EXPECT_EQ(hv.round_trips(), calls);
}

TEST_F(NodeFileTest, PinningAnUnknownUuidIsDomainGone) {
    HypervisorError e = error_of([&] {
        hv.pin({"00000000-0000-4000-8000-0000000000ff", "ghost", 0}, CpuSet{1});
    });
    EXPECT_EQ(e.kind(), HypervisorErrorKind::DomainGone);
    EXPECT_NE(std::string(e.what()).find("domain 'ghost'"), std::string::npos) << e.what();
}

TEST_F(NodeFileTest, DisconnectedAdapterRefusesCallsAsConnectionLost) {
    hv.disconnect();
    EXPECT_FALSE(hv.connected());
    EXPECT_EQ(error_of([&] { hv.sample(); }).kind(), HypervisorErrorKind::ConnectionLost);
    EXPECT_EQ(error_of([&] {
                  hv.pin({"u", "x", 0}, CpuSet{0});
              }).kind(),
              HypervisorErrorKind::ConnectionLost);
    EXPECT_EQ(error_of([&] { hv.topology(); }).kind(), HypervisorErrorKind::ConnectionLost);
}

TEST(LibvirtHypervisorConnect, ConnectCostsFourCallsWhateverTheDomainCount) {
    ManualClock clock;
    LibvirtHypervisor hv(node_uri(), clock, "");
    EXPECT_FALSE(hv.connected());
    EXPECT_EQ(hv.round_trips(), 0u);
    hv.connect();
    EXPECT_EQ(hv.round_trips(), 4u) << "open, type, node info, CPU map";
    hv.connect();
    EXPECT_EQ(hv.round_trips(), 8u) << "reconnecting opens afresh";
    EXPECT_TRUE(hv.connected());
}

TEST(LibvirtHypervisorConnect, UnknownDriverIsConnectionLostNamingTheUri) {
    ManualClock clock;
    LibvirtHypervisor hv("nosuchdriver:///system", clock);
    HypervisorError e = error_of([&] { hv.connect(); });
    EXPECT_EQ(e.kind(), HypervisorErrorKind::ConnectionLost);
    EXPECT_NE(std::string(e.what()).find("connect to libvirt at 'nosuchdriver:///system': "),
              std::string::npos)
        << e.what();
    EXPECT_FALSE(hv.connected());
}

TEST(LibvirtHypervisorConnect, MissingNodeFileFailsWithLibvirtsReason) {
    ManualClock clock;
    LibvirtHypervisor hv("test:///nonexistent/node.xml", clock);
    HypervisorError e = error_of([&] { hv.connect(); });
    std::string what = e.what();
    EXPECT_NE(what.find("connect to libvirt at 'test:///nonexistent/node.xml': "),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("/nonexistent/node.xml"), what.rfind("'")) << what;
    EXPECT_FALSE(hv.connected());
}

TEST(LibvirtHypervisorConnect, MissingProcStatLeavesHostTimesEmptyAndWarnsOnce) {
    ManualClock clock;
    RecordingLog log;
    LibvirtHypervisor hv({node_uri(), "/nonexistent/stat", "", 30}, clock, log);
    hv.connect();
    EXPECT_TRUE(hv.sample().pcpus.empty());
    EXPECT_TRUE(hv.sample().pcpus.empty());
    int warnings = 0;
    for (const auto& [level, line] : log.lines) {
        if (level == LogLevel::Warn) {
            ++warnings;
            EXPECT_NE(line.find("/nonexistent/stat"), std::string::npos) << line;
        }
    }
    EXPECT_EQ(warnings, 1);
}

// test:///default: one running domain "test" (2 vCPUs); state shared by all connections.
class DefaultDriverTest : public ::testing::Test {
  protected:
    DefaultDriverTest() : hv({kDefaultUri, "", "", 30}, clock, log) {}
    void SetUp() override {
        raw = open_raw(kDefaultUri);
        ASSERT_TRUE(raw);
        hv.connect();
    }
    ManualClock clock;
    RecordingLog log;
    Connection raw;
    LibvirtHypervisor hv;
};

TEST_F(DefaultDriverTest, TopologyComesFromCapabilities) {
    Topology t = hv.topology();
    ASSERT_EQ(t.pcpus.size(), 16u);
    EXPECT_EQ(t.find(3)->node, 0);
    EXPECT_EQ(t.find(12)->node, 1);
    EXPECT_EQ(t.find(12)->socket, 1);
}

TEST_F(DefaultDriverTest, PinIsSeenThroughASecondConnection) {
    HostSample sample3 = hv.sample();
    const DomainSample* test = find_domain(sample3, "test");
    ASSERT_NE(test, nullptr);
    hv.pin({test->uuid, "test", 1}, CpuSet{3});
    EXPECT_EQ(raw_affinity(raw.get(), "test", 1, hv.host_cpus()), CpuSet{3});
    EXPECT_EQ(raw_affinity(raw.get(), "test", 0, hv.host_cpus()), test->vcpus[0].affinity);
}

TEST_F(DefaultDriverTest, DomainDestroyedBetweenSampleAndPinIsDomainGone) {
    Domain gone = create_domain(raw.get(), "ephemeral", 2);
    ASSERT_TRUE(gone);
    HostSample sample4 = hv.sample();
    const DomainSample* d = find_domain(sample4, "ephemeral");
    ASSERT_NE(d, nullptr);
    VcpuRef ref{d->uuid, d->name, 1};
    ASSERT_EQ(virDomainDestroy(gone.get()), 0);
    HypervisorError e = error_of([&] { hv.pin(ref, CpuSet{2}); });
    EXPECT_EQ(e.kind(), HypervisorErrorKind::DomainGone);
    EXPECT_NE(std::string(e.what()).find("pin domain 'ephemeral' vCPU 1 to 2: "), std::string::npos)
        << e.what();
    EXPECT_TRUE(hv.connected());
    EXPECT_EQ(find_domain(hv.sample(), "ephemeral"), nullptr);
}

TEST_F(DefaultDriverTest, PersistentDomainStoppedBetweenSampleAndPinIsDomainGone) {
    HostSample sample5 = hv.sample();
    const DomainSample* d = find_domain(sample5, "test");
    ASSERT_NE(d, nullptr);
    VcpuRef ref{d->uuid, d->name, 0};
    Domain dom(virDomainLookupByName(raw.get(), "test"));
    ASSERT_EQ(virDomainDestroy(dom.get()), 0);
    HypervisorError e = error_of([&] { hv.pin(ref, CpuSet{2}); });
    EXPECT_EQ(e.kind(), HypervisorErrorKind::DomainGone) << e.what();
    EXPECT_NE(std::string(e.what()).find("domain 'test'"), std::string::npos) << e.what();
}

TEST_F(DefaultDriverTest, FallbackReadsEverySampleAndSeesRepinsBySomeoneElse) {
    HostSample first = hv.sample();
    ASSERT_NE(find_domain(first, "test"), nullptr);
    Domain dom(virDomainLookupByName(raw.get(), "test"));
    unsigned char map = 1 << 5;
    ASSERT_EQ(virDomainPinVcpu(dom.get(), 0, &map, 1), 0);
    HostSample second = hv.sample();
    const DomainSample* test = find_domain(second, "test");
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(test->vcpus[0].affinity, CpuSet{5});
    auto repins = hv.take_external_repins();
    ASSERT_EQ(repins.size(), 1u);
    EXPECT_EQ(repins[0].vcpu, 0);
    EXPECT_EQ(repins[0].domain_name, "test");
}

TEST_F(DefaultDriverTest, RunningOnTellsEachVcpusPcpuInOneCall) {
    HostSample sample6 = hv.sample();
    const DomainSample* test = find_domain(sample6, "test");
    ASSERT_NE(test, nullptr);
    const auto before = hv.round_trips();
    const std::map<int, int> where = hv.running_on(test->uuid);
    EXPECT_EQ(hv.round_trips() - before, 1u);
    ASSERT_EQ(where.size(), test->vcpus.size());
    for (const auto& v : test->vcpus) {
        ASSERT_TRUE(where.contains(v.id)) << "vCPU " << v.id;
        EXPECT_TRUE(v.affinity.contains(where.at(v.id)))
            << "vCPU " << v.id << " runs on " << where.at(v.id) << " outside "
            << v.affinity.format();
    }

    HypervisorError e = error_of([&] { hv.running_on("00000000-0000-4000-8000-0000000000ff"); });
    EXPECT_EQ(e.kind(), HypervisorErrorKind::DomainGone);
    EXPECT_NE(std::string(e.what()).find("00000000-0000-4000-8000-0000000000ff"), std::string::npos)
        << e.what();
}

TEST_F(DefaultDriverTest, FallbackCostsOneCallPerDomain) {
    // The test driver has no vcpu.* bulk stats, so each domain costs a virDomainGetVcpus:
    // this path is O(domains); the bulk path's O(1) is shown by BulkPathTest below.
    std::vector<Domain> extra;
    for (int i = 0; i < 5; ++i)
        extra.push_back(create_domain(raw.get(), "vm" + std::to_string(i), 1 + i % 3));
    hv.sample();
    auto before = hv.round_trips();
    HostSample s = hv.sample();
    EXPECT_EQ(s.domains.size(), 6u);
    EXPECT_EQ(hv.round_trips() - before, 1u + 6u);
}

// Gives the test driver's records the vcpu.* fields a real driver reports, so the adapter takes
// its bulk path (affinity from the cache, read once per domain).
class BulkStatsHypervisor : public LibvirtHypervisor {
  public:
    using LibvirtHypervisor::deliver_tunable_event;
    using LibvirtHypervisor::LibvirtHypervisor;
    std::uint64_t time_ns = 1'000'000'000;
    std::string without_stats;  // a domain whose record lacks vcpu.* (busy, NOWAIT)

  protected:
    void amend_stats(const std::string& uuid, DomainStats& stats) override {
        ASSERT_FALSE(stats.has_vcpu_fields) << "the test driver now reports vcpu.* itself";
        if (uuid == without_stats)
            return;
        int n = g_vcpus_by_uuid.contains(uuid) ? g_vcpus_by_uuid[uuid] : 2;
        stats.has_vcpu_fields = true;
        stats.current = stats.maximum = n;
        for (int i = 0; i < n; ++i)
            stats.vcpus.push_back({i, VcpuState::Running, time_ns, 5'000'000});
        time_ns += 10'000'000;
    }
};

class BulkPathTest : public ::testing::Test {
  protected:
    void SetUp() override {
        raw = open_raw(kDefaultUri);
        ASSERT_TRUE(raw);
    }
    std::vector<Domain> add_domains(int n) {
        std::vector<Domain> out;
        for (int i = 0; i < n; ++i) {
            out.push_back(create_domain(raw.get(), "bulk" + std::to_string(i), 1 + i % 4));
            EXPECT_TRUE(out.back());
        }
        return out;
    }
    // Round trips of each of `samples` samples after the first.
    std::vector<std::uint64_t> steady_calls(BulkStatsHypervisor& hv, int samples) {
        std::vector<std::uint64_t> calls;
        hv.sample();
        for (int i = 0; i < samples; ++i) {
            auto before = hv.round_trips();
            hv.sample();
            calls.push_back(hv.round_trips() - before);
        }
        return calls;
    }
    ManualClock clock;
    NullLog log;
    Connection raw;
};

TEST_F(BulkPathTest, SteadyStateIsOneRoundTripPerSampleWhateverTheDomainCount) {
    for (int domains : {2, 12}) {
        auto extra = add_domains(domains - 1);  // plus "test"
        BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
        hv.connect();
        auto before = hv.round_trips();
        HostSample first = hv.sample();
        ASSERT_EQ(first.domains.size(), static_cast<std::size_t>(domains));
        EXPECT_FALSE(hv.used_fallback());
        EXPECT_EQ(hv.round_trips() - before, 1u + domains) << "first sample reads each pin map";
        EXPECT_EQ(steady_calls(hv, 5), std::vector<std::uint64_t>(5, 1)) << domains << " domains";
        for (auto& d : extra)
            virDomainDestroy(d.get());
    }
}

TEST_F(BulkPathTest, OwnPinCostsOneCallAndNeedsNoReread) {
    BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
    hv.connect();
    HostSample sample6 = hv.sample();
    const DomainSample* test = find_domain(sample6, "test");
    ASSERT_NE(test, nullptr);
    auto before = hv.round_trips();
    hv.pin({test->uuid, "test", 0}, CpuSet{6});
    EXPECT_EQ(hv.round_trips() - before, 1u);
    HostSample s = hv.sample();
    EXPECT_EQ(hv.round_trips() - before, 2u);
    test = find_domain(s, "test");
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(test->vcpus[0].affinity, CpuSet{6});
    EXPECT_TRUE(test->vcpus[0].has_delay);
    EXPECT_EQ(test->vcpus[0].delay_ns, 5'000'000u);
}

TEST_F(BulkPathTest, NewDomainIsReadOnceWhenItAppears) {
    BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
    hv.connect();
    hv.sample();
    Domain late = create_domain(raw.get(), "late", 3);
    ASSERT_TRUE(late);
    auto before = hv.round_trips();
    HostSample s = hv.sample();
    EXPECT_EQ(hv.round_trips() - before, 2u);
    const DomainSample* d = find_domain(s, "late");
    ASSERT_NE(d, nullptr);
    ASSERT_EQ(d->vcpus.size(), 3u);
    EXPECT_EQ(d->vcpus[2].affinity, CpuSet::range(0, hv.host_cpus() - 1));
}

TEST_F(BulkPathTest, SafetyNetRereadFindsARepinBySomeoneElse) {
    auto extra = add_domains(3);
    BulkStatsHypervisor hv({kDefaultUri, "", "", 4}, clock, log);
    hv.connect();
    HostSample sample7 = hv.sample();
    const DomainSample* test = find_domain(sample7, "test");
    ASSERT_NE(test, nullptr);
    std::string uuid = test->uuid;

    // Someone else (virsh vcpupin) re-pins vCPU 1 through their own connection.
    Domain dom(virDomainLookupByName(raw.get(), "test"));
    unsigned char map = 1 << 2;
    ASSERT_EQ(virDomainPinVcpu(dom.get(), 1, &map, 1), 0);

    // Samples 3-9 (two came before). 4 domains, all read at sample 1, re-read every 4 samples:
    // none due before sample 5, then one per sample (ceil(domains / N)), so every domain has
    // been re-read by sample 8.
    auto calls = steady_calls(hv, 7);
    EXPECT_EQ(calls, (std::vector<std::uint64_t>{1, 1, 2, 2, 2, 2, 2}));
    auto repins = hv.take_external_repins();
    ASSERT_EQ(repins.size(), 1u);
    EXPECT_EQ(repins[0].domain_uuid, uuid);
    EXPECT_EQ(repins[0].domain_name, "test");
    EXPECT_EQ(repins[0].vcpu, 1);
    HostSample sample10 = hv.sample();
    test = find_domain(sample10, "test");
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(test->vcpus[1].affinity, CpuSet{2});
}

// What libvirt's qemu driver sends after any vCPU pin, ours or someone else's.
void send_vcpupin_event(BulkStatsHypervisor& hv, virConnectPtr conn, const char* domain, int vcpu,
                        const char* cpus) {
    Domain dom(virDomainLookupByName(conn, domain));
    ASSERT_TRUE(dom);
    TypedParams params;
    std::string field = "cputune.vcpupin" + std::to_string(vcpu);
    ASSERT_EQ(virTypedParamsAddString(params.params_out(), params.count_out(),
                                      params.capacity_out(), field.c_str(), cpus),
              0);
    hv.deliver_tunable_event(dom.get(), params.data(), params.size());
}

TEST_F(BulkPathTest, TunableEventFromSomeoneElseUpdatesAffinityAndIsReported) {
    BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
    hv.connect();
    hv.sample();
    send_vcpupin_event(hv, raw.get(), "test", 1, "4-5");
    auto before = hv.round_trips();
    HostSample s = hv.sample();
    EXPECT_EQ(hv.round_trips() - before, 1u) << "the event carries the pin: no re-read";
    const DomainSample* test = find_domain(s, "test");
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(test->vcpus[1].affinity, (CpuSet{4, 5}));
    auto repins = hv.take_external_repins();
    ASSERT_EQ(repins.size(), 1u);
    EXPECT_EQ(repins[0].domain_name, "test");
    EXPECT_EQ(repins[0].vcpu, 1);
}

TEST_F(BulkPathTest, TunableEventEchoingOurOwnPinIsNotExternal) {
    BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
    hv.connect();
    HostSample first = hv.sample();
    const DomainSample* test = find_domain(first, "test");
    ASSERT_NE(test, nullptr);
    hv.pin({test->uuid, "test", 0}, CpuSet{2});
    hv.pin({test->uuid, "test", 0}, CpuSet{3});
    // Echoes arrive late, the older one after our newer pin.
    send_vcpupin_event(hv, raw.get(), "test", 0, "2");
    send_vcpupin_event(hv, raw.get(), "test", 0, "3");
    HostSample s = hv.sample();
    test = find_domain(s, "test");
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(test->vcpus[0].affinity, CpuSet{3});
    EXPECT_TRUE(hv.take_external_repins().empty());
}

TEST_F(BulkPathTest, DomainMissingFromBulkStatsIsSkippedNotReadOneByOne) {
    auto extra = add_domains(2);
    BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
    hv.connect();
    HostSample first = hv.sample();
    ASSERT_EQ(first.domains.size(), 3u);
    hv.without_stats = find_domain(first, "bulk0")->uuid;
    auto before = hv.round_trips();
    HostSample second = hv.sample();
    EXPECT_EQ(hv.round_trips() - before, 1u) << "no virDomainGetVcpus for the busy domain";
    EXPECT_FALSE(hv.used_fallback());
    EXPECT_EQ(second.domains.size(), 2u);
    EXPECT_EQ(find_domain(second, "bulk0"), nullptr);
}

TEST_F(BulkPathTest, WithoutEventsOrRereadsAnExternalRepinGoesUnseen) {
    // What the safety net is for: the cache trusts itself between reads.
    BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
    hv.connect();
    HostSample sample8 = hv.sample();
    const DomainSample* test = find_domain(sample8, "test");
    ASSERT_NE(test, nullptr);
    CpuSet original = test->vcpus[1].affinity;
    Domain dom(virDomainLookupByName(raw.get(), "test"));
    unsigned char map = 1 << 2;
    ASSERT_EQ(virDomainPinVcpu(dom.get(), 1, &map, 1), 0);
    HostSample sample11 = hv.sample();
    test = find_domain(sample11, "test");
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(test->vcpus[1].affinity, original);
    EXPECT_TRUE(hv.take_external_repins().empty());
}

TEST_F(BulkPathTest, DomainRestartIsReadAfresh) {
    BulkStatsHypervisor hv({kDefaultUri, "", "", 0}, clock, log);
    hv.connect();
    HostSample sample9 = hv.sample();
    const DomainSample* test = find_domain(sample9, "test");
    ASSERT_NE(test, nullptr);
    hv.pin({test->uuid, "test", 0}, CpuSet{1});
    Domain dom(virDomainLookupByName(raw.get(), "test"));
    ASSERT_EQ(virDomainDestroy(dom.get()), 0);
    ASSERT_EQ(virDomainCreate(dom.get()), 0);  // new run, new id, pins from its definition
    auto before = hv.round_trips();
    HostSample sample12 = hv.sample();
    test = find_domain(sample12, "test");
    ASSERT_NE(test, nullptr);
    EXPECT_EQ(hv.round_trips() - before, 2u) << "stats + one pin read for the new run";
    EXPECT_EQ(test->vcpus[0].affinity, raw_affinity(raw.get(), "test", 0, hv.host_cpus()));
    EXPECT_TRUE(hv.take_external_repins().empty()) << "a restart is not a re-pin";
}

}  // namespace
}  // namespace vcpusched::libvirt
