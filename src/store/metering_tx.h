// The metering facet of a unit of work (decision 0012): usage intervals and the cursor over
// the usage events already turned into intervals. The cursor moves in the transaction that
// writes the intervals, so a restart neither drops nor repeats an event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/metering.h"
#include "store/store.h"

namespace govcloud {

class MeteringTx {
 public:
  virtual ~MeteringTx() = default;
  // The last usage event already metered.
  virtual std::int64_t metered_through() = 0;
  virtual void set_metered_through(std::int64_t seq) = 0;
  // False when an interval with this key exists (a resent or re-imported event).
  virtual bool insert_interval(const UsageInterval& i) = 0;
  virtual bool interval_key_exists(const std::string& key) = 0;
  // The open interval of a resource's item, if any.
  virtual std::optional<UsageInterval> open_interval(const std::string& resource_id,
                                                     const std::string& code) = 0;
  virtual void close_interval(std::int64_t id, TimeMs end) = 0;
  virtual Listing<UsageInterval> list_intervals(const UsageQuery& q) = 0;
  // Every interval of a tenant overlapping [from, to), for rating (not paged).
  virtual std::vector<UsageInterval> tenant_intervals(const std::string& tenant_id, TimeMs from,
                                                      TimeMs to) = 0;
};

}  // namespace govcloud
