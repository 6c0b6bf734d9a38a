#include "audit/syslog_sink.h"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace govcloud {
namespace {

// PARAM-VALUE escaping (RFC 5424 §6.3.3): '"', '\' and ']' are escaped.
std::string sd_escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string format_syslog(const SyslogMessage& m, const std::string& host, int pid) {
  std::string out = "<" + std::to_string(m.facility * 8 + m.severity) + ">1 " +
                    format_iso8601(m.at) + " " + (host.empty() ? "-" : host) + " govcloud " +
                    std::to_string(pid) + " " + (m.msgid.empty() ? "-" : m.msgid) + " ";
  if (m.params.empty()) {
    out += "-";
  } else {
    out += "[govcloud@32473";
    for (const auto& [k, v] : m.params) out += " " + k + "=\"" + sd_escape(v) + "\"";
    out += "]";
  }
  if (!m.text.empty()) out += " " + m.text;
  return out;
}

Status send_syslog_udp(const std::string& target, const SyslogMessage& m) {
  auto colon = target.rfind(':');
  if (colon == std::string::npos)
    return invalid("audit_syslog", "audit_syslog must be host:port, got '" + target + "'");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string datagram = format_syslog(m, host, static_cast<int>(::getpid()));
  try {
    boost::asio::io_context io;
    boost::asio::ip::udp::resolver resolver(io);
    auto endpoints = resolver.resolve(boost::asio::ip::udp::v4(), target.substr(0, colon),
                                      target.substr(colon + 1));
    boost::asio::ip::udp::socket socket(io, boost::asio::ip::udp::v4());
    socket.send_to(boost::asio::buffer(datagram), *endpoints.begin());
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, "cannot send to " + target + ": " + e.what(), {}};
  }
  return ok_status();
}

}  // namespace govcloud
