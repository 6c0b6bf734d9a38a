#include "audit/checkpoints.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "audit/syslog_sink.h"
#include "common/digest.h"

namespace govcloud {
namespace json = boost::json;
namespace {

Bytes checkpoint_key(const AuditKey& key) {
  static const std::string kLabel = "govcloud audit checkpoint v1";
  return hmac("SM3", key.key, Bytes(kLabel.begin(), kLabel.end()));
}

std::optional<Checkpoint> parse_checkpoint(const std::string& line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  auto i64 = [&](const char* k) -> std::optional<std::int64_t> {
    const auto* f = o.if_contains(k);
    if (f == nullptr || !f->is_int64()) return std::nullopt;
    return f->as_int64();
  };
  auto str = [&](const char* k) -> std::optional<std::string> {
    const auto* f = o.if_contains(k);
    if (f == nullptr || !f->is_string()) return std::nullopt;
    return std::string(f->as_string());
  };
  auto seq = i64("seq"), anchor_seq = i64("anchor_seq"), keyed = i64("keyed_from"),
       at = i64("at_ms");
  auto head = str("head"), anchor_hash = str("anchor_hash"), prev = str("prev"), mac = str("mac");
  if (!seq || !anchor_seq || !keyed || !at || !head || !anchor_hash || !prev || !mac)
    return std::nullopt;
  return Checkpoint{*seq, *head, AuditHead{*anchor_seq, *anchor_hash}, *keyed, *at, *prev, *mac};
}

// The last complete line of the file, read from its tail only: the file grows for years.
std::string last_line(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return {};
  off_t want = std::min<off_t>(st.st_size, 16384);
  std::string buf(static_cast<std::size_t>(want), '\0');
  ssize_t n = ::pread(fd, buf.data(), buf.size(), st.st_size - want);
  if (n <= 0) return {};
  buf.resize(static_cast<std::size_t>(n));
  while (!buf.empty() && buf.back() == '\n') buf.pop_back();
  auto nl = buf.rfind('\n');
  return nl == std::string::npos ? buf : buf.substr(nl + 1);
}

}  // namespace

std::string checkpoint_mac(const AuditKey& key, const Checkpoint& c) {
  std::string text = "v1|" + std::to_string(c.seq) + "|" + c.head + "|" +
                     std::to_string(c.anchor.seq) + "|" + c.anchor.hash + "|" +
                     std::to_string(c.keyed_from) + "|" + std::to_string(c.at) + "|" + c.prev_mac;
  return to_hex(hmac("SM3", checkpoint_key(key), Bytes(text.begin(), text.end())));
}

std::string checkpoint_line(const Checkpoint& c) {
  return json::serialize(json::object{{"seq", c.seq},
                                      {"head", c.head},
                                      {"anchor_seq", c.anchor.seq},
                                      {"anchor_hash", c.anchor.hash},
                                      {"keyed_from", c.keyed_from},
                                      {"at", format_iso8601(c.at)},
                                      {"at_ms", c.at},
                                      {"prev", c.prev_mac},
                                      {"mac", c.mac}});
}

CheckpointLog read_checkpoints(const std::string& path, const AuditKey& key) {
  CheckpointLog log;
  std::ifstream in(path);
  if (!in) return log;
  log.found = true;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    auto where = path + " line " + std::to_string(number);
    auto c = parse_checkpoint(line);
    if (!c) {
      log.problem = where + " is not a checkpoint";
      return log;
    }
    if (!constant_time_equal(checkpoint_mac(key, *c), c->mac)) {
      log.problem = where + " has a bad signature (forged or edited)";
      return log;
    }
    if (!log.entries.empty()) {
      const auto& prev = log.entries.back();
      if (c->prev_mac != prev.mac) {
        log.problem = where + " does not follow the checkpoint before it (one was removed)";
        return log;
      }
      if (c->seq < prev.seq || c->anchor.seq < prev.anchor.seq) {
        log.problem = where + " goes back from record " + std::to_string(prev.seq) + " to " +
                      std::to_string(c->seq) + " (the trail was truncated while it was written)";
        return log;
      }
    } else if (!c->prev_mac.empty()) {
      log.problem = where + ": the checkpoints before it were removed";
      return log;
    }
    log.entries.push_back(std::move(*c));
  }
  return log;
}

