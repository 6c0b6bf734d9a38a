// A tenant's monthly bill (issue 11 §3, BIL-*): its usage intervals rated with its price list,
// broken down per business system and per catalog code (月度服务明细). The bill of an open
// month is computed afresh on every read; closing months and adjustments come next.
#include <algorithm>

#include "billing/billing.h"
#include "billing/rating.h"
#include "store/metering_tx.h"

namespace govcloud {
namespace {

Result<RatingPeriod> parse_month(const std::string& month, int utc_offset) {
  int y = 0, m = 0, used = 0;
  if (month.size() != 7 || std::sscanf(month.c_str(), "%4d-%2d%n", &y, &m, &used) != 2 ||
      used != 7 || y < 2000 || y > 9999 || m < 1 || m > 12)
    return invalid("month", "month must be YYYY-MM, e.g. 2026-03");
  return month_period(y, m, utc_offset);
}

bool within(const std::string& path, const std::string& ancestor) {
  return path.size() >= ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0;
}

// The list named, else the one list of the nearest unit above the tenant that has lists.
Result<PriceList> list_for(Tx& tx, const Org& tenant, const std::string& named) {
  if (!named.empty()) {
    auto l = tx.find_price_list(named);
    if (!l)
      return Error{ErrorCode::kNotFound, "price list '" + named + "' not found", "price_list"};
    return *l;
  }
  auto root = tx.find_root_org();
  std::vector<std::pair<std::size_t, PriceList>> candidates;  // (depth of the owner, list)
  for (const auto& l : tx.list_price_lists({root ? root->path : "/"})) {
    auto owner = tx.find_org(l.org);
    if (owner && within(tenant.path, owner->path)) candidates.emplace_back(owner->path.size(), l);
  }
  if (candidates.empty())
    return conflict("no price list covers this tenant; name one", "price_list");
  std::size_t nearest = 0;
  for (const auto& [depth, l] : candidates) nearest = std::max(nearest, depth);
  std::vector<PriceList> at_nearest;
  for (const auto& [depth, l] : candidates)
    if (depth == nearest) at_nearest.push_back(l);
  if (at_nearest.size() > 1)
    return conflict("the tenant's unit has " + std::to_string(at_nearest.size()) +
                        " price lists; name the one to bill with",
                    "price_list");
  return at_nearest.front();
}

}  // namespace

Result<Bill> Billing::bill(const Principal& who, const OrgId& tenant_id, const std::string& month,
                           const std::string& price_list) {
  GC_ASSIGN_OR_RETURN(RatingPeriod period, parse_month(month, utc_offset_minutes_));
  return store_.read([&](Tx& tx) -> Result<Bill> {
    auto tenant = tx.find_org(tenant_id);
    if (!tenant || tenant->type != OrgType::kTenant || !who.can(Action::kUsageRead, tenant->path))
      return not_found("tenant");
    GC_ASSIGN_OR_RETURN(PriceList list, list_for(tx, *tenant, price_list));
    auto intervals = tx.metering().tenant_intervals(tenant->id.value, period.start, period.end);
    auto lines = rate_month(intervals, price_book(tx.price_history(list.id, "")), period);
    Bill b;
    b.tenant_id = tenant->id.value;
    b.tenant_name = tenant->name;
    b.month = period.month;
    b.from = period.start;
    b.to = period.end;
    b.price_list = list.name;
    for (auto& line : lines) {
      if (b.systems.empty() || b.systems.back().system_id != line.system_id) {
        auto sys = tx.find_org(OrgId{line.system_id});
        b.systems.push_back(BillSystem{line.system_id, sys ? sys->name : line.system_id, {}, {}});
      }
      auto& s = b.systems.back();
      s.total = *s.total.plus(line.amount);
      b.total = *b.total.plus(line.amount);
      if (!line.priced) ++b.unpriced_lines;
      s.lines.push_back(std::move(line));
    }
    return b;
  });
}

}  // namespace govcloud
