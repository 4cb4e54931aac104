// The systemd journal behind an interface, so that tests can read what would be sent.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vcpusched::daemon {

inline constexpr const char* kSyslogIdentifier = "vcpu-scheduler";

// A structured field, e.g. {"VCPU_DOMAIN", "web01"}; names are upper case as journald wants.
using JournalField = std::pair<std::string, std::string>;

struct JournalEntry {
    int priority = 6;  // syslog priority: 3 err, 4 warning, 6 info, 7 debug
    std::string message;
    std::vector<JournalField> fields;
};

class Journal {
  public:
    virtual ~Journal() = default;
    virtual void send(const JournalEntry& entry) = 0;
};

// sd_journal_sendv with MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and the entry's fields.
class SystemdJournal : public Journal {
  public:
    void send(const JournalEntry& entry) override;
};

}  // namespace vcpusched::daemon
