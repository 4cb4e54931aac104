// The floors' libvirt client: the least a program does to balance vCPUs, once.
#include "floor_client.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "vcpusched/libvirt/handles.hpp"

namespace vcpusched::bench {

namespace {

void quiet(void*, virErrorPtr) {}

}  // namespace

int run_floor_client(const char* program, const char* uri) {
    using namespace vcpusched::libvirt;
    virSetErrorFunc(nullptr, quiet);
    Connection conn(virConnectOpen(uri));
    virNodeInfo info{};
    if (!conn || virNodeGetInfo(conn.get(), &info) < 0) {
        std::fprintf(stderr, "%s: cannot connect to %s\n", program, uri);
        return 1;
    }
    virDomainPtr* raw = nullptr;
    const int n = virConnectListAllDomains(conn.get(), &raw, VIR_CONNECT_LIST_DOMAINS_RUNNING);
    std::vector<Domain> domains;
    for (int i = 0; i < n; ++i)
        domains.emplace_back(raw[i]);
    std::free(raw);
    const int maplen = VIR_CPU_MAPLEN(static_cast<int>(VIR_NODEINFO_MAXCPUS(info)));
    int vcpus = 0;
    for (const auto& dom : domains) {
        std::vector<virVcpuInfo> vcpu(64);
        std::vector<unsigned char> maps(vcpu.size() * static_cast<std::size_t>(maplen));
        const int got = virDomainGetVcpus(dom.get(), vcpu.data(), static_cast<int>(vcpu.size()),
                                          maps.data(), maplen);
        vcpus += got > 0 ? got : 0;
    }
    std::printf("%d domains, %d vCPUs\nready\n", n, vcpus);
    std::fflush(stdout);
    pause();  // until the measurement ends it with SIGTERM
    return 0;
}

}  // namespace vcpusched::bench
