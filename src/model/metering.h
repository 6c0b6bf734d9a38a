// Metering (issue 11, BIL-*): usage intervals — a quantity of one catalog item used by one
// tenant's business system from a start to an end (open while still running), to the second.
// Every billable thing becomes intervals: lifecycle events of what govcloud delivers, counters
// reported by other systems, history imported from another platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/money.h"

namespace govcloud {

enum class UsageSource { kLifecycle, kReported, kImported };
const char* usage_source_name(UsageSource s);
std::optional<UsageSource> parse_usage_source(std::string_view text);

struct UsageInterval {
  std::int64_t id = 0;
  // Unique: "ev:<seq>" for the lifecycle event that opened it; "<tenant>:<event id>" for an
  // event a sender reported or a file brought, so a resend or a re-import changes nothing.
  std::string key;
  UsageSource source = UsageSource::kLifecycle;
  std::string tenant_id;
  std::string system_id;
  std::string org_path;  // the system's, for subtree filters
  std::string vdc_id;
  std::string resource_id;  // the VM, volume, snapshot … ("" for reported counters)
  std::string code;         // catalog code
  Decimal quantity;         // in the catalog item's unit
  std::string written;      // the quantity and unit as the sender wrote them ("2 × 100GB")
  TimeMs start = 0;
  std::optional<TimeMs> end;  // none while still running
};

struct UsageQuery {
  std::vector<std::string> within_paths;  // what the caller may read
  std::string tenant_id, system_id, code;
  TimeMs from = 0;  // intervals that overlap [from, to)
  TimeMs to = 0;    // 0: no upper bound
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

}  // namespace govcloud
