// The operations facet of a unit of work (decision 0010): long actions and the usage events
// metering reads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/operation.h"
#include "store/store.h"

namespace govcloud {

class OperationsTx {
 public:
  virtual ~OperationsTx() = default;
  virtual void insert_operation(const Operation& op) = 0;
  virtual void update_operation(const Operation& op) = 0;
  virtual std::optional<Operation> find_operation(const std::string& id) = 0;
  virtual std::optional<Operation> find_by_idempotency_key(const std::string& user_id,
                                                           const std::string& key) = 0;
  // Operations still running (a restart resumes or fails each).
  virtual std::vector<Operation> running_operations() = 0;
  virtual std::vector<Operation> operations_of(const std::string& target_id, int limit) = 0;
  // True when the target has an operation running (one action at a time per VM).
  virtual bool target_busy(const std::string& target_id) = 0;

  virtual void insert_usage_event(const UsageEvent& e) = 0;
  virtual std::vector<UsageEvent> usage_events_after(std::int64_t seq, int limit) = 0;
};

// An operation's progress and current step, in a transaction of its own; an operation that has
// ended is left as it is.
inline void record_progress(Store& store, TimeMs now, const std::string& op_id, int percent,
                            const std::string& step) {
  (void)store.transact([&](Tx& tx) -> Status {
    auto op = tx.operations().find_operation(op_id);
    if (!op || op->state != OpState::kRunning) return ok_status();
    op->progress = percent;
    op->step = step;
    op->updated_at = now;
    tx.operations().update_operation(*op);
    return ok_status();
  });
}

}  // namespace govcloud
