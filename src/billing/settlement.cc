// Settlement of a contract by actual usage (据实结算, issue 11 §4, BIL-08; decision 0012):
// month by month over the contract's service period, the tenant's usage of the contract's
// catalog codes rated with the contract's list, with the free headroom applied; payment
// milestones, the run-rate forecast and the budget alerts follow from the cost to date.
#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "billing/billing.h"
#include "billing/bills_internal.h"
#include "catalog/catalog.h"
#include "store/bills_tx.h"
#include "store/metering_tx.h"
#include "workflow/documents.h"

namespace govcloud {

namespace json = boost::json;

namespace {

constexpr std::int64_t kFen = 100;  // Money units in a fen

// amount × num ÷ den, rounded to the fen (the one rounding rule).
Money scaled(Money amount, __int128 num, __int128 den) {
  if (den == 0) return amount;
  return Money::from_units(
      round_half_away(static_cast<__int128>(amount.units()) * num, den * kFen) * kFen);
}

struct CodeLine {
  Decimal contracted;                            // the most the contract's lines give at once
  std::vector<std::pair<TimeMs, TimeMs>> spans;  // item spans, to average them over a month
  std::vector<Decimal> quantities;
  std::string name;
};

// The quantity a contract's lines give for a code, averaged over [a, b) (micros).
__int128 contracted_over(const CodeLine& c, TimeMs a, TimeMs b) {
  __int128 sum = 0;
  for (std::size_t i = 0; i < c.spans.size(); ++i) {
    TimeMs s = std::max(a, c.spans[i].first);
    TimeMs e = std::min(b, c.spans[i].second);
    if (e > s) sum += static_cast<__int128>(c.quantities[i].micros()) * (e - s);
  }
  return b > a ? sum / (b - a) : 0;
}

Decimal peak_of(std::vector<std::pair<TimeMs, std::int64_t>> changes) {
  std::sort(changes.begin(), changes.end());  // at one instant, ends (negative) come first
  std::int64_t now = 0, peak = 0;
  for (const auto& [t, d] : changes) {
    now += d;
    peak = std::max(peak, now);
  }
  return Decimal::from_micros(peak);
}

// A payment term's number, written as a number or as text ("70").
std::optional<std::string> number_text(const json::object& m, const char* key) {
  auto* v = m.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_number()) return json::serialize(*v);
  return std::nullopt;
}

Result<Money> payment_amount(const json::object& m, Money total) {
  if (auto pct = number_text(m, "pct")) {
    GC_ASSIGN_OR_RETURN(Decimal p, Decimal::parse(*pct, "pct"));
    return scaled(total, p.micros(), 100 * Decimal::kScale);
  }
  if (auto wan = number_text(m, "amount_wan_yuan")) {
    GC_ASSIGN_OR_RETURN(Decimal d, Decimal::parse(*wan, "amount_wan_yuan"));
    // 万元 in millionths → Money units: × 10,000 yuan × 10,000 units ÷ 1,000,000.
    return Money::from_units(d.micros() * 100);
  }
  return Money{};
}

}  // namespace

