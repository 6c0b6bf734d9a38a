// A tenant's monthly bill (issue 11 §3, BIL-*): its usage intervals rated with its price list,
// per business system and per catalog code (月度服务明细), with an adjustments section. Closing
// a month issues every tenant's bill; an issued bill is kept as issued and never changes, and
// from then on the month's usage and prices are frozen (decision 0012).
#include <algorithm>
#include <boost/json.hpp>
#include <ctime>

#include "billing/billing.h"
#include "billing/bills_internal.h"
#include "billing/rating.h"
#include "store/bills_tx.h"
#include "store/metering_tx.h"

namespace govcloud {
namespace {

// The lists of the nearest unit above the tenant that has any.
std::vector<PriceList> nearest_unit_lists(Tx& tx, const Org& tenant) {
  auto root = tx.find_root_org();
  std::vector<std::pair<std::size_t, PriceList>> candidates;  // (depth of the owner, list)
  for (const auto& l : tx.list_price_lists({root ? root->path : "/"})) {
    auto owner = tx.find_org(l.org);
    if (owner && path_within(tenant.path, owner->path))
      candidates.emplace_back(owner->path.size(), l);
  }
  std::size_t nearest = 0;
  for (const auto& [depth, l] : candidates) nearest = std::max(nearest, depth);
  std::vector<PriceList> out;
  for (const auto& [depth, l] : candidates)
    if (depth == nearest) out.push_back(l);
  return out;
}

std::string month_after(const ClosedMonth& m, int utc_offset) {
  int y = 0, mo = 0;
  std::sscanf(m.month.c_str(), "%4d-%2d", &y, &mo);
  return month_period(mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1, utc_offset).month;
}

}  // namespace

namespace bills {

Result<RatingPeriod> parse_month(const std::string& month, int utc_offset) {
  int y = 0, m = 0, used = 0;
  if (month.size() != 7 || std::sscanf(month.c_str(), "%4d-%2d%n", &y, &m, &used) != 2 ||
      used != 7 || y < 2000 || y > 9999 || m < 1 || m > 12)
    return invalid("month", "month must be YYYY-MM, e.g. 2026-03");
  return month_period(y, m, utc_offset);
}

RatingPeriod month_of(TimeMs t, int utc_offset) {
  std::time_t secs = static_cast<std::time_t>((t + static_cast<TimeMs>(utc_offset) * 60000) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return month_period(tm.tm_year + 1900, tm.tm_mon + 1, utc_offset);
}

// The list named; else the one its contracts in force that month name; else its unit's
// default; else the unit's only list. Without any, the bill rates everything at zero, flagged.
Result<ChosenList> list_for(Tx& tx, const Org& tenant, const std::string& named,
                            const RatingPeriod& period) {
  if (!named.empty()) {
    auto l = tx.find_price_list(named);
    if (!l)
      return Error{ErrorCode::kNotFound, "price list '" + named + "' not found", "price_list"};
    return ChosenList{*l, "named"};
  }
  std::optional<PriceList> from_contract;
  for (const auto& c : tx.list_contracts({tenant.path})) {
    if (c.tenant != tenant.id || c.price_list_id.empty() || c.starts_at >= period.end) continue;
    if (c.months && add_months(c.starts_at, *c.months) <= period.start) continue;
    if (from_contract && from_contract->id != c.price_list_id)
      return conflict("the tenant's contracts in force in " + period.month +
                          " name different price lists; name the one to bill with",
                      "price_list");
    from_contract = tx.find_price_list(c.price_list_id);
  }
  if (from_contract) return ChosenList{from_contract, "contract"};
  auto lists = nearest_unit_lists(tx, tenant);
  for (const auto& l : lists)
    if (l.is_default) return ChosenList{l, "unit default"};
  if (lists.size() == 1) return ChosenList{lists.front(), "the unit's only list"};
  if (lists.empty()) return ChosenList{std::nullopt, "no price list covers this tenant"};
  return conflict("the tenant's unit has " + std::to_string(lists.size()) +
                      " price lists and none is marked default; name the one to bill with",
                  "price_list");
}

Bill rate_bill(Tx& tx, const Org& tenant, const RatingPeriod& period, const ChosenList& list) {
  Bill b;
  b.tenant_id = tenant.id.value;
  b.tenant_name = tenant.name;
  b.month = period.month;
  b.from = period.start;
  b.to = period.end;
  b.price_list = list.list ? list.list->name : "";
  b.price_list_basis = list.basis;
  auto intervals = tx.metering().tenant_intervals(tenant.id.value, period.start, period.end);
  auto lines = rate_month(
      intervals, list.list ? price_book(tx.price_history(list.list->id, "")) : PriceBook{}, period);
  for (auto& line : lines) {
    if (b.systems.empty() || b.systems.back().system_id != line.system_id) {
      auto sys = tx.find_org(OrgId{line.system_id});
      b.systems.push_back(BillSystem{line.system_id, sys ? sys->name : line.system_id, {}, {}});
    }
    auto& s = b.systems.back();
    s.total = *s.total.plus(line.amount);
    b.usage_total = *b.usage_total.plus(line.amount);
    if (!line.priced) ++b.unpriced_lines;
    s.lines.push_back(std::move(line));
  }
  b.adjustments = tx.bills().adjustments(tenant.id.value, period.month);
  for (const auto& a : b.adjustments) b.adjustments_total = *b.adjustments_total.plus(a.amount);
  b.total = *b.usage_total.plus(b.adjustments_total);
  return b;
}

}  // namespace bills

Result<Bill> Billing::bill(const Principal& who, const OrgId& tenant_id, const std::string& month,
                           const std::string& price_list, bool rerate) {
  GC_ASSIGN_OR_RETURN(RatingPeriod period, bills::parse_month(month, utc_offset_minutes_));
  return store_.read([&](Tx& tx) -> Result<Bill> {
    auto tenant = tx.find_org(tenant_id);
    if (!tenant || tenant->type != OrgType::kTenant || !who.can(Action::kUsageRead, tenant->path))
      return not_found("tenant");
    auto issued = tx.bills().find_bill(tenant->id.value, period.month);
    if (issued && !rerate) return bill_from_json(issued->body);
    std::string list_name = price_list;
    if (issued && list_name.empty()) list_name = issued->price_list;  // re-rate as issued
    GC_ASSIGN_OR_RETURN(auto list, bills::list_for(tx, *tenant, list_name, period));
    if (issued && list_name == issued->price_list) list.basis = "as issued";
    Bill b = bills::rate_bill(tx, *tenant, period, list);
    if (tx.bills().find_closed_month(period.month)) b.state = "issued";
    if (issued) {
      b.issued_by = issued->issued_by;
      b.issued_at = issued->issued_at;
      if (auto as_issued = bill_from_json(issued->body))
        b.price_list_basis = as_issued->price_list_basis;
    }
    return b;
  });
}

Result<ClosedMonthResult> Billing::close_month(const Principal& who, const std::string& month,
                                               const RequestContext& ctx) {
  GC_ASSIGN_OR_RETURN(RatingPeriod period, bills::parse_month(month, utc_offset_minutes_));
  return store_.transact([&](Tx& tx) -> Result<ClosedMonthResult> {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kBillManage, root->path))
      return denied("not allowed: bill.manage at the platform (months close for every tenant)");
    TimeMs now = clock_.now();
    if (now < period.end)
      return conflict(period.month + " has not ended; it can be closed from " +
                          format_local_date(period.end, utc_offset_minutes_),
                      "month");
    auto last = tx.bills().last_closed_month();
    if (last && last->end > period.start)
      return conflict(
          period.month + " is already closed (bills issued through " + last->month + ")", "month");
    if (last && last->end < period.start)
      return conflict(
          "months close in order: close " + month_after(*last, utc_offset_minutes_) + " first",
          "month");
    ClosedMonthResult out;
    out.month = ClosedMonth{period.month, period.start, period.end, who.user.value, now};
    tx.bills().insert_closed_month(out.month);
    OrgQuery q;
    q.within_paths = {root->path};
    q.type = OrgType::kTenant;
    q.page.limit = 1000000;
    for (const auto& tenant : tx.list_orgs(q).items) {
      auto list = bills::list_for(tx, tenant, "", period);
      // A tenant whose unit has several lists and no default is billed at zero, flagged, rather
      // than holding up every other tenant's bill; the correction is an adjustment.
      bills::ChosenList chosen =
          list ? *list : bills::ChosenList{std::nullopt, list.error().message};
      Bill b = bills::rate_bill(tx, tenant, period, chosen);
      b.state = "issued";
      b.issued_by = who.user.value;
      b.issued_at = now;
      tx.bills().insert_bill(IssuedBill{b.tenant_id, b.month, b.price_list, b.total,
                                        boost::json::serialize(bill_json(b)), who.user.value, now});
      ++out.bills;
      out.total = *out.total.plus(b.total);
    }
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"bill.close",
                           period.month,
                           root->id.value,
                           "success",
                           {{"bills", std::to_string(out.bills)}, {"total", out.total.str()}}});
    return out;
  });
}

