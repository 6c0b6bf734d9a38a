// Lifecycle events → usage intervals (decision 0012). A VM's compute runs from started to
// stopped; a disk, volume or snapshot from created to deleted; a resize closes the interval
// and opens one with the new quantity, so a month with a resize is rated in two parts. What
// people deliver (security, crypto, operations services) runs from fulfilment ("created") to
// reclamation ("deleted"); a per-time service is one closed interval when it is "performed".
#include <map>
#include <optional>

#include "catalog/catalog.h"
#include "metering/metering.h"
#include "store/metering_tx.h"
#include "store/operations_tx.h"

namespace govcloud {
namespace {

constexpr int kBatch = 1000;

bool opens(const std::string& what) {
  return what == "started" || what == "created" || what == "resized";
}
bool closes(const std::string& what) {
  return opens(what) || what == "stopped" || what == "deleted";
}

class Collector {
 public:
  explicit Collector(Tx& tx) : tx_(tx) {}

  void apply(const UsageEvent& e) {
    if (e.what == "performed") return insert(e, e.at);
    if (!closes(e.what)) return;  // attached, detached: no change in what is billed
    auto& m = tx_.metering();
    // An item that bills while stopped keeps its interval through a stop and the start after
    // it; a start with another quantity (a resize while stopped) still splits it.
    if ((e.what == "stopped" || e.what == "started") && keeps_billing(e.catalog_code)) {
      if (e.what == "stopped") return;
      auto open = m.open_interval(e.resource_id, e.catalog_code);
      if (open && open->quantity == Decimal::from_int(e.quantity)) return;
    }
    if (auto open = m.open_interval(e.resource_id, e.catalog_code))
      m.close_interval(open->id, e.at);
    if (opens(e.what)) insert(e, std::nullopt);
  }

 private:
  void insert(const UsageEvent& e, std::optional<TimeMs> end) {
    if (e.quantity <= 0) return;
    UsageInterval i;
    i.key = "ev:" + std::to_string(e.seq);
    i.source = UsageSource::kLifecycle;
    i.tenant_id = e.tenant_id;
    i.system_id = e.system_id;
    i.org_path = path_of(e.system_id);
    i.vdc_id = e.vdc_id;
    i.resource_id = e.resource_id;
    i.code = e.catalog_code;
    i.quantity = Decimal::from_int(e.quantity);
    i.start = e.at;
    i.end = end;
    tx_.metering().insert_interval(i);
  }

  bool keeps_billing(const std::string& code) {
    if (auto it = keeps_.find(code); it != keeps_.end()) return it->second;
    auto svc = tx_.find_service(code);
    return keeps_[code] = svc && bills_while_stopped(*svc);
  }

  const std::string& path_of(const std::string& system_id) {
    auto it = paths_.find(system_id);
    if (it != paths_.end()) return it->second;
    auto org = tx_.find_org(OrgId{system_id});
    return paths_[system_id] = org ? org->path : "";
  }

  Tx& tx_;
  std::map<std::string, std::string> paths_;
  std::map<std::string, bool> keeps_;
};

}  // namespace

Result<int> Metering::collect() {
  int total = 0;
  for (;;) {
    auto taken = store_.transact([&](Tx& tx) -> Result<int> {
      auto& m = tx.metering();
      std::int64_t through = m.metered_through();
      auto events = tx.operations().usage_events_after(through, kBatch);
      Collector c(tx);
      for (const auto& e : events) {
        c.apply(e);
        through = e.seq;
      }
      if (!events.empty()) m.set_metered_through(through);
      return static_cast<int>(events.size());
    });
    if (!taken.ok()) return taken.error();
    total += taken.value();
    if (taken.value() < kBatch) return total;
  }
}

}  // namespace govcloud
