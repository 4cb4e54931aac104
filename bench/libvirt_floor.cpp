// vcpusched-libvirt-floor URI: the least a libvirt client does to balance vCPUs (connect, read
// every running domain's vCPUs and pins once), then waits to be measured. Its resident memory is
// the floor under the daemon's: what linking libvirt and holding one connection costs.
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "vcpusched/libvirt/handles.hpp"

namespace {

void quiet(void*, virErrorPtr) {}

}  // namespace

int main(int argc, char** argv) {
    using namespace vcpusched::libvirt;
    if (argc != 2) {
        std::fprintf(stderr, "usage: vcpusched-libvirt-floor URI\n");
        return 2;
    }
    virSetErrorFunc(nullptr, quiet);
    Connection conn(virConnectOpen(argv[1]));
    virNodeInfo info{};
    if (!conn || virNodeGetInfo(conn.get(), &info) < 0) {
        std::fprintf(stderr, "vcpusched-libvirt-floor: cannot connect to %s\n", argv[1]);
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
