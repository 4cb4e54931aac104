// The daemon's log: spdlog on stderr with timestamps, or the journal with structured fields.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include "journal.hpp"
#include "log_options.hpp"
#include "repeat_filter.hpp"
#include "vcpusched/clock.hpp"
#include "vcpusched/log.hpp"

namespace vcpusched::daemon {

class Logger : public Log {
  public:
    // Writes to `journal` when it is not null, else through `text_sink` (stderr by default).
    // The clock paces the rate limit of repeated warnings and errors.
    Logger(LogLevel level, Journal* journal, Clock& clock, spdlog::sink_ptr text_sink = nullptr);

    void write(LogLevel level, std::string_view message) override;
    // As write(); the fields go to the journal only (stderr shows the message alone).
    void write(LogLevel level, std::string_view message, const std::vector<JournalField>& fields);

    bool enabled(LogLevel level) const override;

    void set_level(LogLevel level);
    LogLevel level() const;

  private:
    mutable std::mutex mutex_;
    LogLevel level_;
    Journal* journal_;
    Clock& clock_;
    std::shared_ptr<spdlog::logger> text_;
    RepeatFilter repeats_;
};

// Where logs go: the journal for LogTarget::Journal, and for Auto when systemd connected our
// stderr to the journal (JOURNAL_STREAM is set).
bool logs_to_journal(LogTarget target, const char* journal_stream_env);

// syslog priority of a level.
int journal_priority(LogLevel level);

}  // namespace vcpusched::daemon
