// RepeatFilter: a per-message window, forgetting messages that have gone quiet.
#include "repeat_filter.hpp"

namespace vcpusched::daemon {

std::optional<std::string> RepeatFilter::admit(const std::string& message,
                                               std::chrono::nanoseconds now) {
    // Forget messages logged two windows ago, so the map stays as small as the set of faults
    // that are currently recurring (a count held back for that long is not worth keeping).
    for (auto it = seen_.begin(); it != seen_.end();) {
        if (it->first != message && now - it->second.logged_at >= 2 * window_)
            it = seen_.erase(it);
        else
            ++it;
    }
    auto it = seen_.find(message);
    if (it == seen_.end()) {
        seen_.emplace(message, Seen{now, 0});
        return message;
    }
    if (now - it->second.logged_at < window_) {
        ++it->second.suppressed;
        return std::nullopt;
    }
    std::string text = message;
    if (it->second.suppressed > 0)
        text += " (repeated " + std::to_string(it->second.suppressed) + " more times)";
    it->second = Seen{now, 0};
    return text;
}

}  // namespace vcpusched::daemon