namespace bills {

Result<Settlement> settle(Tx& tx, const Contract& contract, TimeMs now, int utc_offset) {
  Settlement st;
  st.contract = contract;
  st.budget = contract.budget;
  auto tenant = tx.find_org(contract.tenant);
  if (!tenant) return not_found("contract");
  auto items = tx.contract_items(contract.id);
  st.from = contract.starts_at;
  // The service period: to the end of its last line, else its months, else a year.
  st.to = 0;
  for (const auto& it : items) st.to = std::max(st.to, it.ends_at);
  if (st.to <= st.from && contract.months) st.to = add_months(st.from, *contract.months);
  if (st.to <= st.from) st.to = add_months(st.from, 12);
  st.settled_to = std::clamp(now, st.from, st.to);

  // The list: the contract's, else the tenant's list for the first month.
  ChosenList chosen;
  if (!contract.price_list_id.empty()) {
    chosen.list = tx.find_price_list(contract.price_list_id);
    chosen.basis = "contract";
  } else {
    GC_ASSIGN_OR_RETURN(chosen, list_for(tx, *tenant, "", month_of(st.from, utc_offset)));
  }
  if (!chosen.list)
    return conflict(
        "no price list to settle with: name one on the contract or mark the unit's "
        "default",
        "price_list");
  st.price_list = chosen.list->name;
  GC_ASSIGN_OR_RETURN(Quote quote,
                      quote_contract_in(tx, contract, items, *chosen.list, st.from, utc_offset));
  st.contract_total = quote.total;
  if (quote.unpriced_lines > 0)
    st.notes.push_back(std::to_string(quote.unpriced_lines) +
                       " contract line(s) have no price on the signing date; the contract total "
                       "leaves them out");

  std::map<std::string, CodeLine> codes;
  for (const auto& it : items) {
    auto svc = tx.find_service(it.service_code);
    if (!svc) continue;
    auto q = Decimal::parse(it.quantity, "quantity");
    auto in_unit = q ? q->times(convert_unit(it.unit_text, svc->unit).factor) : std::nullopt;
    if (!in_unit) continue;
    auto& c = codes[it.service_code];
    c.name = svc->name_zh;
    c.spans.emplace_back(it.starts_at, it.ends_at ? it.ends_at : st.to);
    c.quantities.push_back(*in_unit);
  }
  // What the lines give at once: the most over the starts of the lines.
  for (auto& [code, c] : codes) {
    for (const auto& [start, end] : c.spans) {
      std::int64_t at = 0;
      for (std::size_t i = 0; i < c.spans.size(); ++i)
        if (c.spans[i].first <= start && c.spans[i].second > start) at += c.quantities[i].micros();
      c.contracted = std::max(c.contracted, Decimal::from_micros(at));
    }
  }

  // The tenant's usage of the contract's codes, cut to the contract's period so far.
  std::vector<UsageInterval> usage;
  for (auto& iv : tx.metering().tenant_intervals(tenant->id.value, st.from, st.settled_to)) {
    if (!codes.count(iv.code)) continue;
    iv.start = std::max(iv.start, st.from);
    iv.end = std::min(iv.end.value_or(st.settled_to), st.settled_to);
    if (*iv.end < iv.start) continue;
    usage.push_back(std::move(iv));
  }
  std::map<std::string, SettlementItem> out;
  std::map<std::string, std::vector<std::pair<TimeMs, std::int64_t>>> changes;
  std::map<std::string, __int128> used;  // Σ quantity × ms over the period so far
  for (const auto& [code, c] : codes) {
    out[code].code = code;
    out[code].name = c.name;
    out[code].contracted = c.contracted;
  }
  for (const auto& iv : usage) {
    changes[iv.code].emplace_back(iv.start, iv.quantity.micros());
    changes[iv.code].emplace_back(*iv.end, -iv.quantity.micros());
    used[iv.code] += static_cast<__int128>(iv.quantity.micros()) * (*iv.end - iv.start);
  }
  auto book = price_book(tx.price_history(chosen.list->id, ""));
  const __int128 headroom_pct = contract.free_headroom_pct;
  for (RatingPeriod m = month_of(st.from, utc_offset); m.start < st.settled_to;
       m = month_of(m.end, utc_offset)) {
    SettlementMonth sm{m.month, tx.bills().find_closed_month(m.month) ? "issued" : "open", {}};
    std::map<std::string, std::pair<Money, __int128>> per_code;  // amount, average (micros)
    std::map<std::string, bool> by_time;
    for (const auto& line : rate_month(usage, book, m)) {
      auto& [amount, avg] = per_code[line.code];
      amount = *amount.plus(line.amount);
      avg += line.quantity.micros();
      by_time[line.code] = billed_by_time(line.period);
    }
    for (const auto& [code, pa] : per_code) {
      auto& item = out[code];
      const auto& [amount, q] = pa;
      item.rated = *item.rated.plus(amount);
      Money charged = amount;
      if (by_time[code]) {
        __int128 c = contracted_over(codes[code], m.start, m.end);
        __int128 h = c * headroom_pct / 100;
        if (q > c && q <= c + h) {
          charged = scaled(amount, c, q);  // the headroom is free
        } else if (q > c + h) {
          charged = scaled(amount, q - h, q);  // past the headroom: all but the headroom
          if (!item.over_headroom)
            item.notes.push_back(m.month + ": use above the contracted quantity and its " +
                                 std::to_string(contract.free_headroom_pct) + "% headroom");
          item.over_headroom = true;
        }
      }
      item.cost = *item.cost.plus(charged);
      sm.cost = *sm.cost.plus(charged);
    }
    st.cost_to_date = *st.cost_to_date.plus(sm.cost);
    st.months.push_back(std::move(sm));
  }
  const TimeMs elapsed = st.settled_to - st.from;
  for (auto& [code, item] : out) {
    item.peak = peak_of(changes[code]);
    item.average =
        Decimal::from_micros(elapsed > 0 ? static_cast<std::int64_t>(used[code] / elapsed) : 0);
    st.items.push_back(std::move(item));
  }
  st.forecast = elapsed > 0 ? scaled(st.cost_to_date, st.to - st.from, elapsed) : Money{};
  Money base = st.contract_total.units() > 0 ? st.contract_total : st.budget.value_or(Money{});
  st.budget_used_pct =
      base.units() > 0
          ? static_cast<int>(static_cast<__int128>(st.cost_to_date.units()) * 100 / base.units())
          : 0;

  // Payment milestones: fixed shares first; the final payment settles by actual usage.
  boost::system::error_code ec;
  auto payments = json::parse(contract.payment_json, ec);
  if (ec || !payments.is_array() || payments.as_array().empty()) {
    // No terms written: the whole contract settles by actual usage, capped at its total.
    payments = json::array{
        json::object{{"remainder", true}, {"condition_zh", "合同未列付款条件：按实际使用结算"}}};
  }
  if (payments.is_array()) {
    const auto& arr = payments.as_array();
    bool marked = false;
    for (const auto& p : arr)
      if (p.is_object() && (p.as_object().if_contains("remainder") ||
                            p.as_object().if_contains("settled_by_actual_usage")))
        marked = true;
    Money paid;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_object()) continue;
      const auto& p = arr[i].as_object();
      Milestone ms;
      ms.number = static_cast<int>(i) + 1;
      if (auto* c = p.if_contains("condition_zh"); c && c->is_string())
        ms.condition = c->as_string();
      ms.final_payment = marked ? (p.if_contains("remainder") != nullptr ||
                                   p.if_contains("settled_by_actual_usage") != nullptr)
                                : i + 1 == arr.size() && arr.size() > 1;
      if (ms.final_payment) {
        Money capped = std::min(st.cost_to_date, st.contract_total);
        std::int64_t due = capped.units() - paid.units();
        ms.amount = Money::from_units(std::max<std::int64_t>(0, due));
        ms.basis = "actual usage cost " + capped.str() + " (capped at the contract total " +
                   st.contract_total.str() + ") − paid before " + paid.str();
        if (due < 0)
          st.notes.push_back("the payments before the final one exceed the usage so far by " +
                             Money::from_units(-due).str());
      } else {
        GC_ASSIGN_OR_RETURN(ms.amount, payment_amount(p, st.contract_total));
        if (auto pct = number_text(p, "pct"))
          ms.basis = *pct + "% of the contract total " + st.contract_total.str();
        else
          ms.basis = "as written in the contract";
        paid = *paid.plus(ms.amount);
      }
      st.milestones.push_back(std::move(ms));
    }
  }
  return st;
}

}  // namespace bills

