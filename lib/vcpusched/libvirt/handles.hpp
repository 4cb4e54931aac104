// RAII owners for libvirt handles, so that no error path can leak a connection or a domain.
#pragma once

#include <libvirt/libvirt.h>

#include <cstdlib>
#include <memory>
#include <type_traits>

#include "vcpusched/libvirt/errors.hpp"

namespace vcpusched::libvirt {

struct ConnectCloser {
    void operator()(virConnectPtr conn) const { virConnectClose(conn); }
};
struct DomainFreer {
    void operator()(virDomainPtr dom) const { virDomainFree(dom); }
};
struct StatsRecordsFreer {
    void operator()(virDomainStatsRecordPtr* records) const {
        virDomainStatsRecordListFree(records);
    }
};
struct LibvirtFreer {
    void operator()(char* memory) const { std::free(memory); }
};

using Connection = std::unique_ptr<std::remove_pointer_t<virConnectPtr>, ConnectCloser>;
using Domain = std::unique_ptr<std::remove_pointer_t<virDomainPtr>, DomainFreer>;
// The NULL-terminated array virConnectGetAllDomainStats returns.
using StatsRecords = std::unique_ptr<virDomainStatsRecordPtr[], StatsRecordsFreer>;
// A string libvirt allocated (capabilities XML, …); libvirt documents free() for these.
using LibvirtString = std::unique_ptr<char, LibvirtFreer>;

// A typed-parameter array built with virTypedParamsAdd* (tests build hostile stats this way).
class TypedParams {
  public:
    // libvirt's per-thread error state must exist before virTypedParamsAdd* touches it.
    TypedParams() { silence_libvirt(); }
    TypedParams(const TypedParams&) = delete;
    TypedParams& operator=(const TypedParams&) = delete;
    ~TypedParams() { virTypedParamsFree(params_, count_); }

    virTypedParameterPtr data() const { return params_; }
    int size() const { return count_; }
    // The out-parameters virTypedParamsAdd* expect.
    virTypedParameterPtr* params_out() { return &params_; }
    int* count_out() { return &count_; }
    int* capacity_out() { return &capacity_; }

  private:
    virTypedParameterPtr params_ = nullptr;
    int count_ = 0;
    int capacity_ = 0;
};

// A new reference to a domain handle that someone else owns (a stats record, an event).
inline Domain share(virDomainPtr dom) {
    virDomainRef(dom);
    return Domain(dom);
}

}  // namespace vcpusched::libvirt
