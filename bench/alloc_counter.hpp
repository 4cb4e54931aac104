// Counts heap bytes in use and their peak, by replacing global operator new/delete.
#pragma once

#include <cstddef>

namespace vcpusched::bench {

std::size_t heap_in_use();
std::size_t heap_peak();
// Starts a new peak from what is in use now.
void reset_heap_peak();

}  // namespace vcpusched::bench
