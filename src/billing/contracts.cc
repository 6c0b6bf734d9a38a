// Procurement packages as contracts (采购合同/采购包) and the quotas they grant (TEN-06).
#include <boost/json.hpp>
#include <charconv>
#include <set>

#include "billing/billing.h"
#include "catalog/catalog.h"
#include "tenancy/tenancy.h"

namespace govcloud {

namespace json = boost::json;

namespace {

// A scalar as the document wrote it: numbers and strings alike become text.
std::string scalar_text(const json::value* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_bool()) return v->as_bool() ? "true" : "false";
  if (v->is_double()) {
    // The shortest text that reads back as the same double: 1066.24, not 1.06624E3, so that a
    // budget or quantity sent as a JSON number parses as the decimal the sender wrote.
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v->as_double());
    return ec == std::errc{} ? std::string(buf, end) : json::serialize(*v);
  }
  return json::serialize(*v);
}

// Bounds that keep every product exact in 64/128-bit fixed point: a trillion of a unit per line
// and a budget of 10^8 万元 are far beyond any procurement.
constexpr std::int64_t kMaxCatalogQuantity = 1000000000000;
constexpr std::int64_t kMaxBudgetWanMicros = std::int64_t{100000000} * Decimal::kScale;

std::optional<int> as_int(const std::string& text) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoi(text);
}

// The resource a service's quota mapping draws from its quantity, if any.
std::string quantity_resource(const CatalogService& svc) {
  boost::system::error_code ec;
  auto q = json::parse(svc.quota_json, ec);
  if (ec || !q.is_object()) return "";
  for (const auto& kv : q.as_object())
    if (kv.value().is_string() && kv.value().as_string() == "quantity")
      return std::string(kv.key());
  return "";
}

Result<Vdc> contract_vdc(Tx& tx, const Org& tenant, const std::optional<VdcId>& wanted) {
  if (wanted) {
    auto v = tx.find_vdc(*wanted);
    if (!v || v->org != tenant.id)
      return Error{ErrorCode::kNotFound, "VDC not found for this tenant", "vdc_id"};
    return *v;
  }
  if (auto top = top_vdc_of(tx, tenant)) return *top;
  return invalid("vdc_id", "the tenant has no VDC yet; create one (govcloud vdc create) first");
}

// Limits now = the sum of the grants in force (TEN-06).
Result<int> apply_schedule(Tx& tx, const Vdc& vdc, TimeMs now,
                           std::map<std::string, std::string>* changes) {
  std::map<std::string, std::int64_t> want;
  for (const auto& g : tx.quota_grants(vdc.id)) {
    want.try_emplace(g.resource, 0);
    if (g.starts_at <= now && (g.ends_at == 0 || now < g.ends_at)) want[g.resource] += g.amount;
  }
  int changed = 0;
  for (const auto& [resource, limit] : want) {
    auto current = tx.quota_row(vdc.id, resource).first;
    if (current == limit) continue;
    GC_TRY(set_limit_checked(tx, vdc, resource, limit));
    if (changes) (*changes)[resource] = std::to_string(current) + "->" + std::to_string(limit);
    ++changed;
  }
  return changed;
}

// Per resource, the VDC's limit once the contract's grants in force now apply, against what
// the VDC it is carved from has left (the old limit returns first) and what is in use.
std::vector<QuotaPlanLine> quota_plan(Tx& tx, const Vdc& vdc, TimeMs now) {
  std::map<std::string, std::int64_t> want;
  for (const auto& g : tx.quota_grants(vdc.id)) {
    want.try_emplace(g.resource, 0);
    if (g.starts_at <= now && (g.ends_at == 0 || now < g.ends_at)) want[g.resource] += g.amount;
  }
  std::optional<Vdc> parent = vdc.parent ? tx.find_vdc(*vdc.parent) : std::nullopt;
  std::vector<QuotaPlanLine> out;
  for (const auto& [resource, needed] : want) {
    QuotaLine cur = quota_line_of(tx, vdc, resource);
    QuotaPlanLine l;
    l.resource = resource;
    l.vdc_name = vdc.name;
    l.current = cur.limit;
    l.needed = needed;
    l.in_use = cur.used + cur.allocated;
    if (parent) {
      l.from_vdc_name = parent->name;
      l.available = quota_line_of(tx, *parent, resource).available() + cur.limit;
    } else {
      l.available = needed;  // a root VDC is the platform's own capacity
    }
    l.fits = needed <= l.available && needed >= l.in_use;
    out.push_back(l);
  }
  return out;
}

