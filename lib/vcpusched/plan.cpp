// MoveHistory: the cooldown bookkeeping of plan.hpp.
#include "vcpusched/plan.hpp"

namespace vcpusched {

bool MoveHistory::cooling(const VcpuRef& v, int cooldown) const {
    auto it = last_moved.find({v.domain_uuid, v.vcpu});
    return it != last_moved.end() && cooldown > 0 &&
           cycle - it->second < static_cast<std::uint64_t>(cooldown);
}

}  // namespace vcpusched
