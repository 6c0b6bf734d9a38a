// Usage other systems report and history from another platform (issue 11 §1): every row
// checked — the system and tenant, the catalog code, a quantity that is not negative in a unit
// that converts to the catalog's, a start and an end in order — and every failing row named by
// its line; a batch or a file is kept whole or not at all.
#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>

#include "catalog/catalog.h"
#include "common/csv.h"
#include "common/utf8.h"
#include "metering/metering.h"
#include "store/bills_tx.h"
#include "store/metering_tx.h"
#include "tenancy/tenancy.h"

namespace govcloud {
namespace {

constexpr std::size_t kMaxRows = 100000;
constexpr std::size_t kMaxErrorsShown = 20;
const char* const kHeader = "event_id,tenant,system,code,quantity,unit,start,end";

struct RowError {
  int line;
  std::string field;
  std::string reason;
};

// What a unit measures ("100GB" → bytes, "Mbps" → rate, "1 系统" → a count), so 5 Mbps is
// never taken as 5 GB: quotes are lenient with words they do not know, metering is not.
std::string dimension(const std::string& unit) {
  std::string word;
  for (char c : unit)
    if (c > 0 && std::isalpha(static_cast<unsigned char>(c)))
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (word == "gb" || word == "tb" || word == "mb" || word == "gbtraffic") return "bytes";
  if (word == "mbps") return "rate";
  if (word == "cpu" || word == "vcpu") return "cpu";
  if (word == "ip" || word == "gpu" || word == "npu" || word == "tflops" || word == "tflop")
    return word;
  return "count";
}

// Looks up systems and catalog items once per intake.
class Resolver {
 public:
  Resolver(Tx& tx, const Principal& who) : tx_(tx), who_(who) {}

  // Everything a batch looks up is looked up once: rows of a batch share systems, items, units
  // and, mostly, times (a sender reports a period's counters together).
  const Org* system(const std::string& id_or_name, std::string& why) {
    if (auto it = systems_.find(id_or_name); it != systems_.end()) return &it->second;
    std::optional<Org> found;
    if (auto org = tx_.find_org(OrgId{id_or_name}); org) {
      found = org;
    } else {
      OrgQuery q;
      q.within_paths = {"/"};
      q.type = OrgType::kBusinessSystem;
      q.keyword = id_or_name;
      q.page.limit = 50;
      int exact = 0;
      for (const auto& o : tx_.list_orgs(q).items)
        if (o.name == id_or_name) {
          found = o;
          ++exact;
        }
      if (exact > 1) {
        why = "more than one business system is named '" + id_or_name + "'; give its id";
        return nullptr;
      }
    }
    // A system the caller may not report for is as unknown as one that does not exist.
    if (!found || found->type != OrgType::kBusinessSystem ||
        !who_.can(Action::kUsageReport, found->path)) {
      why = "no business system '" + id_or_name + "'";
      return nullptr;
    }
    return &(systems_[id_or_name] = *found);
  }

  const std::string& tenant_of(const Org& system) {
    auto it = tenants_.find(system.id.value);
    if (it != tenants_.end()) return it->second;
    return tenants_[system.id.value] = tenant_of_path(tx_, system.path);
  }

  bool tenant_matches(const std::string& tenant_id, const std::string& written) {
    if (written.empty() || written == tenant_id) return true;
    auto key = std::make_pair(tenant_id, written);
    if (auto it = tenant_names_.find(key); it != tenant_names_.end()) return it->second;
    auto org = tx_.find_org(OrgId{tenant_id});
    return tenant_names_[key] = org && org->name == written;
  }

  const CatalogService* service(const std::string& code) {
    if (auto it = services_.find(code); it != services_.end()) return &it->second;
    auto svc = tx_.find_service(code);
    if (!svc) return nullptr;
    return &(services_[code] = *svc);
  }