std::string describe_shortfall(const QuotaPlanLine& q) {
  if (q.needed > q.available)
    return q.resource + " needs " + std::to_string(q.needed) + " in VDC " + q.vdc_name + ", " +
           std::to_string(q.available) + " left in " + q.from_vdc_name + " (short by " +
           std::to_string(q.needed - q.available) + ")";
  return q.resource + " would drop to " + std::to_string(q.needed) + " in VDC " + q.vdc_name +
         ", below the " + std::to_string(q.in_use) + " in use";
}

}  // namespace

Result<ParsedPackage> parse_package(Tx& tx, const json::value& package) {
  if (!package.is_object()) return invalid("package", "package must be an object");
  const auto& p = package.as_object();
  ParsedPackage out;
  out.id = scalar_text(p.if_contains("id"));
  if (out.id.empty() || out.id.size() > 64) return invalid("package.id", "the package needs an id");
  out.name = scalar_text(p.if_contains("name_zh"));
  if (out.name.empty()) out.name = out.id;
  out.buyer = scalar_text(p.if_contains("buyer"));
  std::string budget = scalar_text(p.if_contains("budget_wan_yuan"));
  if (!budget.empty()) {
    // 万元 with up to six decimals is exact in 1/10000 yuan once multiplied out.
    GC_ASSIGN_OR_RETURN(auto wan, Decimal::parse(budget, "package.budget_wan_yuan"));
    // 1 万元 = 10^8 units; a Decimal holds 10^6 per unit, so units = micros × 100.
    if (wan.micros() < 0 || wan.micros() > kMaxBudgetWanMicros)
      return invalid("package.budget_wan_yuan", "budget must be between 0 and 10^8 万元");
    out.budget = Money::from_units(wan.micros() * 100);
  } else {
    out.uninterpreted.push_back("no budget (采购包预算金额) is stated");
  }
  std::map<int, int> batch_months;
  if (auto* sp = p.if_contains("service_period"); sp && sp->is_object()) {
    out.service_period_text = scalar_text(sp->as_object().if_contains("text_zh"));
    out.months = as_int(scalar_text(sp->as_object().if_contains("months")));
    if (auto* b = sp->as_object().if_contains("batches"); b && b->is_array()) {
      for (const auto& x : b->as_array()) {
        if (!x.is_object()) continue;
        auto n = as_int(scalar_text(x.as_object().if_contains("batch")));
        auto m = as_int(scalar_text(x.as_object().if_contains("months")));
        if (n && m) batch_months[*n] = *m;
      }
    }
  }
  if (!out.months)
    out.uninterpreted.push_back(
        "service period has no month count: " +
        (out.service_period_text.empty() ? std::string("none stated") : out.service_period_text));
  if (auto* pay = p.if_contains("payment")) out.payment_json = json::serialize(*pay);
  for (const char* k : {"text_only_services", "cross_check_tables", "catalog_rows_without_quote",
                        "budget_note", "payment_note_zh", "payment_note", "other_terms"}) {
    if (auto* v = p.if_contains(k); v && !v->is_null()) {
      std::string text = json::serialize(*v);
      if (text.size() > 300) text = text.substr(0, 300) + "…";
      out.uninterpreted.push_back(std::string(k) + ": " + text);
    }
  }
  auto* items = p.if_contains("items");
  if (items == nullptr || !items->is_array() || items->as_array().empty())
    return invalid("package.items", "the package has no items");
  if (items->as_array().size() > 1000) return invalid("package.items", "at most 1000 items");
  int line = 0;
  for (const auto& v : items->as_array()) {
    ++line;
    std::string f = "package.items[" + std::to_string(line - 1) + "]";
    if (!v.is_object()) return invalid(f, f + " must be an object");
    const auto& o = v.as_object();
    PackageLine pl;
    ContractItem& it = pl.item;
    it.line = line;
    it.service_code = scalar_text(o.if_contains("catalog"));
    auto svc = tx.find_service(it.service_code);
    if (!svc)
      return Error{ErrorCode::kNotFound, f + ": unknown catalog code '" + it.service_code + "'",
                   f + ".catalog"};
    it.name_zh = scalar_text(o.if_contains("name_zh"));
    std::string qty = scalar_text(o.if_contains("quantity"));
    if (qty.empty()) {
      qty = "0";  // a row the document leaves empty is kept, visibly, with nothing in it
      out.uninterpreted.push_back("line " + std::to_string(line) + " (" + it.service_code +
                                  "): no quantity stated; taken as 0");
    }
    auto q = Decimal::parse(qty, f + ".quantity");
    if (!q.ok()) return q.error();
    if (q->micros() < 0) return invalid(f + ".quantity", "quantity must not be negative");
    pl.quantity = q.value();
    it.quantity = q->str();
    it.unit_text = scalar_text(o.if_contains("unit"));
    it.price_unit_text = scalar_text(o.if_contains("price_unit"));
    pl.price_unit_text = it.price_unit_text;
    std::string months = scalar_text(o.if_contains("months"));
    it.months = as_int(months);
    if (!it.months) it.months_text = months;
    auto batch = as_int(scalar_text(o.if_contains("batch")));
    it.batch = batch;
    if (batch && !it.months && batch_months.count(*batch)) it.months = batch_months[*batch];
    it.system = scalar_text(o.if_contains("system"));
    std::string note;
    for (const char* k : {"note", "remark_zh", "frequency_text_zh"}) {
      std::string t = scalar_text(o.if_contains(k));
      if (!t.empty()) note += (note.empty() ? "" : "; ") + t;
    }
    it.note = note;
    auto conv = convert_unit(it.unit_text, svc->unit);
    auto in_catalog_unit = pl.quantity.times(conv.factor);
    if (!in_catalog_unit || in_catalog_unit->ceil() > kMaxCatalogQuantity)
      return invalid(f + ".quantity", f + ": quantity × unit is more than 10^12 " + svc->unit);
    pl.catalog_quantity = *in_catalog_unit;
    if (!conv.understood || !conv.note.empty())
      out.uninterpreted.push_back("line " + std::to_string(line) + " (" + it.service_code +
                                  "): " + conv.note);
    if (!it.months && !months.empty())
      out.uninterpreted.push_back("line " + std::to_string(line) + " (" + it.service_code +
                                  "): months '" + months + "' is not a number");
    out.lines.push_back(std::move(pl));
  }
  // CAT-13: accelerators are rented only together with a VM or a server.
  std::set<std::string> hosts_by_system, accel_by_system;
  for (const auto& l : out.lines) {
    if (is_host(l.item.service_code)) hosts_by_system.insert(l.item.system);
    if (is_accelerator(l.item.service_code)) accel_by_system.insert(l.item.system);
  }
  for (const auto& s : accel_by_system) {
    if (!hosts_by_system.count(s) && !hosts_by_system.count(""))
      return invalid("package.items",
                     "CAT-13: GPU/NPU resources are rented only together with a "
                     "VM or a server" +
                         (s.empty() ? std::string() : " (system " + s + ")"));
  }
  return out;
}

