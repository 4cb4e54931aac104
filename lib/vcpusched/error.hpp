// The one error type of the core: a message with context ("where: what: why").
#pragma once

#include <stdexcept>
#include <string>

namespace vcpusched {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// What a hypervisor failure means for the caller: a vanished domain is routine, a lost
// connection means reconnect, anything else is reported and retried next cycle.
enum class HypervisorErrorKind { DomainGone, ConnectionLost, Other };

class HypervisorError : public Error {
  public:
    HypervisorError(HypervisorErrorKind kind, const std::string& message, bool permanent = false)
        : Error(message), kind_(kind), permanent_(permanent) {}
    HypervisorErrorKind kind() const { return kind_; }
    // The hypervisor refused the request itself (invalid or unsupported argument): the same
    // call will fail again, so retrying it is pointless.
    bool permanent() const { return permanent_; }

  private:
    HypervisorErrorKind kind_;
    bool permanent_ = false;
};

}  // namespace vcpusched
