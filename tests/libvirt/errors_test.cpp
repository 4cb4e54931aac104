// Classification of libvirt error codes into domain gone / connection lost / other.
#include <gtest/gtest.h>

#include "vcpusched/libvirt/errors.hpp"

namespace vcpusched::libvirt {
namespace {

TEST(LibvirtErrors, NoDomainAndOperationInvalidOnADomainMeanGone) {
    EXPECT_EQ(classify(VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU, Subject::Domain, true),
              HypervisorErrorKind::DomainGone);
    EXPECT_EQ(classify(VIR_ERR_OPERATION_INVALID, VIR_FROM_QEMU, Subject::Domain, true),
              HypervisorErrorKind::DomainGone);
}

TEST(LibvirtErrors, OperationInvalidOnTheConnectionIsOther) {
    EXPECT_EQ(classify(VIR_ERR_OPERATION_INVALID, VIR_FROM_QEMU, Subject::Connection, true),
              HypervisorErrorKind::Other);
}

TEST(LibvirtErrors, RpcAndDeadConnectionsMeanLost) {
    EXPECT_EQ(classify(VIR_ERR_SYSTEM_ERROR, VIR_FROM_RPC, Subject::Domain, true),
              HypervisorErrorKind::ConnectionLost);
    EXPECT_EQ(classify(VIR_ERR_INVALID_CONN, VIR_FROM_NONE, Subject::Connection, true),
              HypervisorErrorKind::ConnectionLost);
    EXPECT_EQ(classify(VIR_ERR_NO_DOMAIN, VIR_FROM_QEMU, Subject::Domain, false),
              HypervisorErrorKind::ConnectionLost)
        << "a dead connection explains everything";
}

TEST(LibvirtErrors, TheRestIsOther) {
    EXPECT_EQ(classify(VIR_ERR_INVALID_ARG, VIR_FROM_QEMU, Subject::Domain, true),
              HypervisorErrorKind::Other);
}

TEST(LibvirtErrors, LastErrorQuotesWhatAndLibvirtsMessage) {
    silence_libvirt();
    virConnectPtr none = virConnectOpen("nosuchdriver:///x");
    ASSERT_EQ(none, nullptr);
    HypervisorError e = last_error("connect to 'nosuchdriver:///x'", nullptr, Subject::Connection);
    std::string what = e.what();
    EXPECT_EQ(what.rfind("connect to 'nosuchdriver:///x': ", 0), 0u) << what;
    EXPECT_GT(what.size(), std::string("connect to 'nosuchdriver:///x': ").size()) << what;
    EXPECT_EQ(virGetLastError(), nullptr) << "reset after reading";
}

}  // namespace
}  // namespace vcpusched::libvirt