Result<ContractPlan> Billing::import_in_tx(Tx& tx, const Principal& who, const ContractImport& in) {
  auto tenant = tx.find_org(in.tenant);
  if (!tenant || !who.can(Action::kOrgRead, tenant->path))
    return Error{ErrorCode::kNotFound, "tenant not found", "tenant_org_id"};
  if (tenant->type != OrgType::kTenant)
    return invalid("tenant_org_id", "contracts are imported for a tenant (委办局)");
  auto parent = tx.find_org(*tenant->parent);
  // The contract sets the tenant's quota, so it is the management unit's act, not the tenant's.
  if (!parent || !who.can(Action::kContractWrite, parent->path))
    return denied("contracts are imported by the management unit (contract.write)");
  GC_ASSIGN_OR_RETURN(ParsedPackage pkg, parse_package(tx, in.package));
  if (tx.contract_exists(tenant->id, pkg.id))
    return conflict("package " + pkg.id + " is already imported for this tenant", "package.id");
  GC_ASSIGN_OR_RETURN(Vdc vdc, contract_vdc(tx, *tenant, in.vdc));
  TimeMs now = clock_.now();
  ContractPlan plan;
  Contract& c = plan.contract;
  c.id = new_id("ct");
  c.tenant = tenant->id;
  c.vdc = vdc.id;
  c.package_id = pkg.id;
  c.name = pkg.name;
  c.buyer = pkg.buyer;
  c.budget = pkg.budget;
  c.service_period_text = pkg.service_period_text;
  c.months = pkg.months;
  c.starts_at = in.starts_at ? in.starts_at : now;
  c.free_headroom_pct = in.free_headroom_pct;
  c.payment_json = pkg.payment_json;
  if (!in.price_list.empty()) {
    auto list = tx.find_price_list(in.price_list);
    if (!list)
      return Error{ErrorCode::kNotFound, "price list '" + in.price_list + "' not found",
                   "price_list"};
    c.price_list_id = list->id;
  }
  c.created_by = who.user.value;
  c.created_at = now;
  // Lines end together; shorter ones (a later batch, a later system) start later, unless a
  // start is given (004: batch 2 of 6 months; 001: the third system from 2026-05-26).
  int longest = pkg.months.value_or(0);
  for (const auto& l : pkg.lines) longest = std::max(longest, l.item.months.value_or(0));
  json::array notes;
  for (const auto& n : pkg.uninterpreted) notes.emplace_back(n);
  bool batches = false;
  for (const auto& l : pkg.lines) batches |= l.item.batch.has_value();
  if (batches)
    notes.emplace_back(
        "batch quantities are added to one another while batches overlap "
        "(whether a later batch adds to or replaces an earlier one is not stated)");
  c.uninterpreted_json = json::serialize(notes);
  tx.insert_contract(c);
  for (auto l : pkg.lines) {
    ContractItem& it = l.item;
    it.contract_id = c.id;
    TimeMs start = c.starts_at;
    if (it.months && *it.months < longest) start = add_months(c.starts_at, longest - *it.months);
    if (it.batch && in.batch_starts.count(std::to_string(*it.batch)))
      start = in.batch_starts.at(std::to_string(*it.batch));
    if (!it.system.empty() && in.system_starts.count(it.system))
      start = in.system_starts.at(it.system);
    it.starts_at = start;
    it.ends_at = it.months ? add_months(start, *it.months)
                           : (longest ? add_months(c.starts_at, longest) : 0);
    tx.insert_contract_item(it);
    auto svc = tx.find_service(it.service_code);
    std::string resource = svc ? quantity_resource(*svc) : "";
    if (resource.empty()) continue;
    Decimal amount = l.catalog_quantity.plus_percent(c.free_headroom_pct);
    tx.insert_quota_grant(
        QuotaGrant{c.id, vdc.id, resource, amount.ceil(), it.starts_at, it.ends_at});
  }
  plan.quota = quota_plan(tx, vdc, now);
  return plan;
}

