// pCPU id → position in a per-pCPU vector, in O(1) (ids are small but may have holes).
#pragma once

#include <cstddef>
#include <vector>

namespace vcpusched {

class PcpuIndex {
  public:
    PcpuIndex() = default;
    explicit PcpuIndex(const std::vector<int>& ids) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            auto id = static_cast<std::size_t>(ids[i]);
            if (slots_.size() <= id)
                slots_.resize(id + 1, -1);
            slots_[id] = static_cast<int>(i);
        }
    }
    // -1 when the id has no slot.
    int operator()(int id) const {
        return id >= 0 && static_cast<std::size_t>(id) < slots_.size()
                   ? slots_[static_cast<std::size_t>(id)]
                   : -1;
    }

  private:
    std::vector<int> slots_;
};

}  // namespace vcpusched
