// A set of physical CPU ids, with the kernel/libvirt cpulist text form ("0-3,8,10-11").
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace vcpusched {

class CpuSet {
  public:
    // CPU ids above this are rejected: no host has them, and a hostile "0-4000000000" must not
    // allocate gigabytes.
    static constexpr int kMaxCpu = 65535;

    CpuSet() = default;
    CpuSet(std::initializer_list<int> cpus);

    // Parses a cpulist; throws Error quoting the text and the 0-based position of the fault.
    static CpuSet parse(std::string_view text);
    // [first, last], both included.
    static CpuSet range(int first, int last);

    void add(int cpu);
    void remove(int cpu);
    bool contains(int cpu) const;
    std::size_t count() const;
    bool empty() const { return words_.empty(); }
    // Smallest / largest member, or -1 when empty.
    int first() const;
    int last() const;
    std::vector<int> cpus() const;

    std::string format() const;

    CpuSet operator&(const CpuSet& other) const;
    CpuSet operator|(const CpuSet& other) const;
    CpuSet operator-(const CpuSet& other) const;
    bool operator==(const CpuSet& other) const = default;

  private:
    void trim();
    std::vector<std::uint64_t> words_;  // bitmap, no trailing zero words (so == is exact)
};

}  // namespace vcpusched
