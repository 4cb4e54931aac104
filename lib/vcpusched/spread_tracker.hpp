// Spread of a set of loads kept as running sums, so that a candidate move is priced in O(1).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace vcpusched {

class SpreadTracker {
  public:
    void add(double load) {
        ++n_;
        sum_ += load;
        squares_ += load * load;
    }
    // One load changes from `from` to `to`.
    void change(double from, double to) {
        sum_ += to - from;
        squares_ += to * to - from * from;
    }
    double spread() const { return points(sum_, squares_); }
    // The spread if up to two loads changed (pass equal values for an unchanged one).
    double spread_if(double a_from, double a_to, double b_from, double b_to) const {
        return points(sum_ + a_to - a_from + b_to - b_from,
                      squares_ + a_to * a_to - a_from * a_from + b_to * b_to - b_from * b_from);
    }
    std::size_t size() const { return n_; }

  private:
    double points(double sum, double squares) const {
        if (n_ == 0)
            return 0;
        double n = static_cast<double>(n_);
        double mean = sum / n;
        return std::sqrt(std::max(0.0, squares / n - mean * mean)) * 100.0;
    }
    std::size_t n_ = 0;
    double sum_ = 0;
    double squares_ = 0;
};

}  // namespace vcpusched
