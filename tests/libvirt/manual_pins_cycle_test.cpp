// The core's manual-pin detection over the real adapter: a `virsh vcpupin` made through another
// connection to libvirt's test driver is seen by the next cycle and named once.
#include <gtest/gtest.h>

#include "support.hpp"
#include "vcpusched/cycle.hpp"
#include "vcpusched/libvirt/libvirt_hypervisor.hpp"

namespace vcpusched::libvirt {
namespace {

using testing::ManualClock;
using testing::open_raw;

TEST(ManualPinsOverLibvirt, RepinThroughAnotherConnectionIsFoundOnceByTheCycle) {
    Connection raw = open_raw("test:///default");
    ASSERT_TRUE(raw);
    const std::string xml =
        "<domain type='test'><name>repinned</name><memory>131072</memory><vcpu>2</vcpu>"
        "<os><type>hvm</type></os></domain>";
    Domain dom(virDomainCreateXML(raw.get(), xml.c_str(), 0));
    ASSERT_TRUE(dom);

    ManualClock clock;
    NullLog log;
    LibvirtHypervisor hv({"test:///default", "", "", 30}, clock, log);
    hv.connect();
    CycleOptions options;
    options.dry_run = true;  // detection only: nothing of ours may change the pins
    options.policy.include = {"repinned"};
    Cycle cycle(hv, clock, options, log);
    EXPECT_TRUE(cycle.run().manual_pins.empty()) << "pins at first sight are a starting point";
    clock.advance(std::chrono::seconds(2));
    EXPECT_TRUE(cycle.run().manual_pins.empty());

    unsigned char map = 1U << 3;  // virsh vcpupin repinned 1 3
    ASSERT_EQ(virDomainPinVcpu(dom.get(), 1, &map, 1), 0);
    clock.advance(std::chrono::seconds(2));
    CycleReport r = cycle.run();
    ASSERT_EQ(r.manual_pins.size(), 1U);
    EXPECT_EQ(r.manual_pins[0].vcpu.domain_name, "repinned");
    EXPECT_EQ(r.manual_pins[0].vcpu.vcpu, 1);
    EXPECT_EQ(r.manual_pins[0].now, CpuSet{3});
    clock.advance(std::chrono::seconds(2));
    EXPECT_TRUE(cycle.run().manual_pins.empty()) << "said once";
    virDomainDestroy(dom.get());
}

}  // namespace
}  // namespace vcpusched::libvirt
