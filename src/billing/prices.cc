// Price lists and price history (CAT-04, CAT-05).
#include <yaml-cpp/yaml.h>

#include <regex>
#include <sstream>

#include "billing/billing.h"
#include "common/csv.h"
#include "store/bills_tx.h"

namespace govcloud {
namespace {

bool is_period(const std::string& p) {
  return p == "month" || p == "year" || p == "once" || p == "traffic";
}

// The price per catalog unit in the service's own period, for the ceiling check.
Money per_unit_in_service_period(const Price& p, const CatalogService& svc) {
  Money per_unit = p.amount.divided_by(p.per);
  if (p.period == "year" && svc.period == "month") return per_unit.divided_by(12);
  if (p.period == "month" && svc.period == "year") return Money::from_units(per_unit.units() * 12);
  return per_unit;
}

// A price takes effect on a date: from the start of that day in the platform's time zone. A
// past date is taken as long as no issued bill covers it: closing a month freezes the prices
// it used (decision 0012).
Status check_price(Tx& tx, Price& p, int utc_offset) {
  p.effective_from = start_of_local_day(p.effective_from, utc_offset);
  auto svc = tx.find_service(p.service_code);
  if (!svc)
    return Error{ErrorCode::kNotFound, "service '" + p.service_code + "' not found", "service"};
  if (svc->retired) return conflict("service '" + p.service_code + "' is retired", "service");
  if (svc->free)
    return invalid("service",
                   "'" + p.service_code + "' is an included service (CAT-02) and is never billed");
  if (p.period.empty()) p.period = svc->period.empty() ? "month" : svc->period;
  if (!is_period(p.period)) return invalid("period", "period must be month, year, once or traffic");
  if (p.per < 1 || p.per > 1000000) return invalid("per", "per must be 1-1000000");
  if (p.amount.units() < 0) return invalid("amount", "amount must not be negative");
  // A billion yuan per unit is beyond any catalog price and keeps every product exact.
  if (p.amount > Money::from_yuan(1000000000))
    return invalid("amount", "amount must be at most 1000000000 yuan");
  p.unit = svc->unit;
  if (svc->price_ceiling) {
    Money normalized = per_unit_in_service_period(p, *svc);
    if (normalized > *svc->price_ceiling)
      return invalid("amount", p.service_code + ": " + normalized.str() + " 元 per " + svc->unit +
                                   " per " + svc->period + " exceeds the ceiling (最高限价) of " +
                                   svc->price_ceiling->str() + " (" + svc->ceiling_basis + ")");
  }
  if (auto closed = tx.bills().last_closed_month(); closed && p.effective_from < closed->end)
    return conflict("bills are issued through " + closed->month +
                        "; a price can take effect from " +
                        format_local_date(closed->end, utc_offset) +
                        " on (correct an issued bill with an adjustment)",
                    "effective_from");
  if (tx.price_at(p.price_list_id, p.service_code, p.effective_from)
          .value_or(Price{})
          .effective_from == p.effective_from)
    return conflict("a price of " + p.service_code + " already takes effect on " +
                        format_local_date(p.effective_from, utc_offset) +
                        "; add a version on another date",
                    "effective_from");
  return ok_status();
}

Result<PriceList> writable_list(Tx& tx, const Principal& who, const std::string& list) {
  auto l = tx.find_price_list(list);
  if (!l) return Error{ErrorCode::kNotFound, "price list '" + list + "' not found", "price_list"};
  auto org = tx.find_org(l->org);
  if (!org || !who.can(Action::kPriceWrite, org->path)) return denied("not allowed: price.write");
  return *l;
}

}  // namespace

Billing::Billing(Store& store, const Clock& clock, int utc_offset_minutes)
    : store_(store), clock_(clock), utc_offset_minutes_(utc_offset_minutes) {}

Result<PriceList> Billing::create_price_list(const Principal& who, const std::string& name,
                                             const OrgId& org, const std::string& description,
                                             const RequestContext& ctx) {
  if (name.empty() || name.size() > 100) return invalid("name", "name is required (≤100 bytes)");
  if (description.size() > 2000) return invalid("description", "description is too long");
  return store_.transact([&](Tx& tx) -> Result<PriceList> {
    auto o = tx.find_org(org);
    if (!o || !(who.can(Action::kOrgRead, o->path) || who.can(Action::kPriceWrite, o->path)))
      return Error{ErrorCode::kNotFound, "org not found", "org_id"};
    if (o->type != OrgType::kManagementUnit && o->type != OrgType::kPlatform)
      return invalid("org_id", "a price list belongs to a management unit or the platform");
    if (!who.can(Action::kPriceWrite, o->path)) return denied("not allowed: price.write");
    if (tx.find_price_list(name)) return conflict("price list '" + name + "' exists", "name");
    PriceList l{new_id("pl"), o->id, name, description, clock_.now(), who.user.value};
    tx.insert_price_list(l);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"price_list.create", l.id, o->id.value, "success", {{"name", name}}});
    return l;
  });
}

