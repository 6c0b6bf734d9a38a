// The metering module's face (issue 11, BIL-*; decision 0012): every billable thing as usage
// intervals. Lifecycle events that compute and storage record in their change's transaction
// become intervals by a cursor that moves in the same transaction as the intervals it wrote,
// so nothing is counted twice or dropped across a restart. Counters other systems report and
// history brought from another platform arrive as events with the sender's id, deduplicated
// per tenant, all of a batch or file in one transaction or none of it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "iam/authz.h"
#include "iam/context.h"
#include "model/metering.h"
#include "store/store.h"

namespace govcloud {

// One reported event or one imported row, as the sender wrote it.
struct ReportedUsage {
  std::string event_id;
  std::string tenant;  // id or unique name; empty: the system's tenant
  std::string system;  // id or unique name
  std::string code;    // catalog code
  std::string quantity;
  std::string unit;   // as procurement documents write it ("100GB"); empty: the catalog unit
  std::string start;  // ISO 8601 with offset
  std::string end;    // ISO 8601 with offset; empty while still running
};

struct UsageIntake {
  int accepted = 0;
  int duplicates = 0;  // already taken (the same sender id for the tenant)
};

class Metering {
 public:
  Metering(Store& store, const Clock& clock);

  // Turns the lifecycle events not yet metered into intervals; returns how many it took.
  Result<int> collect();
  // POST /api/v1/usage/events: a batch of counters from another system (usage.report).
  Result<UsageIntake> report(const Principal& who, const std::vector<ReportedUsage>& events,
                             const RequestContext& ctx);
  // govcloud usage import FILE.csv: "event_id,tenant,system,code,quantity,unit,start,end".
  // Every bad row is named with its line number and reason, and then nothing is kept.
  Result<UsageIntake> import_csv(const Principal& who, std::string_view csv,
                                 const RequestContext& ctx);
  // Intervals of the systems the caller may read (usage.read), overlapping [from, to).
  Result<Listing<UsageInterval>> list(const Principal& who, UsageQuery q);

 private:
  Result<UsageIntake> take(const Principal& who, const std::vector<ReportedUsage>& rows,
                           const std::vector<int>& lines, UsageSource source,
                           const RequestContext& ctx);

  Store& store_;
  const Clock& clock_;
};

}  // namespace govcloud
