// LibvirtHypervisor: bulk stats + cached affinity for samples, capabilities for topology,
// virDomainPinVcpuFlags for pins, with every libvirt failure mapped to a HypervisorError.
#include "vcpusched/libvirt/libvirt_hypervisor.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "vcpusched/error.hpp"
#include "vcpusched/libvirt/cpumap.hpp"
#include "vcpusched/libvirt/errors.hpp"
#include "vcpusched/libvirt/event_loop.hpp"
#include "vcpusched/libvirt/tunable_event.hpp"
#include "vcpusched/proc_stat.hpp"
#include "vcpusched/topology_sysfs.hpp"

namespace vcpusched::libvirt {

namespace {

NullLog g_null_log;

// Drivers without bulk vCPU stats are asked for at most this many vCPUs per domain.
constexpr int kFallbackMaxVcpus = 512;

std::string domain_label(const std::string& name, const std::string& uuid) {
    return "domain '" + (name.empty() ? uuid : name) + "'";
}

bool uri_is_local(const std::string& uri) {
    if (uri.empty())
        return true;
    auto scheme_end = uri.find("://");
    return scheme_end != std::string::npos && uri.compare(scheme_end + 3, 1, "/") == 0;
}

}  // namespace

// What the event callbacks hand to the sampling thread. Shared with libvirt, which frees its
// reference (through the callback's free function) once no callback can run any more.
struct LibvirtHypervisor::EventInbox {
    struct Pin {
        std::string uuid;
        int domain_id;
        VcpuPin pin;
    };
    explicit EventInbox(int cpus) : host_cpus(cpus) {}
    const int host_cpus;
    std::atomic<bool> closed{false};
    std::mutex mutex;
    std::vector<Pin> pins;

    using Ref = std::shared_ptr<EventInbox>;
    static EventInbox& from(void* opaque) { return **static_cast<Ref*>(opaque); }
    static void free(void* opaque) { std::unique_ptr<Ref> owned(static_cast<Ref*>(opaque)); }

