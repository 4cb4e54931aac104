// What the floors do as a libvirt client: connect, read every running domain's vCPUs and pins
// once, say "ready", then wait to be measured.
#pragma once

namespace vcpusched::bench {

// Returns the exit status: 1 when it cannot connect; otherwise it waits for SIGTERM.
int run_floor_client(const char* program, const char* uri);

}  // namespace vcpusched::bench
