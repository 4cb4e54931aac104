// CycleBalancer over the core's Cycle and a fake hypervisor: connect, cycles, dry run.
#include "balancer.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "fake_hypervisor.hpp"
#include "fakes.hpp"
#include "once.hpp"

namespace vcpusched::daemon {
namespace {

using namespace fakes;

// A host of 4 pCPUs running one domain whose two vCPUs may run anywhere (unplaced), each
// busy 30 % of the time: the core places unplaced vCPUs, so a real run pins both.
class CycleBalancerTest : public ::testing::Test {
  protected:
    // run_once() disconnects, which destroys the hypervisor: keep its pins past that.
    struct RecordingHypervisor : vcpusched::testing::FakeHypervisor {
        RecordingHypervisor(Topology t, std::size_t& pins_out)
            : FakeHypervisor(std::move(t)), pins_out_(pins_out) {}
        ~RecordingHypervisor() override { pins_out_ = pins.size(); }
        std::size_t& pins_out_;
    };

    std::unique_ptr<Hypervisor> open(const std::string& uri) {
        uris.push_back(uri);
        auto h = std::make_unique<RecordingHypervisor>(Topology::flat(4), pins_made);
        h->generator = [this] {
            ++samples;
            HostSample s;
            s.taken_at = std::chrono::seconds(samples);
            DomainSample d{"web01", "uuid-web01", {}};
            for (int id = 0; id < 2; ++id) {
                VcpuSample v;
                v.id = id;
                v.time_ns = static_cast<std::uint64_t>(samples) * 300'000'000;
                v.affinity = CpuSet::range(0, 3);
                d.vcpus.push_back(v);
            }
            s.domains.push_back(d);
            return s;
        };
        hypervisor = h.get();
        return h;
    }

    FakeTime time;
    RecordingJournal journal;
    Logger log{LogLevel::Info, &journal, time};
    std::vector<std::string> uris;
    int samples = 0;
    vcpusched::testing::FakeHypervisor* hypervisor = nullptr;  // valid until disconnect
    std::size_t pins_made = 0;                                 // set when it is destroyed
    CycleBalancer balancer{[this](const std::string& uri) { return open(uri); }, time, log,
                           CycleOptions{}};
};

TEST_F(CycleBalancerTest, ConnectOpensTheUriAndRunsCycles) {
    EXPECT_FALSE(balancer.connected());
    balancer.connect("test:///default");
    EXPECT_TRUE(balancer.connected());
    EXPECT_EQ(uris, std::vector<std::string>{"test:///default"});
    EXPECT_TRUE(balancer.run().baseline);
    CycleReport second = balancer.run();
    EXPECT_FALSE(second.baseline);
    EXPECT_EQ(second.load.vcpus.size(), 2u);
    balancer.disconnect();
    EXPECT_FALSE(balancer.connected());
    EXPECT_THROW(balancer.run(), HypervisorError);
}

TEST_F(CycleBalancerTest, OnceWithDryRunPlansButPinsNothing) {
    Config config;
    config.dry_run = true;
    std::ostringstream out;
    ASSERT_EQ(run_once(config, balancer, time, time, log, out), 0);
    ASSERT_NE(hypervisor, nullptr);
    EXPECT_EQ(pins_made, 0u);
    EXPECT_NE(out.str().find("not pinned (dry run)"), std::string::npos) << out.str();
}

TEST_F(CycleBalancerTest, OnceWithoutDryRunPinsWhatItPlanned) {
    std::ostringstream out;
    ASSERT_EQ(run_once(Config{}, balancer, time, time, log, out), 0);
    ASSERT_NE(hypervisor, nullptr);
    EXPECT_EQ(pins_made, 2u) << out.str();
    EXPECT_NE(out.str().find(": done"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace vcpusched::daemon