    static void on_tunable(virConnectPtr, virDomainPtr dom, virTypedParameterPtr params, int count,
                           void* opaque) {
        EventInbox& inbox = from(opaque);
        char uuid[VIR_UUID_STRING_BUFLEN] = {};
        if (virDomainGetUUIDString(dom, uuid) < 0)
            return;
        auto pins = vcpu_pins_from_tunable(params, count, inbox.host_cpus);
        int id = static_cast<int>(virDomainGetID(dom));
        std::lock_guard lock(inbox.mutex);
        for (auto& pin : pins)
            inbox.pins.push_back({uuid, id, std::move(pin)});
    }
    static void on_close(virConnectPtr, int, void* opaque) { from(opaque).closed = true; }
};

// One domain of the current sample.
struct LibvirtHypervisor::Seen {
    virDomainPtr dom;
    std::string name;
    std::string uuid;
    int id;
    DomainStats stats;
};

LibvirtHypervisor::LibvirtHypervisor(LibvirtOptions options, Clock& clock, Log& log)
    : options_(std::move(options)), clock_(clock), log_(log) {
    silence_libvirt();
}

LibvirtHypervisor::LibvirtHypervisor(std::string uri, Clock& clock, std::filesystem::path proc_stat)
    : LibvirtHypervisor(LibvirtOptions{std::move(uri), std::move(proc_stat)}, clock, g_null_log) {}

LibvirtHypervisor::~LibvirtHypervisor() {
    disconnect();
}

void LibvirtHypervisor::amend_stats(const std::string&, DomainStats&) {}

void LibvirtHypervisor::deliver_tunable_event(virDomainPtr dom, virTypedParameterPtr params,
                                              int count) {
    if (!inbox_)
        return;
    EventInbox::Ref ref = inbox_;
    EventInbox::on_tunable(conn_.get(), dom, params, count, &ref);
}

void LibvirtHypervisor::deliver_close_event() {
    if (!inbox_)
        return;
    EventInbox::Ref ref = inbox_;
    EventInbox::on_close(conn_.get(), VIR_CONNECT_CLOSE_REASON_EOF, &ref);
}

void LibvirtHypervisor::fail(const std::string& what, Subject subject) {
    HypervisorError error = last_error(what, conn_.get(), subject);
    if (error.kind() == HypervisorErrorKind::ConnectionLost)
        lost_ = true;
    throw error;
}

void LibvirtHypervisor::require_connection(const char* what) const {
    if (!connected()) {
        throw HypervisorError(HypervisorErrorKind::ConnectionLost,
                              std::string(what) + ": not connected to libvirt" +
                                  (options_.uri.empty() ? "" : " at " + options_.uri));
    }
}

void LibvirtHypervisor::connect() {
    disconnect();
    const std::string& uri = options_.uri;
    std::string what = "connect to libvirt" + (uri.empty() ? "" : " at '" + uri + "'");
    count();
    virConnectPtr raw = virConnectOpen(uri.empty() ? nullptr : uri.c_str());
    if (!raw) {
        // No connection to ask: any failure to open is worth retrying except a plain bad
        // argument, since libvirtd may simply not be up yet.
        const virError* err = virGetLastError();
        bool retry = !err || err->code != VIR_ERR_INVALID_ARG;
        HypervisorError e = last_error(what, nullptr, Subject::Connection);
        throw HypervisorError(retry ? HypervisorErrorKind::ConnectionLost : e.kind(), e.what());
    }
    conn_.reset(raw);
    lost_ = false;
    is_local_ = uri_is_local(uri);

    count();
    const char* type = virConnectGetType(conn_.get());
    is_test_driver_ = (type && std::string_view(type) == "TEST") || uri.starts_with("test:");
    virNodeInfo info{};
    count();
    if (virNodeGetInfo(conn_.get(), &info) < 0) {
        HypervisorError e = last_error(what + ": node info", conn_.get(), Subject::Connection);
        conn_.reset();
        throw e;
    }
    // CPU maps must cover the highest CPU id: the present-CPU count of virNodeGetCPUMap, or
    // nodes*sockets*cores*threads, whichever is larger (the test driver's map is hard-coded).
    count();
    int present = virNodeGetCPUMap(conn_.get(), nullptr, nullptr, 0);
    if (present < 0)
        virResetLastError();
    host_cpus_ = std::max(present, static_cast<int>(VIR_NODEINFO_MAXCPUS(info)));
    if (host_cpus_ <= 0 || host_cpus_ > CpuSet::kMaxCpu + 1)
        host_cpus_ = std::clamp(static_cast<int>(info.cpus), 1, CpuSet::kMaxCpu + 1);
    // AFFECT_LIVE so that a domain stopped between sample and pin fails instead of having its
    // persistent config rewritten; the test driver accepts only 0.
    pin_flags_ = is_test_driver_ ? 0 : VIR_DOMAIN_AFFECT_LIVE;
    stats_flags_ = VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE |
                   VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING |
                   VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
    inbox_ = std::make_shared<EventInbox>(host_cpus_);
    if (EventLoop::running())
        register_events();
}

void LibvirtHypervisor::register_events() {
    // libvirt owns this reference once registration succeeds and frees it when the callback
    // can no longer run; on failure it stays ours.
    auto tunable_ref = std::make_unique<EventInbox::Ref>(inbox_);
    count();
    tunable_callback_ =
        virConnectDomainEventRegisterAny(conn_.get(), nullptr, VIR_DOMAIN_EVENT_ID_TUNABLE,
                                         reinterpret_cast<virConnectDomainEventGenericCallback>(
                                             reinterpret_cast<void (*)()>(&EventInbox::on_tunable)),
                                         tunable_ref.get(), &EventInbox::free);
    if (tunable_callback_ >= 0) {
        static_cast<void>(tunable_ref.release());
    } else {
        HypervisorError e = last_error("register tunable events", conn_.get(), Subject::Connection);
        log_.write(LogLevel::Info,
                   std::string(e.what()) + "; re-pins by others are found by periodic re-reads");
    }
    // Drivers without close callbacks (the test driver) report success and drop the free
    // function, so we keep ownership: close_ref_ outlives the registration, which
    // disconnect() removes first (libvirt does not run the callback after unregistering).
    close_ref_ = std::make_unique<EventInbox::Ref>(inbox_);
    close_callback_ = virConnectRegisterCloseCallback(conn_.get(), &EventInbox::on_close,
                                                      close_ref_.get(), nullptr) == 0;
    if (!close_callback_)
        virResetLastError();
    // Keepalive makes a dead daemon visible even while idle; drivers without it answer 1.
    if (!is_test_driver_ && virConnectSetKeepAlive(conn_.get(), 5, 3) < 0)
        virResetLastError();
}

void LibvirtHypervisor::disconnect() {
    if (conn_) {
        if (tunable_callback_ >= 0) {
            count();
            virConnectDomainEventDeregisterAny(conn_.get(), tunable_callback_);
        }
        if (close_callback_)
            virConnectUnregisterCloseCallback(conn_.get(), &EventInbox::on_close);
        virResetLastError();
    }
    tunable_callback_ = -1;
    close_callback_ = false;
    close_ref_.reset();
    // Domain handles hold references to the connection: drop them first.
    domains_.clear();
    affinity_.clear();
    conn_.reset();
    inbox_.reset();
    used_fallback_ = false;
    driver_has_vcpu_stats_ = false;
}

bool LibvirtHypervisor::connected() const {
    return conn_ && !lost_ && !(inbox_ && inbox_->closed.load());
}

void LibvirtHypervisor::drain_events() {
    std::vector<EventInbox::Pin> pins;
    {
        std::lock_guard lock(inbox_->mutex);
        pins.swap(inbox_->pins);
    }
    for (const auto& p : pins)
        affinity_.observed(p.uuid, p.domain_id, p.pin.vcpu, p.pin.cpus);
}

void LibvirtHypervisor::read_pins(const Seen& seen, int vcpu_slots) {
    int maplen = VIR_CPU_MAPLEN(host_cpus_);
    std::vector<unsigned char> maps(static_cast<std::size_t>(vcpu_slots * maplen), 0);
    count();
    int n = virDomainGetVcpuPinInfo(seen.dom, vcpu_slots, maps.data(), maplen,
                                    is_test_driver_ ? 0 : VIR_DOMAIN_AFFECT_LIVE);
    if (n < 0)
        fail("read vCPU pins of " + domain_label(seen.name, seen.uuid), Subject::Domain);
    n = std::min(n, vcpu_slots);
    std::vector<CpuSet> by_vcpu;
    for (int i = 0; i < n; ++i) {
        by_vcpu.push_back(
            cpuset_from_map(std::span(maps).subspan(static_cast<std::size_t>(i * maplen),
                                                    static_cast<std::size_t>(maplen)),
                            host_cpus_));
    }
    std::vector<int> listed;
    for (const auto& v : seen.stats.vcpus)
        listed.push_back(v.id);
    affinity_.read(seen.uuid, seen.name, seen.id, by_vcpu, sample_no_, listed);
}

void LibvirtHypervisor::read_vcpus(Seen& seen) {
    int maplen = VIR_CPU_MAPLEN(host_cpus_);
    int slots = seen.stats.current > 0 ? std::min(seen.stats.current, kFallbackMaxVcpus)
                                       : kFallbackMaxVcpus;
    std::vector<virVcpuInfo> info(static_cast<std::size_t>(slots));
    std::vector<unsigned char> maps(static_cast<std::size_t>(slots * maplen), 0);
    count();
    int n = virDomainGetVcpus(seen.dom, info.data(), slots, maps.data(), maplen);
    if (n < 0)
        fail("read vCPUs of " + domain_label(seen.name, seen.uuid), Subject::Domain);
    n = std::min(n, slots);
    std::vector<CpuSet> by_vcpu;
    seen.stats.vcpus.clear();
    for (int i = 0; i < n; ++i) {
        const virVcpuInfo& v = info[static_cast<std::size_t>(i)];
        if (v.number > static_cast<unsigned>(kMaxVcpuId))
            continue;
        int id = static_cast<int>(v.number);
        if (by_vcpu.size() <= static_cast<std::size_t>(id))
            by_vcpu.resize(static_cast<std::size_t>(id) + 1);
        by_vcpu[static_cast<std::size_t>(id)] =
            cpuset_from_map(std::span(maps).subspan(static_cast<std::size_t>(i * maplen),
                                                    static_cast<std::size_t>(maplen)),
                            host_cpus_);
        seen.stats.vcpus.push_back({id, vcpu_state_from_libvirt(v.state), v.cpuTime, {}});
    }
    std::sort(seen.stats.vcpus.begin(), seen.stats.vcpus.end(),
              [](const VcpuStats& a, const VcpuStats& b) { return a.id < b.id; });
    affinity_.read(seen.uuid, seen.name, seen.id, by_vcpu, sample_no_);
}

std::vector<PcpuTimes> LibvirtHypervisor::host_times() {
    if (options_.proc_stat.empty())
        return {};
    try {
        auto times = read_proc_stat(options_.proc_stat);
        proc_stat_failing_ = false;
        return times;
    } catch (const Error& e) {
        // Host times only sharpen the demand estimate: go on without them, and say so once.
        if (!proc_stat_failing_)
            log_.write(LogLevel::Warn, std::string("host CPU times unavailable: ") + e.what());
        proc_stat_failing_ = true;
        return {};
    }
}

HostSample LibvirtHypervisor::sample() {
    require_connection("sample");
    ++sample_no_;
    drain_events();

    virDomainStatsRecordPtr* raw = nullptr;
    count();
    int n = virConnectGetAllDomainStats(conn_.get(), VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_STATE,
                                        &raw, stats_flags_);
    if (n < 0 && (stats_flags_ & VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT) &&
        last_error_is_unsupported_flags()) {
        // Older drivers do not know NOWAIT; it only avoids waiting on a busy domain's job.
        stats_flags_ &= ~static_cast<unsigned>(VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
        count();
        n = virConnectGetAllDomainStats(conn_.get(), VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_STATE,
                                        &raw, stats_flags_);
    }
    if (n < 0)
        fail("sample: get domain stats", Subject::Connection);
    StatsRecords records(raw);

    HostSample host;
    host.taken_at = clock_.now();
    std::vector<Seen> seen;
    std::map<std::string, Domain> domains;
    used_fallback_ = false;
    for (int i = 0; i < n && records[static_cast<std::size_t>(i)]; ++i) {
        const virDomainStatsRecord& rec = *records[static_cast<std::size_t>(i)];
        char uuid[VIR_UUID_STRING_BUFLEN] = {};
        const char* name = virDomainGetName(rec.dom);
        if (virDomainGetUUIDString(rec.dom, uuid) < 0 || !name) {
            virResetLastError();
            continue;
        }
        Seen s{rec.dom, name, uuid, static_cast<int>(virDomainGetID(rec.dom)),
               parse_vcpu_stats(rec.params, rec.nparams)};
        amend_stats(s.uuid, s.stats);
        for (const auto& problem : s.stats.problems)
            log_.write(LogLevel::Debug, domain_label(s.name, s.uuid) + ": stats " + problem);
        if (s.stats.has_vcpu_fields) {
            driver_has_vcpu_stats_ = true;
        } else if (driver_has_vcpu_stats_) {
            // A driver with bulk vCPU stats left them out for this domain (NOWAIT skips a
            // domain busy with a job): a per-domain read would wait on that job, so leave the
            // domain out of this sample instead.
            log_.write(LogLevel::Debug,
                       domain_label(s.name, s.uuid) + ": no vCPU stats this time; skipped");
            continue;
        }
        try {
            if (!s.stats.has_vcpu_fields) {
                used_fallback_ = true;
                read_vcpus(s);
            } else {
                std::vector<int> ids;
                int slots = std::max(s.stats.maximum, 1);
                for (const auto& v : s.stats.vcpus) {
                    ids.push_back(v.id);
                    slots = std::max(slots, v.id + 1);
                }
                if (!affinity_.knows(s.uuid, s.id, ids))
                    read_pins(s, slots);
            }
        } catch (const HypervisorError& e) {
            // Stopped between the stats call and this read: it is simply not running.
            if (e.kind() != HypervisorErrorKind::DomainGone)
                throw;
            continue;
        }
        domains.emplace(s.uuid, share(rec.dom));
        seen.push_back(std::move(s));
    }

    std::set<std::string> running;
    for (const auto& s : seen)
        running.insert(s.uuid);
    affinity_.keep_only(running);

    if (options_.affinity_refresh_samples > 0 && !used_fallback_ && !seen.empty()) {
        std::size_t every = options_.affinity_refresh_samples;
        std::size_t limit = (seen.size() + every - 1) / every;
        for (const auto& uuid : affinity_.due(sample_no_, every, limit)) {
            auto it = std::find_if(seen.begin(), seen.end(),
                                   [&](const Seen& s) { return s.uuid == uuid; });
            if (it == seen.end())
                continue;
            int slots = std::max(it->stats.maximum, 1);
            for (const auto& v : it->stats.vcpus)
                slots = std::max(slots, v.id + 1);
            try {
                read_pins(*it, slots);
            } catch (const HypervisorError& e) {
                if (e.kind() != HypervisorErrorKind::DomainGone)
                    throw;
            }
        }
    }

    for (const auto& s : seen) {
        host.domains.push_back(to_domain_sample(
            s.name, s.uuid, s.stats, [&](int vcpu) { return affinity_.affinity(s.uuid, vcpu); }));
        host.domains.back().id = s.id;
    }
    domains_ = std::move(domains);
    host.pcpus = host_times();
    return host;
}

Topology LibvirtHypervisor::topology() {
    require_connection("topology");
    count();
    LibvirtString caps(virConnectGetCapabilities(conn_.get()));
    if (!caps)
        fail("topology: get capabilities", Subject::Connection);
    Topology topology;
    try {
        topology = Topology::from_capabilities_xml(caps.get());
    } catch (const Error& e) {
        throw HypervisorError(HypervisorErrorKind::Other, std::string("topology: ") + e.what());
    }
    if (topology.pcpus.empty()) {
        log_.write(LogLevel::Info, "topology: capabilities list no CPUs; assuming " +
                                       std::to_string(host_cpus_) + " flat pCPUs");
        topology = Topology::flat(host_cpus_);
    }
    bool has_cache = std::any_of(topology.pcpus.begin(), topology.pcpus.end(),
                                 [](const Pcpu& p) { return p.cache >= 0; });
    // sysfs describes this machine: only trust it for a local, real hypervisor.
    if (!has_cache && is_local_ && !is_test_driver_ && !options_.sysfs_cpu.empty())
        fill_l3_from_sysfs(topology, options_.sysfs_cpu);
    return topology;
}

virDomainPtr LibvirtHypervisor::domain(const std::string& uuid, const std::string& what) {
    auto it = domains_.find(uuid);
    if (it == domains_.end()) {
        count();
        virDomainPtr raw = virDomainLookupByUUIDString(conn_.get(), uuid.c_str());
        if (!raw)
            fail(what, Subject::Domain);
        it = domains_.emplace(uuid, Domain(raw)).first;
    }
    return it->second.get();
}

std::map<int, int> LibvirtHypervisor::running_on(const std::string& domain_uuid) {
    const std::string what = "read where the vCPUs of domain " + domain_uuid + " run";
    require_connection(what.c_str());
    virDomainPtr dom = domain(domain_uuid, what);
    std::vector<virVcpuInfo> info(static_cast<std::size_t>(kFallbackMaxVcpus));
    count();
    // No cpumaps: only where each vCPU runs is wanted here, its pins come from the cache.
    const int n = virDomainGetVcpus(dom, info.data(), kFallbackMaxVcpus, nullptr, 0);
    if (n < 0)
        fail(what, Subject::Domain);
    std::map<int, int> where;
    for (int i = 0; i < std::min(n, kFallbackMaxVcpus); ++i) {
        const virVcpuInfo& v = info[static_cast<std::size_t>(i)];
        if (v.number <= static_cast<unsigned>(kMaxVcpuId) && v.cpu >= 0 && v.cpu < host_cpus_)
            where[static_cast<int>(v.number)] = v.cpu;
    }
    return where;
}

void LibvirtHypervisor::pin(const VcpuRef& vcpu, const CpuSet& cpus) {
    std::string what = "pin " + domain_label(vcpu.domain_name, vcpu.domain_uuid) + " vCPU " +
                       std::to_string(vcpu.vcpu) + " to " + cpus.format();
    require_connection(what.c_str());
    if (vcpu.vcpu < 0)
        throw HypervisorError(HypervisorErrorKind::Other, what + ": negative vCPU id");
    std::vector<unsigned char> map;
    try {
        map = map_from_cpuset(cpus, host_cpus_);
    } catch (const Error& e) {
        throw HypervisorError(HypervisorErrorKind::Other, what + ": " + e.what());
    }
    virDomainPtr dom = domain(vcpu.domain_uuid, what);
    auto maplen = static_cast<int>(map.size());
    count();
    int rc = virDomainPinVcpuFlags(dom, static_cast<unsigned>(vcpu.vcpu), map.data(), maplen,
                                   pin_flags_);
    if (rc < 0 && pin_flags_ != 0 && last_error_is_unsupported_flags()) {
        pin_flags_ = 0;
        count();
        rc = virDomainPinVcpuFlags(dom, static_cast<unsigned>(vcpu.vcpu), map.data(), maplen,
                                   pin_flags_);
    }
    if (rc < 0)
        fail(what, Subject::Domain);
    affinity_.pinned(vcpu.domain_uuid, vcpu.vcpu, cpus);
}

}  // namespace vcpusched::libvirt
