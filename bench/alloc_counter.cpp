// Global operator new/delete that keep a size header, so peak heap use is exact and portable
// (getrusage's maxrss only ever grows, so it cannot tell one benchmark case from the next).
#include "alloc_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> in_use{0};
std::atomic<std::size_t> peak{0};
constexpr std::size_t kHeader = alignof(std::max_align_t);

void* counted_alloc(std::size_t n) {
    void* raw = std::malloc(n + kHeader);
    if (!raw)
        throw std::bad_alloc();
    *static_cast<std::size_t*>(raw) = n;
    std::size_t now = in_use.fetch_add(n, std::memory_order_relaxed) + n;
    std::size_t seen = peak.load(std::memory_order_relaxed);
    while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
    return static_cast<char*>(raw) + kHeader;
}

void counted_free(void* p) noexcept {
    if (!p)
        return;
    void* raw = static_cast<char*>(p) - kHeader;
    in_use.fetch_sub(*static_cast<std::size_t*>(raw), std::memory_order_relaxed);
    std::free(raw);
}

}  // namespace

void* operator new(std::size_t n) {
    return counted_alloc(n);
}
void* operator new[](std::size_t n) {
    return counted_alloc(n);
}
void operator delete(void* p) noexcept {
    counted_free(p);
}
void operator delete[](void* p) noexcept {
    counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    counted_free(p);
}

namespace vcpusched::bench {

std::size_t heap_in_use() {
    return in_use.load();
}
std::size_t heap_peak() {
    return peak.load();
}
void reset_heap_peak() {
    peak.store(in_use.load());
}

}  // namespace vcpusched::bench
