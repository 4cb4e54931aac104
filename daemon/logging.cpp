// Logger: level filter, repeat filter, then the journal or spdlog's stderr sink.
#include "logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace vcpusched::daemon {

namespace {

spdlog::level::level_enum spdlog_level(LogLevel level) {
    switch (level) {
        case LogLevel::Trace:
            return spdlog::level::trace;
        case LogLevel::Debug:
            return spdlog::level::debug;
        case LogLevel::Info:
            return spdlog::level::info;
        case LogLevel::Warn:
            return spdlog::level::warn;
        case LogLevel::Error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

// A persistent fault (libvirt down, a pin that keeps failing) repeats every cycle.
constexpr std::chrono::minutes kRepeatWindow{5};

}  // namespace

int journal_priority(LogLevel level) {
    switch (level) {
        case LogLevel::Trace:
        case LogLevel::Debug:
            return 7;
        case LogLevel::Info:
            return 6;
        case LogLevel::Warn:
            return 4;
        case LogLevel::Error:
            return 3;
    }
    return 6;
}

bool logs_to_journal(LogTarget target, const char* journal_stream_env) {
    switch (target) {
        case LogTarget::Journal:
            return true;
        case LogTarget::Stderr:
            return false;
        case LogTarget::Auto:
            return journal_stream_env != nullptr && *journal_stream_env != '\0';
    }
    return false;
}

Logger::Logger(LogLevel level, Journal* journal, Clock& clock, spdlog::sink_ptr text_sink)
    : level_(level), journal_(journal), clock_(clock), repeats_(kRepeatWindow) {
    if (!text_sink)
        text_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    text_ = std::make_shared<spdlog::logger>("vcpu-scheduler", std::move(text_sink));
    text_->set_pattern("%Y-%m-%d %H:%M:%S.%e %l: %v");
    text_->set_level(spdlog::level::trace);  // filtered here, before the repeat filter
    text_->flush_on(spdlog::level::trace);
}

void Logger::write(LogLevel level, std::string_view message) {
    write(level, message, {});
}

void Logger::write(LogLevel level, std::string_view message,
                   const std::vector<JournalField>& fields) {
    std::lock_guard lock(mutex_);
    if (level < level_)
        return;
    std::string text(message);
    if (level >= LogLevel::Warn) {
        auto admitted = repeats_.admit(text, clock_.now());
        if (!admitted)
            return;
        text = std::move(*admitted);
    }
    if (journal_) {
        journal_->send(JournalEntry{journal_priority(level), std::move(text), fields});
        return;
    }
    text_->log(spdlog_level(level), "{}", text);
}

void Logger::set_level(LogLevel level) {
    std::lock_guard lock(mutex_);
    level_ = level;
}

bool Logger::enabled(LogLevel level) const {
    std::lock_guard lock(mutex_);
    return level >= level_;
}

LogLevel Logger::level() const {
    std::lock_guard lock(mutex_);
    return level_;
}

}  // namespace vcpusched::daemon
