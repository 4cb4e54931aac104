// The product Hypervisor: samples, topology and pins through one libvirt connection, with the
// steady state costing one round trip per sample plus one per pin whatever the domain count.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vcpusched/clock.hpp"
#include "vcpusched/hypervisor.hpp"
#include "vcpusched/libvirt/affinity_cache.hpp"
#include "vcpusched/libvirt/errors.hpp"
#include "vcpusched/libvirt/handles.hpp"
#include "vcpusched/libvirt/vcpu_stats.hpp"
#include "vcpusched/log.hpp"

namespace vcpusched::libvirt {

struct LibvirtOptions {
    std::string uri;  // "" = libvirt's default URI
    // Per-pCPU busy/idle for HostSample::pcpus; empty = do not read (pcpus stays empty).
    std::filesystem::path proc_stat = "/proc/stat";
    // L3 ids when the capabilities have no <cache> banks (local, non-test URIs only);
    // empty = do not read.
    std::filesystem::path sysfs_cpu = "/sys/devices/system/cpu";
    // Safety net for missed tunable events: each domain's affinity is re-read at least every
    // this many samples, spread so that one sample re-reads at most ceil(domains / N) of them.
    // 0 = never (affinity then changes only through our pins, events and new domains).
    unsigned affinity_refresh_samples = 30;
};

// Thread use: one thread calls the methods; only the event callbacks (on the EventLoop's
// thread) run concurrently, and they touch nothing but a locked inbox and a flag.
class LibvirtHypervisor : public Hypervisor {
  public:
    LibvirtHypervisor(LibvirtOptions options, Clock& clock, Log& log);
    LibvirtHypervisor(std::string uri, Clock& clock,
                      std::filesystem::path proc_stat = "/proc/stat");
    ~LibvirtHypervisor() override;
    LibvirtHypervisor(const LibvirtHypervisor&) = delete;
    LibvirtHypervisor& operator=(const LibvirtHypervisor&) = delete;

    // Opens the connection, dropping any previous one and everything cached with it; call again
    // to reconnect. When an EventLoop runs, registers the tunable-event and close callbacks and
    // keepalive. The constructor does not connect. Throws HypervisorError (ConnectionLost when
    // the daemon cannot be reached or the URI has no driver, Other otherwise).
    void connect();
    void disconnect();
    // False before connect(), after disconnect(), after a call failed with ConnectionLost, and
    // after libvirt reported the connection closed (close callback; needs an EventLoop).
    bool connected() const;
    // Whether tunable events and the close callback are registered on this connection.
    bool events_registered() const { return tunable_callback_ >= 0; }

    // Throws HypervisorError ConnectionLost when not connected.
    HostSample sample() override;
    Topology topology() override;
    void pin(const VcpuRef& vcpu, const CpuSet& cpus) override;
    // virDomainGetVcpus' `cpu` of each vCPU: one round trip per domain asked (only domains with
    // unpinned vCPUs to place, so a steady host makes none).
    std::map<int, int> running_on(const std::string& domain_uuid) override;

    // Libvirt calls that go to the driver/daemon since construction, one per call
    // (virConnectOpen counts one though it makes several RPCs; local calls such as
    // virDomainGetName count none). connect() costs 4, plus 1 with an EventLoop.
    std::uint64_t round_trips() const { return round_trips_.load(); }
    // vCPUs that someone else re-pinned since the last call (seen through a tunable event or a
    // re-read that disagreed with what we knew), each once. Pins present when a domain is
    // first seen are its starting placement, not re-pins.
    std::vector<VcpuRef> take_external_repins() { return affinity_.take_external_repins(); }
    // The host's CPU count as libvirt sizes CPU maps (valid once connected).
    int host_cpus() const { return host_cpus_; }
    // Whether the bulk stats lacked vcpu.* fields in the last sample, so per-domain
    // virDomainGetVcpus calls were needed (libvirt's test driver).
    bool used_fallback() const { return used_fallback_; }

  protected:
    // Test seam: lets adapter tests give the test driver's records the vcpu.* fields it does not
    // report, to drive the bulk path. The product leaves stats as libvirt gave them.
    virtual void amend_stats(const std::string& uuid, DomainStats& stats);
    // Test seam: hands a tunable event to the handler libvirt calls on the event thread (the
    // test driver never emits one).
    void deliver_tunable_event(virDomainPtr dom, virTypedParameterPtr params, int count);
    // Test seam: hands the close callback what libvirt passes when libvirtd goes away (the test
    // driver never closes a connection).
    void deliver_close_event();

  private:
    struct EventInbox;
    struct Seen;

    void count() { ++round_trips_; }
    // The handle of a running domain, from the last sample or looked up (`what` names the
    // operation in the error when it is gone).
    virDomainPtr domain(const std::string& uuid, const std::string& what);
    [[noreturn]] void fail(const std::string& what, Subject subject);
    void require_connection(const char* what) const;
    void register_events();
    void drain_events();
    void read_pins(const Seen& seen, int vcpu_slots);
    void read_vcpus(Seen& seen);
    std::vector<PcpuTimes> host_times();

    LibvirtOptions options_;
    Clock& clock_;
    Log& log_;
    Connection conn_;
    bool is_test_driver_ = false;
    bool is_local_ = true;
    int host_cpus_ = 0;
    unsigned pin_flags_ = 0;
    unsigned stats_flags_ = 0;
    bool lost_ = false;
    bool used_fallback_ = false;
    bool driver_has_vcpu_stats_ = false;  // seen vcpu.* fields on this connection
    bool proc_stat_failing_ = false;
    std::uint64_t sample_no_ = 0;
    std::atomic<std::uint64_t> round_trips_{0};
    std::shared_ptr<EventInbox> inbox_;
    std::unique_ptr<std::shared_ptr<EventInbox>> close_ref_;  // the close callback's opaque
    int tunable_callback_ = -1;
    bool close_callback_ = false;
    std::map<std::string, Domain> domains_;  // by UUID: handles from the last sample, for pin()
    AffinityCache affinity_;
};

}  // namespace vcpusched::libvirt
