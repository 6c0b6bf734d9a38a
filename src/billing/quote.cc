// Itemised quotes (分项报价表): per line the unit price, quantity, unit, months and line total,
// the grand total beside the budget. Unit and period conversions are explicit in each line.
#include <boost/json.hpp>

#include "billing/billing.h"
#include "billing/bills_internal.h"
#include "catalog/catalog.h"

namespace govcloud {

namespace json = boost::json;

namespace {

struct LineInput {
  ContractItem item;
  Decimal quantity;
};

std::string field_of(int line) {
  return "package.items[" + std::to_string(line - 1) + "].quantity";
}

Result<Quote> build_quote(Tx& tx, const std::string& package_id, const std::string& name,
                          std::optional<Money> budget, std::optional<int> contract_months,
                          const std::vector<LineInput>& lines, const PriceList& list, TimeMs at,
                          int utc_offset) {
  // A price effective on a date applies to all of that date in the platform's time zone.
  TimeMs day_end = start_of_local_day(at, utc_offset) + kDayMs - 1;
  std::string day = format_local_date(at, utc_offset);
  Quote q;
  q.package_id = package_id;
  q.name = name;
  q.price_list = list.name;
  q.at = at;
  q.date = day;
  q.budget = budget;
  for (const auto& in : lines) {
    const ContractItem& it = in.item;
    QuoteLine l;
    l.line = it.line;
    l.service_code = it.service_code;
    l.name_zh = it.name_zh;
    l.quantity = it.quantity;
    l.unit = it.unit_text;
    l.months = it.months ? std::to_string(*it.months) : it.months_text;
    l.batch_or_system = it.batch ? "batch " + std::to_string(*it.batch) : it.system;
    auto svc = tx.find_service(it.service_code);
    if (!svc) return not_found("service '" + it.service_code + "'");
    auto conv = convert_unit(it.unit_text, svc->unit);
    auto in_catalog_unit = in.quantity.times(conv.factor);
    if (!in_catalog_unit)
      return invalid(field_of(l.line), "quantity × unit does not fit; check the quantity");
    l.catalog_quantity = *in_catalog_unit;
    if (conv.factor != 1) {
      l.conversion =
          it.quantity + " × " + it.unit_text + " = " + l.catalog_quantity.str() + " " + svc->unit;
      l.notes.push_back(l.conversion);
    }
    if (!conv.note.empty()) l.notes.push_back(conv.note);
    if (svc->free) {
      l.free = true;
      l.unit_price = Money{};
      l.notes.push_back("included service, not billed (CAT-02)");
      q.lines.push_back(std::move(l));
      continue;
    }
    auto price = tx.price_at(list.id, it.service_code, day_end);
    if (!price) {
      l.notes.push_back("no price in '" + list.name + "' on " + day);
      ++q.unpriced_lines;
      q.lines.push_back(std::move(l));
      continue;
    }
    // Periods billed: months for monthly prices, months/12 for yearly ones, one for once.
    std::optional<int> months = it.months;
    if (!months && (price->period == "month" || price->period == "year")) {
      if (price->period == "month" && contract_months) {
        months = contract_months;
        l.notes.push_back("months not stated; the contract's " + std::to_string(*contract_months) +
                          " months are used");
      }
    }
    std::int64_t divisor = price->per;
    if (price->period == "month") {
      l.periods = Decimal::from_int(months.value_or(1));
      if (!months) l.notes.push_back("months not stated; one month is quoted");
    } else if (price->period == "year") {
      // months/12 years, divided at the end so that 11/12 stays exact.
      l.periods = Decimal::from_int(months.value_or(12));
      divisor *= 12;
      if (months && *months % 12 != 0)
        l.notes.push_back(std::to_string(*months) +
                          " months of a yearly price = " + std::to_string(*months) + "/12 years");
      if (!months) l.notes.push_back("one year quoted (months: '" + it.months_text + "')");
    } else {
      l.periods = Decimal::from_int(1);
      if (!it.note.empty()) l.notes.push_back("frequency as written: " + it.note);
    }
    l.unit_price = price->amount.divided_by(price->per);
    l.period_unit = price->period == "year" ? "month (of a yearly price)" : price->period;
    l.price_basis = price->amount.str() + " 元 per " +
                    (price->per == 1 ? "" : std::to_string(price->per) + " ") + price->unit +
                    " per " + price->period;
    auto total = price->amount.times(l.catalog_quantity, l.periods, divisor);
    if (!total) return invalid(field_of(l.line), "the line total does not fit; check its quantity");
    l.total = total->round_to_fen();
    if (svc->price_ceiling && price->period == svc->period &&
        price->amount.divided_by(price->per) > *svc->price_ceiling) {
      l.over_ceiling = true;
      l.notes.push_back("unit price above the ceiling (最高限价) " + svc->price_ceiling->str());
    }
    auto sum = q.total.plus(l.total);
    if (!sum) return invalid(field_of(l.line), "the grand total does not fit");
    q.total = *sum;
    q.lines.push_back(std::move(l));
  }
  q.over_budget = q.budget && q.total > *q.budget;
  int billable = 0;
  for (const auto& l : q.lines) billable += l.free ? 0 : 1;
  if (billable > 0 && q.unpriced_lines == billable) {
    TimeMs earliest = 0;
    for (const auto& p : tx.price_history(list.id, ""))
      if (earliest == 0 || p.effective_from < earliest) earliest = p.effective_from;
    q.note = "no price in force on " + day + " in '" + list.name + "'; " +
             (earliest ? "the earliest takes effect on " + format_local_date(earliest, utc_offset)
                       : std::string("the list has no prices yet"));
  }
  return q;
}

Result<PriceList> find_list(Tx& tx, const std::string& list) {
  auto l = tx.find_price_list(list);
  if (!l) return Error{ErrorCode::kNotFound, "price list '" + list + "' not found", "price_list"};
  return *l;
}

}  // namespace

Result<Quote> bills::quote_contract_in(Tx& tx, const Contract& c,
                                       const std::vector<ContractItem>& items,
                                       const PriceList& list, TimeMs at, int utc_offset) {
  std::vector<LineInput> lines;
  for (const auto& it : items) {
    GC_ASSIGN_OR_RETURN(Decimal q, Decimal::parse(it.quantity, "quantity"));
    lines.push_back(LineInput{it, q});
  }
  return build_quote(tx, c.package_id, c.name, c.budget, c.months, lines, list, at, utc_offset);
}

Result<Quote> Billing::quote_contract(const Principal& who, const std::string& contract_id,
                                      const std::string& list, TimeMs at) {
  GC_ASSIGN_OR_RETURN(auto pair, get_contract(who, contract_id));
  return store_.read([&](Tx& tx) -> Result<Quote> {
    GC_ASSIGN_OR_RETURN(PriceList pl, find_list(tx, list));
    return bills::quote_contract_in(tx, pair.first, pair.second, pl, at, utc_offset_minutes_);
  });
}

Result<Quote> Billing::quote_package(const Principal& who, const json::value& package,
                                     const std::string& list, TimeMs at) {
  (void)who;  // a quote of a package not yet imported reads only public prices
  return store_.read([&](Tx& tx) -> Result<Quote> {
    GC_ASSIGN_OR_RETURN(PriceList pl, find_list(tx, list));
    GC_ASSIGN_OR_RETURN(ParsedPackage pkg, parse_package(tx, package));
    std::vector<LineInput> lines;
    for (const auto& l : pkg.lines) lines.push_back(LineInput{l.item, l.quantity});
    return build_quote(tx, pkg.id, pkg.name, pkg.budget, pkg.months, lines, pl, at,
                       utc_offset_minutes_);
  });
}

json::value quote_json(const Quote& q) {
  json::array lines;
  for (const auto& l : q.lines) {
    json::array notes;
    for (const auto& n : l.notes) notes.emplace_back(n);
    lines.push_back(json::object{
        {"line", l.line},
        {"service_code", l.service_code},
        {"name_zh", l.name_zh},
        {"quantity", l.quantity},
        {"unit", l.unit},
        {"months", l.months},
        {"batch_or_system", l.batch_or_system},
        {"catalog_quantity", l.catalog_quantity.str()},
        {"conversion", l.conversion},
        {"periods", l.periods.str()},
        {"period_unit", l.period_unit},
        {"unit_price", l.unit_price ? json::value(l.unit_price->str()) : json::value(nullptr)},
        {"price_basis", l.price_basis},
        {"total", l.total.str()},
        {"free", l.free},
        {"over_ceiling", l.over_ceiling},
        {"notes", std::move(notes)}});
  }
  return json::object{{"package_id", q.package_id},
                      {"name", q.name},
                      {"price_list", q.price_list},
                      {"at", format_iso8601(q.at)},
                      {"date", q.date},
                      {"note", q.note},
                      {"lines", std::move(lines)},
                      {"total", q.total.str()},
                      {"budget", q.budget ? json::value(q.budget->str()) : json::value(nullptr)},
                      {"over_budget", q.over_budget},
                      {"unpriced_lines", q.unpriced_lines}};
}

}  // namespace govcloud