Result<std::vector<PriceList>> Billing::list_price_lists(const Principal& who) {
  (void)who;  // prices are published to every signed-in user (CAT-05)
  return store_.read([&](Tx& tx) -> Result<std::vector<PriceList>> {
    auto root = tx.find_root_org();
    return tx.list_price_lists({root ? root->path : "/"});
  });
}

Result<PriceList> Billing::get_price_list(const Principal& who, const std::string& id_or_name) {
  (void)who;
  return store_.read([&](Tx& tx) -> Result<PriceList> {
    auto l = tx.find_price_list(id_or_name);
    if (!l)
      return Error{ErrorCode::kNotFound, "price list '" + id_or_name + "' not found", "price_list"};
    return *l;
  });
}

Result<Price> Billing::set_price(const Principal& who, const std::string& list,
                                 const PriceInput& in, const RequestContext& ctx) {
  GC_ASSIGN_OR_RETURN(Money amount, Money::parse(in.amount, "amount"));
  return store_.transact([&](Tx& tx) -> Result<Price> {
    GC_ASSIGN_OR_RETURN(PriceList l, writable_list(tx, who, list));
    Price p;
    p.price_list_id = l.id;
    p.service_code = in.service_code;
    p.amount = amount;
    p.per = in.per;
    p.period = in.period;
    p.effective_from = in.effective_from ? in.effective_from : clock_.now();
    p.created_by = who.user.value;
    p.created_at = clock_.now();
    GC_TRY(check_price(tx, p, utc_offset_minutes_));
    tx.insert_price(p);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"price.set",
                           l.id + "/" + p.service_code,
                           l.org.value,
                           "success",
                           {{"amount", p.amount.str()},
                            {"per", std::to_string(p.per)},
                            {"period", p.period},
                            {"effective_from", format_iso8601(p.effective_from)}}});
    return p;
  });
}

Result<std::vector<Price>> Billing::prices(const Principal& who, const std::string& list,
                                           std::optional<TimeMs> at, const std::string& code) {
  GC_ASSIGN_OR_RETURN(PriceList l, get_price_list(who, list));
  return store_.read([&](Tx& tx) -> Result<std::vector<Price>> {
    auto all = tx.price_history(l.id, code);
    if (!at) return all;
    // Everything that takes effect on the date applies to all of it.
    TimeMs day_end = start_of_local_day(*at, utc_offset_minutes_) + kDayMs - 1;
    std::vector<Price> out;
    for (const auto& p : all) {
      if (p.effective_from > day_end) continue;
      if (!out.empty() && out.back().service_code == p.service_code)
        out.back() = p;
      else
        out.push_back(p);
    }
    return out;
  });
}

