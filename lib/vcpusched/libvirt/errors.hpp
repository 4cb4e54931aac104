// Turns libvirt's last error into a HypervisorError of the right kind, and keeps libvirt quiet.
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <string>
#include <string_view>

#include "vcpusched/error.hpp"

namespace vcpusched::libvirt {

// Installs a no-op error handler so libvirt prints nothing to stderr (we report errors
// ourselves) and initialises libvirt for use from several threads. Idempotent.
void silence_libvirt();

// What a failed call was about: only a call about a domain can mean that domain is gone.
enum class Subject { Connection, Domain };

// Classifies an error: a vanished/stopped domain (only when a domain was the subject),
// a lost connection, or anything else.
HypervisorErrorKind classify(int code, int domain, Subject subject, bool connection_alive);

// Builds the error for a failed call from virGetLastError(): "<what>: <libvirt message>".
// conn (may be null) is asked whether it is still alive. Resets libvirt's last error.
HypervisorError last_error(std::string_view what, virConnectPtr conn, Subject subject);

// Whether the last error is a driver rejecting the flags it was given (the test driver's
// virDomainPinVcpuFlags accepts only 0).
bool last_error_is_unsupported_flags();

}  // namespace vcpusched::libvirt