Result<std::vector<ClosedMonth>> Billing::closed_months(const Principal& who) {
  if (!who.can_anywhere(Action::kUsageRead) && !who.can_anywhere(Action::kBillManage))
    return denied("not allowed: usage.read");
  return store_.read([&](Tx& tx) -> Result<std::vector<ClosedMonth>> {
    std::vector<ClosedMonth> out;
    auto last = tx.bills().last_closed_month();
    while (last) {
      out.push_back(*last);
      int y = 0, m = 0;
      std::sscanf(last->month.c_str(), "%4d-%2d", &y, &m);
      last = tx.bills().find_closed_month(
          month_period(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, utc_offset_minutes_).month);
    }
    return out;
  });
}

Result<BillAdjustment> Billing::adjust(const Principal& who, const OrgId& tenant_id,
                                       const AdjustmentInput& in, const RequestContext& ctx) {
  if (in.kind != "credit" && in.kind != "penalty" && in.kind != "correction")
    return invalid("kind", "kind must be credit, penalty or correction");
  GC_ASSIGN_OR_RETURN(Money amount, Money::parse(in.amount, "amount"));
  if (amount.units() == 0) return invalid("amount", "amount must not be zero");
  if (in.kind != "correction" && amount.units() > 0)
    return invalid("amount", "a " + in.kind + " lowers the bill: its amount must be negative");
  if (amount.units() % 100 != 0) return invalid("amount", "amount must be whole fen");
  if (in.reason.empty() || in.reason.size() > 1000)
    return invalid("reason", "reason is required (at most 1000 bytes)");
  if (in.refers_to.size() > 200) return invalid("refers_to", "refers_to is at most 200 bytes");
  RatingPeriod period = bills::month_of(clock_.now(), utc_offset_minutes_);
  if (!in.month.empty()) {
    GC_ASSIGN_OR_RETURN(period, bills::parse_month(in.month, utc_offset_minutes_));
  }
  return store_.transact([&](Tx& tx) -> Result<BillAdjustment> {
    auto tenant = tx.find_org(tenant_id);
    if (!tenant || tenant->type != OrgType::kTenant ||
        !(who.can(Action::kUsageRead, tenant->path) || who.can(Action::kBillManage, tenant->path)))
      return not_found("tenant");
    // The tenant's own admins hold bill.manage on its subtree; adjusting needs it at the unit
    // above, so a tenant cannot credit itself.
    auto unit = tenant->parent ? tx.find_org(*tenant->parent) : std::nullopt;
    if (!unit || !who.can(Action::kBillManage, unit->path))
      return denied("not allowed: bill.manage at the tenant's management unit");
    auto last = tx.bills().last_closed_month();
    if (last && period.start < last->end)
      return conflict(period.month + " is closed; post the adjustment on an open month's bill",
                      "month");
    BillAdjustment a{new_id("adj"), tenant->id.value, period.month,   in.kind,     amount,
                     in.reason,     in.refers_to,     who.user.value, clock_.now()};
    tx.bills().insert_adjustment(a);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"bill.adjust",
                           a.id,
                           tenant->id.value,
                           "success",
                           {{"month", a.month},
                            {"kind", a.kind},
                            {"amount", a.amount.str()},
                            {"refers_to", a.refers_to}}});
    return a;
  });
}

Result<PriceList> Billing::set_default_price_list(const Principal& who, const std::string& list,
                                                  const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Result<PriceList> {
    auto l = tx.find_price_list(list);
    if (!l) return Error{ErrorCode::kNotFound, "price list '" + list + "' not found", "price_list"};
    auto owner = tx.find_org(l->org);
    if (!owner || !who.can(Action::kPriceWrite, owner->path))
      return denied("not allowed: price.write at the list's unit");
    tx.bills().set_default_price_list(l->org, l->id);
    l->is_default = true;
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{"price_list.default", l->id, l->org.value, "success", {{"name", l->name}}});
    return *l;
  });
}

}  // namespace govcloud