  // The factor from a written unit to the item's, or nullopt when it does not measure the same.
  std::optional<std::int64_t> factor(const std::string& unit, const CatalogService& svc) {
    auto key = std::make_pair(unit, svc.code);
    if (auto it = factors_.find(key); it != factors_.end()) return it->second;
    auto conv = convert_unit(unit, svc.unit);
    std::string written_dim = dimension(unit);
    std::optional<std::int64_t> f;
    if (conv.understood && (written_dim == "count" || written_dim == dimension(svc.unit)))
      f = conv.factor;
    return factors_[key] = f;
  }

  std::optional<TimeMs> instant(const std::string& text) {
    if (auto it = instants_.find(text); it != instants_.end()) return it->second;
    TimeMs t = 0;
    std::optional<TimeMs> out;
    if (parse_iso8601_instant(text, t)) out = t;
    if (instants_.size() < 100000) instants_[text] = out;
    return out;
  }

 private:
  Tx& tx_;
  const Principal& who_;
  std::map<std::string, Org> systems_;
  std::map<std::string, std::string> tenants_;  // system → its tenant
  std::map<std::string, CatalogService> services_;
  std::map<std::pair<std::string, std::string>, bool> tenant_names_;
  std::map<std::pair<std::string, std::string>, std::optional<std::int64_t>> factors_;
  std::unordered_map<std::string, std::optional<TimeMs>> instants_;
};

// One row checked and turned into an interval, or the first thing wrong with it.
std::optional<RowError> interval_of(Resolver& r, const ReportedUsage& u, int line,
                                    UsageSource source, const std::optional<ClosedMonth>& closed,
                                    UsageInterval& out) {
  auto bad = [&](const char* field, std::string reason) {
    return RowError{line, field, std::move(reason)};
  };
  if (u.event_id.empty() || u.event_id.size() > 128)
    return bad("event_id", "an event id of 1–128 characters is needed");
  std::string why;
  auto system = r.system(u.system, why);
  if (!system) return bad("system", why);
  const std::string& tenant = r.tenant_of(*system);
  if (!r.tenant_matches(tenant, u.tenant))
    return bad("tenant", "system '" + u.system + "' is not tenant '" + u.tenant + "''s");
  auto svc = r.service(u.code);
  if (!svc) return bad("code", "no catalog item '" + u.code + "'");
  auto quantity = Decimal::parse(u.quantity, "quantity");
  if (!quantity.ok()) return bad("quantity", "quantity '" + u.quantity + "' is not a number");
  if (quantity->micros() < 0) return bad("quantity", "a quantity must not be negative");
  Decimal in_catalog_unit = *quantity;
  std::string written = u.quantity + (u.unit.empty() ? "" : " × " + u.unit);
  if (!u.unit.empty()) {
    auto factor = r.factor(u.unit, *svc);
    if (!factor)
      return bad("unit",
                 "unit '" + u.unit + "' does not convert to " + svc->unit + " (" + u.code + ")");
    auto times = quantity->times(*factor);
    if (!times) return bad("quantity", "quantity too large");
    in_catalog_unit = *times;
  }
  auto start_at = r.instant(u.start);
  if (!start_at)
    return bad("start", "start '" + u.start + "' is not an ISO 8601 time with an offset");
  TimeMs start = *start_at, end = 0;
  if (!u.end.empty()) {
    auto end_at = r.instant(u.end);
    if (!end_at) return bad("end", "end '" + u.end + "' is not an ISO 8601 time with an offset");
    end = *end_at;
  }
  if (!u.end.empty() && end < start) return bad("end", "end is before start");
  // An issued bill never changes: usage of a closed month is a matter for an adjustment.
  if (closed && start < closed->end)
    return bad("start", "bills are issued through " + closed->month +
                            "; usage before its end is frozen (correct it with an adjustment)");
  out = UsageInterval{};
  out.key = tenant + ":" + u.event_id;
  out.source = source;
  out.tenant_id = tenant;
  out.system_id = system->id.value;
  out.org_path = system->path;
  out.code = svc->code;
  out.quantity = in_catalog_unit;
  out.written = written;
  out.start = start;
  if (!u.end.empty()) out.end = end;
  return std::nullopt;
}

Error row_errors(const std::vector<RowError>& errors) {
  std::string message = std::to_string(errors.size()) + " row(s) cannot be taken, nothing kept:";
  for (std::size_t i = 0; i < errors.size() && i < kMaxErrorsShown; ++i)
    message += " line " + std::to_string(errors[i].line) + " (" + errors[i].field +
               "): " + errors[i].reason + ";";
  if (errors.size() > kMaxErrorsShown) message += " …";
  return invalid("line " + std::to_string(errors.front().line) + "." + errors.front().field,
                 message);
}

}  // namespace

Result<UsageIntake> Metering::take(const Principal& who, const std::vector<ReportedUsage>& rows,
                                   const std::vector<int>& lines, UsageSource source,
                                   const RequestContext& ctx) {
  if (!who.can_anywhere(Action::kUsageReport)) return denied("not allowed: usage.report");
  return store_.transact([&](Tx& tx) -> Result<UsageIntake> {
    Resolver r(tx, who);
    const auto closed = tx.bills().last_closed_month();
    std::vector<RowError> errors;
    std::vector<UsageInterval> intervals;
    intervals.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      UsageInterval in;
      if (auto e = interval_of(r, rows[i], lines[i], source, closed, in))
        errors.push_back(*e);
      else
        intervals.push_back(std::move(in));
    }
    if (!errors.empty()) return row_errors(errors);
    UsageIntake out;
    for (const auto& in : intervals) {
      if (tx.metering().insert_interval(in))
        ++out.accepted;
      else
        ++out.duplicates;
    }
    AuditEvent e{source == UsageSource::kImported ? "usage.import" : "usage.report",
                 "usage",
                 "",
                 "success",
                 {}};
    e.detail["accepted"] = std::to_string(out.accepted);
    e.detail["duplicates"] = std::to_string(out.duplicates);
    write_audit(tx, clock_, &who, ctx, e);
    return out;
  });
}

