// Long actions as operations (decision 0010): POST answers 202 with one at once; it records
// state, progress, the current step and, on failure, the reason. Usage events are what the
// metering module rates: every state or size change of a VM, in the change's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace govcloud {

enum class OpState { kRunning, kSucceeded, kFailed };
const char* op_state_name(OpState s);
std::optional<OpState> parse_op_state(std::string_view text);

struct Operation {
  std::string id;
  std::string kind;       // vm.create, vm.start, vm.stop, vm.reboot, vm.delete
  std::string target_id;  // the VM
  std::string org_id;     // whose it is (rights are checked on its org)
  std::string org_path;
  std::string user_id;          // who asked
  std::string idempotency_key;  // unique per user when set
  std::string params;           // JSON: what the action needs to run again after a restart
  OpState state = OpState::kRunning;
  int progress = 0;  // percent
  std::string step;
  std::string error;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  TimeMs finished_at = 0;
};

// What metering rates (issue 11): a quantity of a catalog item that began or ended being used.
struct UsageEvent {
  std::int64_t seq = 0;
  TimeMs at = 0;
  std::string what;          // started, stopped, resized, deleted, created
  std::string resource_id;   // the VM
  std::string catalog_code;  // compute-vcpu, compute-memory, storage-normal …
  std::int64_t quantity = 0;
  std::string tenant_id;
  std::string system_id;
  std::string vdc_id;
};

}  // namespace govcloud