Result<int> Billing::import_prices(const Principal& who, const std::string& list,
                                   const std::string& format, const std::string& text,
                                   const RequestContext& ctx) {
  std::vector<PriceInput> rows;
  auto parse_date = [](const std::string& v, int row, TimeMs& out) -> Status {
    if (v.empty()) {
      out = 0;
      return ok_status();
    }
    if (!parse_iso8601(v, out))
      return invalid("prices[" + std::to_string(row) + "].effective_from",
                     "effective_from must be a date such as 2027-01-01");
    return ok_status();
  };
  if (format == "yaml") {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      return invalid("body", std::string("not YAML: ") + e.what());
    }
    // operator[] throws on a scalar or a list, so the shape is checked first.
    if (!root.IsMap() || !root["prices"] || !root["prices"].IsSequence())
      return invalid("prices", "expected a top-level 'prices' list");
    int i = 0;
    for (const auto& n : root["prices"]) {
      std::string f = "prices[" + std::to_string(i) + "]";
      if (!n.IsMap() || !n["service"] || !n["amount"])
        return invalid(f, f + ": each price names service and amount");
      PriceInput in;
      try {
        in.service_code = n["service"].as<std::string>();
        in.amount = n["amount"].as<std::string>();
        in.per = n["per"] ? n["per"].as<std::int64_t>() : 1;
        in.period = n["period"] ? n["period"].as<std::string>() : "";
        GC_TRY(parse_date(n["effective_from"] ? n["effective_from"].as<std::string>() : "", i,
                          in.effective_from));
      } catch (const YAML::Exception& e) {
        return invalid(f, f + ": " + e.what());
      }
      rows.push_back(in);
      ++i;
    }
  } else if (format == "csv") {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || split_csv_line(line).size() < 2 ||
        split_csv_line(line)[0] != "service")
      return invalid("body",
                     "CSV must start with the header service,amount,per,period,effective_from");
    int i = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line == "\r") continue;
      auto cells = split_csv_line(line);
      cells.resize(5);
      PriceInput p;
      p.service_code = cells[0];
      p.amount = cells[1];
      if (!cells[2].empty()) {
        try {
          p.per = std::stoll(cells[2]);
        } catch (...) {
          return invalid("prices[" + std::to_string(i) + "].per", "per must be an integer");
        }
      }
      p.period = cells[3];
      GC_TRY(parse_date(cells[4], i, p.effective_from));
      rows.push_back(p);
      ++i;
    }
  } else {
    return invalid("format", "format must be yaml or csv");
  }
  if (rows.empty()) return invalid("prices", "no prices to import");
  if (rows.size() > 10000) return invalid("prices", "at most 10000 prices per import");
  return store_.transact([&](Tx& tx) -> Result<int> {
    GC_ASSIGN_OR_RETURN(PriceList l, writable_list(tx, who, list));
    int i = 0;
    for (const auto& in : rows) {
      std::string f = "prices[" + std::to_string(i++) + "]";
      auto amount = Money::parse(in.amount, f + ".amount");
      if (!amount.ok()) return amount.error();
      Price p;
      p.price_list_id = l.id;
      p.service_code = in.service_code;
      p.amount = amount.value();
      p.per = in.per;
      p.period = in.period;
      p.effective_from = in.effective_from ? in.effective_from : clock_.now();
      p.created_by = who.user.value;
      p.created_at = clock_.now();
      auto st = check_price(tx, p, utc_offset_minutes_);
      if (!st.ok()) {
        Error e = st.error();
        e.message = f + " (" + in.service_code + "): " + e.message;
        e.field = f + "." + (e.field.empty() ? "service" : e.field);
        return e;
      }
      tx.insert_price(p);
    }
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"price.import",
                           l.id,
                           l.org.value,
                           "success",
                           {{"rows", std::to_string(rows.size())}, {"format", format}}});
    return static_cast<int>(rows.size());
  });
}

Result<std::string> Billing::export_prices(const Principal& who, const std::string& list,
                                           const std::string& format, std::optional<TimeMs> at) {
  if (format != "yaml" && format != "csv") return invalid("format", "format must be yaml or csv");
  GC_ASSIGN_OR_RETURN(auto rows, prices(who, list, at, ""));
  std::string out;
  auto date = [this](TimeMs t) { return format_local_date(t, utc_offset_minutes_); };
  if (format == "csv") {
    out = "service,amount,per,period,effective_from\n";
    for (const auto& p : rows)
      out += csv_field(p.service_code) + "," + p.amount.str() + "," + std::to_string(p.per) + "," +
             p.period + "," + date(p.effective_from) + "\n";
    return out;
  }
  YAML::Emitter y;
  y << YAML::BeginMap << YAML::Key << "prices" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : rows) {
    y << YAML::BeginMap << YAML::Key << "service" << YAML::Value << p.service_code << YAML::Key
      << "amount" << YAML::Value << p.amount.str() << YAML::Key << "per" << YAML::Value << p.per
      << YAML::Key << "period" << YAML::Value << p.period << YAML::Key << "effective_from"
      << YAML::Value << date(p.effective_from) << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace govcloud