AuditCheckpointer::AuditCheckpointer(Store& store, const Clock& clock, CheckpointOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

AuditCheckpointer::~AuditCheckpointer() {
  if (started_) store_.set_audit_listener(nullptr);
}

Status AuditCheckpointer::start() {
  {
    std::lock_guard lock(mu_);
    GC_ASSIGN_OR_RETURN(auto head, store_.read([&](Tx& tx) -> Result<AuditHead> {
      return tx.stored_audit_head();
    }));
    auto st = write_locked(head, std::nullopt);
    if (!st.ok() && !broken_) return st;
    started_ = true;
  }
  store_.set_audit_listener([this](const AuditCommit& c) { on_commit(c); });
  return ok_status();
}

void AuditCheckpointer::on_commit(const AuditCommit& commit) {
  std::lock_guard lock(mu_);
  pending_ = commit.head;
  bool due = commit.anchor.has_value() || clock_.now() - written_at_ >= options_.interval_ms;
  if (due) (void)write_locked(commit.head, commit.anchor);
}

void AuditCheckpointer::tick() {
  std::lock_guard lock(mu_);
  if (pending_ && pending_->seq != written_seq_ &&
      clock_.now() - written_at_ >= options_.interval_ms)
    (void)write_locked(*pending_, std::nullopt);
}

Status AuditCheckpointer::flush() {
  std::lock_guard lock(mu_);
  if (pending_ && pending_->seq != written_seq_) return write_locked(*pending_, std::nullopt);
  return ok_status();
}

// Checks, before vouching for `head`, that the records since the last checkpoint continue it:
// a checkpoint must never bless a trail that was cut back or rewritten while we were not looking.
Status AuditCheckpointer::continuity(const Checkpoint& last, const AuditHead& head) {
  if (head.seq < last.seq)
    return Error{ErrorCode::kConflict,
                 "the audit trail ends at record " + std::to_string(head.seq) +
                     " but the checkpoint of " + format_iso8601(last.at) + " vouches for " +
                     std::to_string(last.seq),
                 {}};
  const AuditKey& key = store_.audit_key();
  return store_.read([&](Tx& tx) -> Status {
    std::int64_t from = std::max(last.seq, last.anchor.seq);
    std::string prev = last.seq > last.anchor.seq ? last.head : last.anchor.hash;
    std::int64_t expect = from + 1;
    std::string problem;
    tx.scan_audit(from, [&](const AuditRecord& r) {
      if (r.seq > head.seq) return false;
      if (r.seq != expect || r.prev_hash != prev || audit_chain_hash(key, prev, r) != r.hash) {
        problem = "record " + std::to_string(expect) + " does not continue the checkpoint of " +
                  format_iso8601(last.at);
        return false;
      }
      prev = r.hash;
      ++expect;
      return true;
    });
    if (problem.empty() && expect != head.seq + 1)
      problem =
          "records " + std::to_string(expect) + ".." + std::to_string(head.seq) + " are missing";
    if (!problem.empty()) return Error{ErrorCode::kConflict, problem, {}};
    return ok_status();
  });
}

Status AuditCheckpointer::write_locked(const AuditHead& head, std::optional<AuditHead> new_anchor) {
  if (broken_) return Error{ErrorCode::kConflict, "the audit trail failed its last check", {}};
  int fd = ::open(options_.file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error{ErrorCode::kInternal,
                 "cannot open audit checkpoint file " + options_.file + ": " + std::strerror(errno),
                 {}};
  // Another govcloud process (recover-admin) may write too: one writer at a time, and the link
  // to the previous checkpoint is read from the file, not remembered.
  ::flock(fd, LOCK_EX);
  Checkpoint next;
  std::string tail = last_line(fd);
  const AuditKey& key = store_.audit_key();
  Status result = ok_status();
  if (tail.empty()) {
    // First checkpoint of this store: vouch for the chain as it stands (trust on first use).
    auto anchor = store_.read([&](Tx& tx) -> Result<AuditHead> {
      auto seq = tx.get_meta("audit_anchor_seq");
      return AuditHead{seq ? std::strtoll(seq->c_str(), nullptr, 10) : 0,
                       tx.get_meta("audit_anchor_hash").value_or(kAuditGenesisHash)};
    });
    next.anchor = anchor.ok() ? anchor.value() : AuditHead{0, kAuditGenesisHash};
    next.keyed_from = key.keyed_from;
    if (head.seq > 0)
      spdlog::warn("audit: first checkpoint vouches for the existing {} records as they stand",
                   head.seq);
  } else {
    auto last = parse_checkpoint(tail);
    if (!last || !constant_time_equal(checkpoint_mac(key, *last), last->mac)) {
      result = Error{ErrorCode::kConflict,
                     "the last audit checkpoint in " + options_.file + " is damaged or forged",
                     {}};
    } else {
      next.anchor = new_anchor ? *new_anchor : last->anchor;
      next.keyed_from = last->keyed_from;
      next.prev_mac = last->mac;
      // After a purge that removed the last vouched record, the chain is checked from its new
      // start (the anchor this process's own purge transaction reported).
      Checkpoint from = *last;
      if (new_anchor && new_anchor->seq >= last->seq)
        from = Checkpoint{new_anchor->seq, new_anchor->hash, *new_anchor, 0, 0, "", ""};
      result = continuity(from, head);
    }
  }
  if (result.ok()) {
    next.seq = head.seq;
    next.head = head.seq > 0 ? head.hash : kAuditGenesisHash;
    next.at = clock_.now();
    next.mac = checkpoint_mac(key, next);
    std::string line = checkpoint_line(next) + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
        ::fsync(fd) != 0)
      result =
          Error{ErrorCode::kInternal,
                "cannot write audit checkpoint file " + options_.file + ": " + std::strerror(errno),
                {}};
  }
  ::flock(fd, LOCK_UN);
  ::close(fd);
  if (!result.ok()) {
    if (result.error().code == ErrorCode::kConflict) {
      broken_ = true;
      spdlog::error(
          "audit: the trail no longer matches its checkpoints: {}; no further "
          "checkpoints are written. Run `govcloud audit verify`.",
          result.error().message);
      send_syslog(next, result.error().message);
    } else {
      spdlog::error("audit: {}", result.error().message);
    }
    return result;
  }
  written_seq_ = next.seq;
  written_at_ = next.at;
  send_syslog(next, "");
  return ok_status();
}

void AuditCheckpointer::send_syslog(const Checkpoint& c, const std::string& alarm) {
  if (options_.syslog.empty()) return;
  SyslogMessage m;
  m.at = clock_.now();
  if (alarm.empty()) {
    m.severity = 6;  // informational
    m.msgid = "audit-checkpoint";
    m.params = {{"seq", std::to_string(c.seq)},
                {"head", c.head},
                {"anchor_seq", std::to_string(c.anchor.seq)},
                {"anchor_hash", c.anchor.hash},
                {"keyed_from", std::to_string(c.keyed_from)},
                {"prev", c.prev_mac},
                {"mac", c.mac}};
    m.text = checkpoint_line(c);
  } else {
    m.severity = 2;  // critical
    m.msgid = "audit-tamper";
    m.text = "audit trail does not match its checkpoints: " + alarm;
  }
  if (auto st = send_syslog_udp(options_.syslog, m); !st.ok())
    spdlog::warn("audit: syslog: {}", st.error().message);
}

}  // namespace govcloud