Result<UsageIntake> Metering::report(const Principal& who, const std::vector<ReportedUsage>& events,
                                     const RequestContext& ctx) {
  if (events.empty()) return invalid("events", "no events");
  if (events.size() > 10000) return invalid("events", "at most 10,000 events per batch");
  std::vector<int> lines(events.size());
  for (std::size_t i = 0; i < lines.size(); ++i) lines[i] = static_cast<int>(i) + 1;
  return take(who, events, lines, UsageSource::kReported, ctx);
}

Result<UsageIntake> Metering::import_csv(const Principal& who, std::string_view csv,
                                         const RequestContext& ctx) {
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);  // a spreadsheet's BOM
  std::vector<ReportedUsage> rows;
  std::vector<int> lines;
  std::vector<RowError> errors;
  int line = 0;
  std::size_t at = 0;
  while (at < csv.size()) {
    std::size_t nl = csv.find('\n', at);
    std::string text(csv.substr(at, nl == std::string_view::npos ? csv.size() - at : nl - at));
    at = nl == std::string_view::npos ? csv.size() : nl + 1;
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (!is_valid_utf8(text)) {
      errors.push_back({line, "line", "not UTF-8 text"});
      continue;
    }
    if (line == 1) {
      if (text != kHeader) return invalid("line 1", std::string("the header must be ") + kHeader);
      continue;
    }
    if (text.empty()) continue;
    auto cells = split_csv_line(text);
    if (cells.size() != 8) {
      errors.push_back({line, "line", "8 columns expected, found " + std::to_string(cells.size())});
      continue;
    }
    rows.push_back(ReportedUsage{cells[0], cells[1], cells[2], cells[3], cells[4], cells[5],
                                 cells[6], cells[7]});
    lines.push_back(line);
    if (rows.size() > kMaxRows)
      return invalid("line " + std::to_string(line), "at most 100,000 rows per file");
  }
  if (line == 0) return invalid("line 1", std::string("an empty file; the header is ") + kHeader);
  if (!errors.empty()) return row_errors(errors);
  if (rows.empty()) return UsageIntake{};
  return take(who, rows, lines, UsageSource::kImported, ctx);
}

}  // namespace govcloud
