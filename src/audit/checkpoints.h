// Signed checkpoints of the audit chain, kept outside the database (issue 8 §1, AUD-01).
//
// Every few seconds while the trail grows, after a purge and at shutdown, the server appends a
// checkpoint — the newest record's sequence and hash, the purge anchor the chain starts after,
// and where the keyed part of the chain begins — to a checkpoint file and sends it to syslog.
// Each is MACed (HMAC-SM3 under a key derived from the chain key) and names the previous one's
// MAC, so the file is a chain of its own. `audit verify` checks the database against them: a
// writer of the database cannot move the head back, raise the purge horizon or rewrite records
// without disagreeing with a checkpoint. See docs/decisions/0009-audit-checkpoints.md.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/store.h"

namespace govcloud {

struct Checkpoint {
  std::int64_t seq = 0;  // the newest record vouched for (0: none yet)
  std::string head;      // its hash
  AuditHead anchor;      // the chain starts after this record (purges move it)
  std::int64_t keyed_from = 1;
  TimeMs at = 0;
  std::string prev_mac;  // the previous checkpoint's MAC; empty for the first
  std::string mac;
};

std::string checkpoint_mac(const AuditKey& key, const Checkpoint& c);
std::string checkpoint_line(const Checkpoint& c);  // one JSON object, no newline

// Every checkpoint in the file, each MAC and link checked. `problem` names the first bad line.
struct CheckpointLog {
  bool found = false;  // the file exists
  std::vector<Checkpoint> entries;
  std::string problem;
};
CheckpointLog read_checkpoints(const std::string& path, const AuditKey& key);

struct CheckpointOptions {
  std::string file;            // the checkpoint file
  std::string syslog;          // "host:port" of an RFC 5424 syslog receiver (UDP); empty: none
  TimeMs interval_ms = 10000;  // the cadence while the trail grows
};

class AuditCheckpointer {
 public:
  AuditCheckpointer(Store& store, const Clock& clock, CheckpointOptions options);
  ~AuditCheckpointer();
  AuditCheckpointer(const AuditCheckpointer&) = delete;
  AuditCheckpointer& operator=(const AuditCheckpointer&) = delete;

  // Starts listening to commits. On a store without a checkpoint file the first checkpoint
  // vouches for the chain as it stands (trust on first use, logged).
  Status start();
  // After each audited commit: remembers the head and writes when the cadence is due — at once
  // when the commit purged, so the chain's new start is vouched for before anything else.
  void on_commit(const AuditCommit& commit);
  // From a timer: writes when the cadence is due and the head moved.
  void tick();
  // Writes now if the head moved since the last checkpoint (shutdown, end of a CLI command).
  Status flush();

  const CheckpointOptions& options() const { return options_; }

 private:
  Status write_locked(const AuditHead& head, std::optional<AuditHead> new_anchor);
  Status continuity(const Checkpoint& last, const AuditHead& head);
  void send_syslog(const Checkpoint& c, const std::string& alarm);

  Store& store_;
  const Clock& clock_;
  CheckpointOptions options_;
  std::mutex mu_;
  bool started_ = false;
  bool broken_ = false;  // the chain disagreed with the last checkpoint: vouch for nothing more
  std::optional<AuditHead> pending_;
  std::int64_t written_seq_ = 0;
  TimeMs written_at_ = 0;
};

}  // namespace govcloud
