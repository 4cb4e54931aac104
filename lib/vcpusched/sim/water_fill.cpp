// Water-filling: serve the smallest wants first, each at most an even split of what is left.
#include "vcpusched/sim/water_fill.hpp"

#include <algorithm>
#include <numeric>

namespace vcpusched::sim {

std::vector<double> water_fill(const std::vector<double>& wants, double capacity) {
    std::vector<double> gets(wants.size(), 0.0);
    std::vector<std::size_t> order(wants.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return wants[a] < wants[b]; });
    double left = std::max(capacity, 0.0);
    std::size_t waiting = wants.size();
    for (std::size_t i : order) {
        double fair = left / static_cast<double>(waiting);
        double give = std::clamp(wants[i], 0.0, fair);
        gets[i] = give;
        left -= give;
        --waiting;
    }
    return gets;
}

}  // namespace vcpusched::sim
