// Error mapping for libvirt calls: the codes that mean "domain gone" or "connection lost".
#include "vcpusched/libvirt/errors.hpp"

#include <mutex>

namespace vcpusched::libvirt {

namespace {

void ignore_error(void*, virErrorPtr) {}

bool is_connection_code(int code) {
    switch (code) {
        case VIR_ERR_NO_CONNECT:
        case VIR_ERR_INVALID_CONN:
        case VIR_ERR_RPC:
        case VIR_ERR_AUTH_FAILED:
        case VIR_ERR_AUTH_CANCELLED:
        case VIR_ERR_AUTH_UNAVAILABLE:
            return true;
        default:
            return false;
    }
}

// The request itself is refused: asking again gets the same answer.
bool is_refusal_code(int code) {
    switch (code) {
        case VIR_ERR_INVALID_ARG:
        case VIR_ERR_OPERATION_UNSUPPORTED:
        case VIR_ERR_ARGUMENT_UNSUPPORTED:
        case VIR_ERR_CONFIG_UNSUPPORTED:
        case VIR_ERR_OPERATION_DENIED:
        case VIR_ERR_NO_SUPPORT:
            return true;
        default:
            return false;
    }
}

}  // namespace

void silence_libvirt() {
    static std::once_flag once;
    std::call_once(once, [] {
        virInitialize();
        virSetErrorFunc(nullptr, ignore_error);
    });
}

HypervisorErrorKind classify(int code, int domain, Subject subject, bool connection_alive) {
    if (!connection_alive || is_connection_code(code) || domain == VIR_FROM_RPC)
        return HypervisorErrorKind::ConnectionLost;
    // OPERATION_INVALID is what a domain that stopped answers ("domain is not running");
    // on a connection-level call it means something else.
    if (subject == Subject::Domain &&
        (code == VIR_ERR_NO_DOMAIN || code == VIR_ERR_OPERATION_INVALID))
        return HypervisorErrorKind::DomainGone;
    return HypervisorErrorKind::Other;
}

HypervisorError last_error(std::string_view what, virConnectPtr conn, Subject subject) {
    const virError* err = virGetLastError();
    int code = err ? err->code : VIR_ERR_INTERNAL_ERROR;
    int domain = err ? err->domain : VIR_FROM_NONE;
    std::string message(what);
    message += ": ";
    message += err && err->message ? err->message : "unknown libvirt error";
    // virConnectIsAlive answers from the client's state: no round trip.
    bool alive = conn == nullptr || virConnectIsAlive(conn) == 1;
    HypervisorErrorKind kind = classify(code, domain, subject, alive);
    virResetLastError();
    return HypervisorError(kind, message, is_refusal_code(code));
}

bool last_error_is_unsupported_flags() {
    const virError* err = virGetLastError();
    return err && err->code == VIR_ERR_INVALID_ARG && err->message &&
           std::string_view(err->message).find("unsupported flags") != std::string_view::npos;
}

}  // namespace vcpusched::libvirt
