#include "metering/metering.h"

#include "store/metering_tx.h"

namespace govcloud {

Metering::Metering(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<Listing<UsageInterval>> Metering::list(const Principal& who, UsageQuery q) {
  GC_TRY(collect());  // what happened up to now is in the answer
  q.within_paths = who.paths_for(Action::kUsageRead);
  if (q.limit < 1 || q.limit > 1000) return invalid("limit", "limit must be 1–1000");
  if (q.offset < 0) return invalid("offset", "offset must not be negative");
  if (q.to > 0 && q.to <= q.from) return invalid("to", "to must be after from");
  return store_.read(
      [&](Tx& tx) -> Result<Listing<UsageInterval>> { return tx.metering().list_intervals(q); });
}

}  // namespace govcloud