Result<Contract> Billing::import_contract(const Principal& who, const ContractImport& in,
                                          const RequestContext& ctx) {
  if (in.free_headroom_pct < 0 || in.free_headroom_pct > 100)
    return invalid("free_headroom_pct", "free_headroom_pct must be 0-100");
  return store_.transact([&](Tx& tx) -> Result<Contract> {
    GC_ASSIGN_OR_RETURN(ContractPlan plan, import_in_tx(tx, who, in));
    // Every shortfall at once, so that one round of `quota set` makes the import fit.
    std::string shortfalls;
    for (const auto& q : plan.quota) {
      if (q.fits) continue;
      if (!shortfalls.empty()) shortfalls += "; ";
      shortfalls += describe_shortfall(q);
    }
    if (!shortfalls.empty())
      return Error{
          ErrorCode::kQuotaExceeded,
          "the contract does not fit the quota: " + shortfalls + " (see the plan with --dry-run)",
          "quota"};
    const Contract& c = plan.contract;
    auto vdc = c.vdc ? tx.find_vdc(*c.vdc) : std::nullopt;
    if (!vdc) return not_found("VDC");
    std::map<std::string, std::string> detail;
    GC_ASSIGN_OR_RETURN(int changed, apply_schedule(tx, *vdc, clock_.now(), &detail));
    detail["package"] = c.package_id;
    detail["items"] = std::to_string(tx.contract_items(c.id).size());
    detail["quota_changes"] = std::to_string(changed);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"contract.import", c.id, c.tenant.value, "success", detail});
    return c;
  });
}

