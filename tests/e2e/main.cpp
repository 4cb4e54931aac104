// Entry point of the e2e tests: brings the testbed up first and, unless ctest manages it, down
// at the end (ctest runs each test in its own process between a set-up and a clean-up test).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "testbed.hpp"

namespace {

// Under ctest (VCPUSCHED_E2E_MANAGED set) the e2e_testbed_up/down fixture tests do this once
// for all the test processes; `up` and `down` must pair, as the testbed counts its users.
class TestbedEnvironment : public testing::Environment {
  public:
    void SetUp() override {
        if (geteuid() != 0 || managed()) {
            return;  // without root every test skips itself
        }
        if (e2e::testbed({"up"}) != 0) {
            FAIL() << "scripts/testbed up failed";
        }
    }
    void TearDown() override {
        if (geteuid() == 0 && !managed()) {
            e2e::testbed({"down"});
        }
    }

  private:
    static bool managed() {
        const char* value = std::getenv("VCPUSCHED_E2E_MANAGED");
        return value != nullptr && *value != '\0';
    }
};

}  // namespace

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    setenv("VCPUSCHED_GUEST_ELF", VCPUSCHED_GUEST_ELF, 0);      // the build's guest for testbed
    testing::AddGlobalTestEnvironment(new TestbedEnvironment);  // gtest owns it
    return RUN_ALL_TESTS();
}