Result<Settlement> Billing::settlement(const Principal& who, const std::string& contract_id) {
  return store_.read([&](Tx& tx) -> Result<Settlement> {
    auto c = tx.find_contract(contract_id);
    auto tenant = c ? tx.find_org(c->tenant) : std::nullopt;
    if (!c || !tenant || !who.can(Action::kContractRead, tenant->path))
      return not_found("contract");
    return bills::settle(tx, *c, clock_.now(), utc_offset_minutes_);
  });
}

Result<int> Billing::send_budget_alerts(const RequestContext& ctx) {
  // Contracts are settled in a read (which may take a while over a year of usage), so writers
  // are not held up; only the alerts due are then written, each once.
  struct Due {
    Contract contract;
    int threshold;
    Money cost, total;
  };
  TimeMs now = clock_.now();
  auto due = store_.read([&](Tx& tx) -> Result<std::vector<Due>> {
    std::vector<Due> out;
    auto root = tx.find_root_org();
    if (!root) return out;
    for (const auto& c : tx.list_contracts({root->path})) {
      auto st = bills::settle(tx, c, now, utc_offset_minutes_);
      if (!st) continue;  // no list to settle with: nothing to alert on
      for (int threshold : {80, 100})
        if (st->budget_used_pct >= threshold)
          out.push_back(Due{c, threshold, st->cost_to_date, st->contract_total});
    }
    return out;
  });
  if (!due.ok()) return due.error();
  if (due->empty()) return 0;
  return store_.transact([&](Tx& tx) -> Result<int> {
    auto root = tx.find_root_org();
    if (!root) return 0;
    BindingQuery admins;
    admins.role = Role::kTenantAdmin;
    admins.within_paths = {root->path};
    auto bindings = tx.list_bindings(admins);
    int sent = 0;
    for (const auto& d : *due) {
      const Contract& c = d.contract;
      if (!tx.bills().record_budget_alert(c.id, d.threshold, now)) continue;
      auto tenant = tx.find_org(c.tenant);
      std::string message = "合同费用已达 " + std::to_string(d.threshold) +
                            "% / contract cost at " + std::to_string(d.threshold) + "%: " + c.name +
                            " " + d.cost.str() + " / " + d.total.str() + " 元";
      for (const auto& b : bindings) {
        auto scope = tx.find_org(b.scope);
        if (!scope || !tenant || !path_within(tenant->path, scope->path)) continue;
        workflow::notify(tx, b.user.value, c.tenant.value, message,
                         "/api/v1/contracts/" + c.id + "/settlement", now);
      }
      write_audit(tx, clock_, nullptr, ctx,
                  AuditEvent{"contract.budget_alert",
                             c.id,
                             c.tenant.value,
                             "success",
                             {{"threshold_pct", std::to_string(d.threshold)},
                              {"cost", d.cost.str()},
                              {"total", d.total.str()}}});
      ++sent;
    }
    return sent;
  });
}

