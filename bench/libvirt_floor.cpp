// vcpusched-libvirt-floor URI: the least a libvirt client does to balance vCPUs (connect, read
// every running domain's vCPUs and pins once), then waits to be measured. Its resident memory is
// the floor under the daemon's: what linking libvirt and holding one connection costs.
#include <cstdio>

#include "floor_client.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: vcpusched-libvirt-floor URI\n");
        return 2;
    }
    return vcpusched::bench::run_floor_client("vcpusched-libvirt-floor", argv[1]);
}
