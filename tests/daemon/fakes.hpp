// Fakes for the daemon's seams: time with scripted signals, a notifier and a journal that
// record, a balancer that replays scripted cycles.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "balancer.hpp"
#include "journal.hpp"
#include "notifier.hpp"
#include "signals.hpp"
#include "vcpusched/clock.hpp"
#include "vcpusched/error.hpp"

namespace vcpusched::daemon::fakes {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

// Time that only moves when the loop sleeps (or a fake cycle says it took a while); signals
// arrive at scripted times. After `end` it delivers SIGTERM so that every run terminates.
class FakeTime : public Clock, public SignalWaiter {
  public:
    nanoseconds now() override { return now_; }
    Wake wait_until(nanoseconds deadline) override {
        waits.push_back(deadline);
        if (!signals_.empty() && signals_.front().first <= std::max(deadline, now_)) {
            now_ = std::max(now_, signals_.front().first);
            Wake w = signals_.front().second;
            signals_.pop_front();
            return w;
        }
        if (deadline >= end) {
            now_ = std::max(now_, end);
            return Wake::Stop;
        }
        now_ = std::max(now_, deadline);
        return Wake::Deadline;
    }
    void advance(nanoseconds d) { now_ += d; }
    void signal_at(nanoseconds at, Wake w) { signals_.emplace_back(at, w); }

    nanoseconds end = 3600s;
    std::vector<nanoseconds> waits;

  private:
    nanoseconds now_ = 1000s;  // not zero: the loop must not assume it starts at zero
    std::deque<std::pair<nanoseconds, Wake>> signals_;
};

struct Notification {
    nanoseconds at;
    std::string state;
};

class RecordingNotifier : public Notifier {
  public:
    explicit RecordingNotifier(Clock& clock) : clock_(clock) {}
    void notify(const std::string& state) override { sent.push_back({clock_.now(), state}); }
    std::vector<std::string> states() const {
        std::vector<std::string> out;
        for (const auto& n : sent)
            out.push_back(n.state);
        return out;
    }
    std::vector<nanoseconds> times_of(const std::string& prefix) const {
        std::vector<nanoseconds> out;
        for (const auto& n : sent)
            if (n.state.rfind(prefix, 0) == 0)
                out.push_back(n.at);
        return out;
    }
    std::vector<Notification> sent;

  private:
    Clock& clock_;
};

class RecordingJournal : public Journal {
  public:
    void send(const JournalEntry& entry) override { entries.push_back(entry); }
    std::vector<std::string> messages() const {
        std::vector<std::string> out;
        for (const auto& e : entries)
            out.push_back(e.message);
        return out;
    }
    std::size_t count_containing(const std::string& text) const {
        std::size_t n = 0;
        for (const auto& e : entries)
            n += e.message.find(text) != std::string::npos ? 1 : 0;
        return n;
    }
    std::vector<JournalEntry> entries;
};

// Each connect() consumes one scripted outcome (true = up); none left = up. Each run()
// advances time by `cycle_time` and returns the next scripted report (or a default one);
// `lose_at_run` makes that run (0-based) throw ConnectionLost.
class FakeBalancer : public Balancer {
  public:
    explicit FakeBalancer(FakeTime& time) : time_(time) {}
    void connect(const std::string& uri) override {
        connect_uris.push_back(uri);
        connect_times.push_back(time_.now());
        bool up = connect_outcomes.empty() ? true : connect_outcomes.front();
        if (!connect_outcomes.empty())
            connect_outcomes.pop_front();
        if (!up)
            throw HypervisorError(HypervisorErrorKind::ConnectionLost,
                                  "Failed to connect socket: No such file or directory");
        connected_ = true;
    }
    void disconnect() override { connected_ = false; }
    bool connected() const override { return connected_; }
    CycleReport run() override {
        run_times.push_back(time_.now());
        const std::size_t index = run_times.size() - 1;
        time_.advance(cycle_time(index));
        if (lose_at_run && *lose_at_run == index) {
            connected_ = false;
            throw HypervisorError(HypervisorErrorKind::ConnectionLost,
                                  "End of file while reading data");
        }
        CycleReport report;
        report.baseline = index == 0;
        if (index < reports.size())
            report = reports[index];
        return report;
    }
    void set_options(const CycleOptions& options) override { this->options.push_back(options); }

    std::deque<bool> connect_outcomes;
    std::function<nanoseconds(std::size_t)> cycle_time = [](std::size_t) { return 10ms; };
    std::optional<std::size_t> lose_at_run;
    std::vector<CycleReport> reports;
    std::vector<std::string> connect_uris;
    std::vector<nanoseconds> connect_times;
    std::vector<nanoseconds> run_times;
    std::vector<CycleOptions> options;

  private:
    FakeTime& time_;
    bool connected_ = false;
};

}  // namespace vcpusched::daemon::fakes
