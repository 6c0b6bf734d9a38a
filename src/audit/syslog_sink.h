// RFC 5424 syslog messages over UDP (RFC 5426), for audit checkpoints and tamper alarms sent
// to a syslog receiver the database writer does not control.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace govcloud {

struct SyslogMessage {
  int facility = 13;  // log audit
  int severity = 6;
  TimeMs at = 0;
  std::string msgid;
  std::vector<std::pair<std::string, std::string>> params;  // one structured-data element
  std::string text;
};

// "<PRI>1 TIMESTAMP HOST govcloud PID MSGID [govcloud@32473 k="v" …] text"; 32473 is the
// enterprise number RFC 5612 sets aside for documentation, until the project has its own.
std::string format_syslog(const SyslogMessage& m, const std::string& host, int pid);
// target: "host:port". One datagram; failures are returned, never thrown.
Status send_syslog_udp(const std::string& target, const SyslogMessage& m);

}  // namespace govcloud