json::object settlement_json(const Settlement& s) {
  json::array items, months, milestones, notes;
  for (const auto& i : s.items) {
    json::array n;
    for (const auto& t : i.notes) n.emplace_back(t);
    items.push_back(json::object{{"code", i.code},
                                 {"name", i.name},
                                 {"contracted", i.contracted.str()},
                                 {"peak", i.peak.str()},
                                 {"average", i.average.str()},
                                 {"rated", i.rated.str()},
                                 {"cost", i.cost.str()},
                                 {"over_headroom", i.over_headroom},
                                 {"notes", std::move(n)}});
  }
  for (const auto& m : s.months)
    months.push_back(json::object{{"month", m.month}, {"state", m.state}, {"cost", m.cost.str()}});
  for (const auto& m : s.milestones)
    milestones.push_back(json::object{{"number", m.number},
                                      {"condition", m.condition},
                                      {"basis", m.basis},
                                      {"amount", m.amount.str()},
                                      {"final", m.final_payment}});
  for (const auto& n : s.notes) notes.emplace_back(n);
  return json::object{{"contract_id", s.contract.id},
                      {"contract", s.contract.name},
                      {"package_id", s.contract.package_id},
                      {"tenant_id", s.contract.tenant.value},
                      {"price_list", s.price_list},
                      {"from", format_iso8601(s.from)},
                      {"to", format_iso8601(s.to)},
                      {"settled_to", format_iso8601(s.settled_to)},
                      {"free_headroom_pct", s.contract.free_headroom_pct},
                      {"contract_total", s.contract_total.str()},
                      {"budget", s.budget ? json::value(s.budget->str()) : json::value(nullptr)},
                      {"cost_to_date", s.cost_to_date.str()},
                      {"forecast", s.forecast.str()},
                      {"budget_used_pct", s.budget_used_pct},
                      {"items", std::move(items)},
                      {"months", std::move(months)},
                      {"milestones", std::move(milestones)},
                      {"notes", std::move(notes)}};
}

}  // namespace govcloud
