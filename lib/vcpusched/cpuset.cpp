// CpuSet: a bitmap of pCPU ids and the cpulist grammar (list of N or N-M, comma separated).
#include "vcpusched/cpuset.hpp"

#include <bit>
#include <charconv>

#include "vcpusched/error.hpp"

namespace vcpusched {

namespace {

[[noreturn]] void parse_error(std::string_view text, std::size_t pos, std::string_view why) {
    throw Error("bad cpulist \"" + std::string(text) + "\" at position " + std::to_string(pos) +
                ": " + std::string(why));
}

void check_cpu(int cpu) {
    if (cpu < 0 || cpu > CpuSet::kMaxCpu) {
        throw Error("cpu id " + std::to_string(cpu) + " out of range 0-" +
                    std::to_string(CpuSet::kMaxCpu));
    }
}

}  // namespace

CpuSet::CpuSet(std::initializer_list<int> cpus) {
    for (int cpu : cpus)
        add(cpu);
}

CpuSet CpuSet::range(int first, int last) {
    CpuSet set;
    for (int cpu = first; cpu <= last; ++cpu)
        set.add(cpu);
    return set;
}

CpuSet CpuSet::parse(std::string_view text) {
    CpuSet set;
    std::size_t pos = 0;
    auto skip_spaces = [&] {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n'))
            ++pos;
    };
    auto number = [&]() -> int {
        skip_spaces();
        if (pos == text.size() || text[pos] < '0' || text[pos] > '9')
            parse_error(text, pos, "expected a CPU number");
        int value = 0;
        const char* begin = text.data() + pos;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(begin, end, value);
        if (ptr == begin)
            parse_error(text, pos, "expected a CPU number");
        if (ec == std::errc::result_out_of_range || value > kMaxCpu)
            parse_error(text, pos, "CPU number above " + std::to_string(kMaxCpu));
        pos += static_cast<std::size_t>(ptr - begin);
        return value;
    };
    skip_spaces();
    if (pos == text.size())
        return set;  // "" is the empty set
    while (true) {
        std::size_t item_pos = pos;
        int first = number();
        int last = first;
        skip_spaces();
        if (pos < text.size() && text[pos] == '-') {
            ++pos;
            last = number();
            if (last < first)
                parse_error(text, item_pos, "range end below its start");
            skip_spaces();
        }
        for (int cpu = first; cpu <= last; ++cpu)
            set.add(cpu);
        if (pos == text.size())
            break;
        if (text[pos] != ',')
            parse_error(text, pos, "expected ',' or '-'");
        ++pos;
    }
    return set;
}

void CpuSet::add(int cpu) {
    check_cpu(cpu);
    std::size_t word = static_cast<std::size_t>(cpu) / 64;
    if (words_.size() <= word)
        words_.resize(word + 1, 0);
    words_[word] |= std::uint64_t{1} << (cpu % 64);
}

void CpuSet::remove(int cpu) {
    if (cpu < 0)
        return;
    std::size_t word = static_cast<std::size_t>(cpu) / 64;
    if (word >= words_.size())
        return;
    words_[word] &= ~(std::uint64_t{1} << (cpu % 64));
    trim();
}

bool CpuSet::contains(int cpu) const {
    if (cpu < 0)
        return false;
    std::size_t word = static_cast<std::size_t>(cpu) / 64;
    return word < words_.size() && ((words_[word] >> (cpu % 64)) & 1U);
}

std::size_t CpuSet::count() const {
    std::size_t n = 0;
    for (auto w : words_)
        n += static_cast<std::size_t>(std::popcount(w));
    return n;
}

int CpuSet::first() const {
    for (std::size_t i = 0; i < words_.size(); ++i)
        if (words_[i])
            return static_cast<int>(i * 64) + std::countr_zero(words_[i]);
    return -1;
}

int CpuSet::last() const {
    if (words_.empty())
        return -1;
    std::size_t i = words_.size() - 1;
    return static_cast<int>(i * 64) + 63 - std::countl_zero(words_[i]);
}

std::vector<int> CpuSet::cpus() const {
    std::vector<int> out;
    out.reserve(count());
    for (std::size_t i = 0; i < words_.size(); ++i) {
        std::uint64_t w = words_[i];
        while (w) {
            out.push_back(static_cast<int>(i * 64) + std::countr_zero(w));
            w &= w - 1;
        }
    }
    return out;
}

std::string CpuSet::format() const {
    std::string out;
    auto ids = cpus();
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1)
            ++j;
        if (!out.empty())
            out += ',';
        out += std::to_string(ids[i]);
        if (j > i)
            out += '-' + std::to_string(ids[j]);
        i = j + 1;
    }
    return out;
}

CpuSet CpuSet::operator&(const CpuSet& other) const {
    CpuSet out;
    out.words_.resize(std::min(words_.size(), other.words_.size()));
    for (std::size_t i = 0; i < out.words_.size(); ++i)
        out.words_[i] = words_[i] & other.words_[i];
    out.trim();
    return out;
}

CpuSet CpuSet::operator|(const CpuSet& other) const {
    CpuSet out = words_.size() >= other.words_.size() ? *this : other;
    const CpuSet& small = words_.size() >= other.words_.size() ? other : *this;
    for (std::size_t i = 0; i < small.words_.size(); ++i)
        out.words_[i] |= small.words_[i];
    return out;
}

CpuSet CpuSet::operator-(const CpuSet& other) const {
    CpuSet out = *this;
    for (std::size_t i = 0; i < std::min(out.words_.size(), other.words_.size()); ++i)
        out.words_[i] &= ~other.words_[i];
    out.trim();
    return out;
}

void CpuSet::trim() {
    while (!words_.empty() && words_.back() == 0)
        words_.pop_back();
}

}  // namespace vcpusched