Result<ContractPlan> Billing::plan_contract(const Principal& who, const ContractImport& in) {
  if (in.free_headroom_pct < 0 || in.free_headroom_pct > 100)
    return invalid("free_headroom_pct", "free_headroom_pct must be 0-100");
  std::optional<ContractPlan> plan;
  auto r = store_.transact([&](Tx& tx) -> Result<ContractPlan> {
    GC_ASSIGN_OR_RETURN(auto p, import_in_tx(tx, who, in));
    plan = std::move(p);
    // A plan changes nothing: the transaction is rolled back.
    return Error{ErrorCode::kConflict, "dry run", {}};
  });
  if (plan) return *plan;
  return r.error();
}

Result<std::vector<Contract>> Billing::list_contracts(const Principal& who) {
  auto paths = who.paths_for(Action::kContractRead);
  return store_.read([&](Tx& tx) -> Result<std::vector<Contract>> {
    if (paths.empty()) return std::vector<Contract>{};
    return tx.list_contracts(paths);
  });
}

Result<std::pair<Contract, std::vector<ContractItem>>> Billing::get_contract(
    const Principal& who, const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<std::pair<Contract, std::vector<ContractItem>>> {
    auto c = tx.find_contract(id);
    std::optional<Org> tenant = c ? tx.find_org(c->tenant) : std::nullopt;
    if (!c || !tenant || !who.can(Action::kContractRead, tenant->path))
      return not_found("contract");
    return std::make_pair(*c, tx.contract_items(id));
  });
}

Result<int> Billing::apply_quota_schedules(const RequestContext& ctx) {
  int total = 0;
  std::vector<VdcId> vdcs;
  GC_ASSIGN_OR_RETURN(vdcs, store_.read([](Tx& tx) -> Result<std::vector<VdcId>> {
    return tx.vdcs_with_grants();
  }));
  for (const auto& id : vdcs) {
    std::map<std::string, std::string> changes;
    auto r = store_.transact([&](Tx& tx) -> Result<int> {
      auto vdc = tx.find_vdc(id);
      if (!vdc) return 0;
      GC_ASSIGN_OR_RETURN(int n, apply_schedule(tx, *vdc, clock_.now(), &changes));
      if (n > 0) {
        changes["username"] = "system";
        write_audit(tx, clock_, nullptr, ctx,
                    AuditEvent{"quota.schedule", id.value, vdc->org.value, "success", changes});
      }
      return n;
    });
    if (r.ok()) {
      total += r.value();
    } else {
      (void)store_.transact([&](Tx& tx) -> Status {
        write_audit(tx, clock_, nullptr, ctx,
                    AuditEvent{"quota.schedule",
                               id.value,
                               "",
                               "failed",
                               {{"username", "system"}, {"error", r.error().message}}});
        return ok_status();
      });
    }
  }
  return total;
}

}  // namespace govcloud
