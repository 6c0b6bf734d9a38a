#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kServiceColumns =
    "code, category, name_zh, name_en, unit, period, free, price_ceiling, ceiling_basis, details, "
    "origin, params, policy, fulfilment, quota, retired, created_by, created_at, updated_at";

CatalogService service_from(const Stmt& s) {
  CatalogService c;
  c.code = s.text(0);
  c.category = s.text(1);
  c.name_zh = s.text(2);
  c.name_en = s.text(3);
  c.unit = s.text(4);
  c.period = s.text(5);
  c.free = s.boolean(6);
  if (!s.is_null(7)) c.price_ceiling = Money::from_units(s.i64(7));
  c.ceiling_basis = s.text(8);
  c.details_json = s.text(9);
  c.origin = s.text(10);
  c.params_json = s.text(11);
  c.policy_json = s.text(12);
  c.fulfilment = s.text(13);
  c.quota_json = s.text(14);
  c.retired = s.boolean(15);
  c.created_by = s.text(16);
  c.created_at = s.i64(17);
  c.updated_at = s.i64(18);
  return c;
}

void bind_service_body(Stmt& s, const CatalogService& c) {
  s.bind(c.category).bind(c.name_zh).bind(c.name_en).bind(c.unit).bind(c.period).bind(c.free);
  if (c.price_ceiling)
    s.bind(c.price_ceiling->units());
  else
    s.bind_null();
  s.bind(c.ceiling_basis).bind(c.details_json).bind(c.origin).bind(c.params_json);
  s.bind(c.policy_json).bind(c.fulfilment).bind(c.quota_json).bind(c.retired);
}

constexpr const char* kPriceColumns =
    "price_list_id, service_code, effective_from, amount, per, unit, period, created_by, "
    "created_at";

Price price_from(const Stmt& s) {
  Price p;
  p.price_list_id = s.text(0);
  p.service_code = s.text(1);
  p.effective_from = s.i64(2);
  p.amount = Money::from_units(s.i64(3));
  p.per = s.i64(4);
  p.unit = s.text(5);
  p.period = s.text(6);
  p.created_by = s.text(7);
  p.created_at = s.i64(8);
  return p;
}

constexpr const char* kContractColumns =
    "c.id, c.tenant_org_id, c.vdc_id, c.package_id, c.name, c.buyer, c.budget, "
    "c.service_period_text, c.months, c.starts_at, c.free_headroom_pct, c.payment, "
    "c.uninterpreted, c.created_by, c.created_at, c.price_list_id";

Contract contract_from(const Stmt& s) {
  Contract c;
  c.id = s.text(0);
  c.tenant = OrgId{s.text(1)};
  if (!s.is_null(2)) c.vdc = VdcId{s.text(2)};
  c.package_id = s.text(3);
  c.name = s.text(4);
  c.buyer = s.text(5);
  if (!s.is_null(6)) c.budget = Money::from_units(s.i64(6));
  c.service_period_text = s.text(7);
  if (!s.is_null(8)) c.months = static_cast<int>(s.i64(8));
  c.starts_at = s.i64(9);
  c.free_headroom_pct = static_cast<int>(s.i64(10));
  c.payment_json = s.text(11);
  c.uninterpreted_json = s.text(12);
  c.created_by = s.text(13);
  c.created_at = s.i64(14);
  c.price_list_id = s.text(15);
  return c;
}

PriceList price_list_from(const Stmt& s) {
  return PriceList{s.text(0), OrgId{s.text(1)}, s.text(2),    s.text(3),
                   s.i64(5),  s.text(4),        s.i64(6) != 0};
}

}  // namespace

void SqliteTx::insert_service(const CatalogService& c) {
  auto s = db_.prepare(std::string("INSERT INTO services (") + kServiceColumns +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(c.code);
  bind_service_body(s, c);
  s.bind(c.created_by).bind(c.created_at).bind(c.updated_at).run();
}

void SqliteTx::update_service(const CatalogService& c) {
  auto s = db_.prepare(
      "UPDATE services SET category = ?, name_zh = ?, name_en = ?, unit = ?, period = ?, "
      "free = ?, price_ceiling = ?, ceiling_basis = ?, details = ?, origin = ?, params = ?, "
      "policy = ?, fulfilment = ?, quota = ?, retired = ?, updated_at = ? WHERE code = ?");
  bind_service_body(s, c);
  s.bind(c.updated_at).bind(c.code).run();
}

std::optional<CatalogService> SqliteTx::find_service(const std::string& code) {
  auto s = db_.prepare(std::string("SELECT ") + kServiceColumns + " FROM services WHERE code = ?");
  s.bind(code);
  if (!s.step()) return std::nullopt;
  return service_from(s);
}

Listing<CatalogService> SqliteTx::list_services(const CatalogQuery& q) {
  std::string where = q.include_retired ? "1" : "retired = 0";
  std::vector<std::string> args;
  if (!q.category.empty()) {
    where += " AND category = ?";
    args.push_back(q.category);
  }
  if (!q.origin.empty()) {
    where += " AND origin = ?";
    args.push_back(q.origin);
  }
  if (!q.keyword.empty()) {
    where +=
        " AND (instr(lower(code), lower(?)) > 0 OR instr(name_zh, ?) > 0 OR "
        "instr(lower(name_en), lower(?)) > 0 OR instr(details, ?) > 0)";
    args.insert(args.end(), {q.keyword, q.keyword, q.keyword, q.keyword});
  }
  Listing<CatalogService> out;
  out.total = count_of(db_, "SELECT COUNT(*) FROM services WHERE " + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kServiceColumns + " FROM services WHERE " + where +
                       " ORDER BY category, code LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(q.page.limit).bind(q.page.offset);
  while (s.step()) out.items.push_back(service_from(s));
  return out;
}

std::int64_t SqliteTx::count_services() {
  return count_of(db_, "SELECT COUNT(*) FROM services", {});
}

void SqliteTx::insert_price_list(const PriceList& l) {
  db_.prepare(
         "INSERT INTO price_lists (id, org_id, name, description, created_by, created_at, "
         "is_default) VALUES (?,?,?,?,?,?,?)")
      .bind(l.id)
      .bind(l.org.value)
      .bind(l.name)
      .bind(l.description)
      .bind(l.created_by)
      .bind(l.created_at)
      .bind(l.is_default ? 1 : 0)
      .run();
}

std::optional<PriceList> SqliteTx::find_price_list(const std::string& id_or_name) {
  auto s = db_.prepare(
      "SELECT id, org_id, name, description, created_by, created_at, is_default FROM "
      "price_lists WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1");
  s.bind(id_or_name).bind(id_or_name).bind(id_or_name);
  if (!s.step()) return std::nullopt;
  return price_list_from(s);
}

std::vector<PriceList> SqliteTx::list_price_lists(const std::vector<std::string>& within_paths) {
  std::string sql =
      "SELECT l.id, l.org_id, l.name, l.description, l.created_by, l.created_at, l.is_default "
      "FROM price_lists l JOIN orgs o ON o.id = l.org_id WHERE " +
      paths_clause("o.path", within_paths) + " ORDER BY l.name";
  auto s = db_.prepare(sql);
  for (const auto& p : within_paths) s.bind(p).bind(p);
  std::vector<PriceList> out;
  while (s.step()) out.push_back(price_list_from(s));
  return out;
}

void SqliteTx::insert_price(const Price& p) {
  db_.prepare(std::string("INSERT INTO prices (") + kPriceColumns + ") VALUES (?,?,?,?,?,?,?,?,?)")
      .bind(p.price_list_id)
      .bind(p.service_code)
      .bind(p.effective_from)
      .bind(p.amount.units())
      .bind(p.per)
      .bind(p.unit)
      .bind(p.period)
      .bind(p.created_by)
      .bind(p.created_at)
      .run();
}

std::vector<Price> SqliteTx::price_history(const std::string& list_id, const std::string& code) {
  auto s = db_.prepare(std::string("SELECT ") + kPriceColumns +
                       " FROM prices WHERE price_list_id = ? AND (? = '' OR service_code = ?) "
                       "ORDER BY service_code, effective_from");
  s.bind(list_id).bind(code).bind(code);
  std::vector<Price> out;
  while (s.step()) out.push_back(price_from(s));
  return out;
}

std::optional<Price> SqliteTx::price_at(const std::string& list_id, const std::string& code,
                                        TimeMs at) {
  auto s = db_.prepare(std::string("SELECT ") + kPriceColumns +
                       " FROM prices WHERE price_list_id = ? AND service_code = ? AND "
                       "effective_from <= ? ORDER BY effective_from DESC LIMIT 1");
  s.bind(list_id).bind(code).bind(at);
  if (!s.step()) return std::nullopt;
  return price_from(s);
}

void SqliteTx::insert_contract(const Contract& c) {
  auto s = db_.prepare(
      "INSERT INTO contracts (id, tenant_org_id, vdc_id, package_id, name, buyer, budget, "
      "service_period_text, months, starts_at, free_headroom_pct, payment, uninterpreted, "
      "created_by, created_at, price_list_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(c.id).bind(c.tenant.value);
  if (c.vdc)
    s.bind(c.vdc->value);
  else
    s.bind_null();
  s.bind(c.package_id).bind(c.name).bind(c.buyer);
  if (c.budget)
    s.bind(c.budget->units());
  else
    s.bind_null();
  s.bind(c.service_period_text).bind(c.months).bind(c.starts_at).bind(c.free_headroom_pct);
  s.bind(c.payment_json).bind(c.uninterpreted_json).bind(c.created_by).bind(c.created_at);
  s.bind(c.price_list_id).run();
}

std::optional<Contract> SqliteTx::find_contract(const std::string& id) {
  auto s =
      db_.prepare(std::string("SELECT ") + kContractColumns + " FROM contracts c WHERE c.id = ?");
  s.bind(id);
  if (!s.step()) return std::nullopt;
  return contract_from(s);
}

std::vector<Contract> SqliteTx::list_contracts(const std::vector<std::string>& within_paths) {
  auto s = db_.prepare(std::string("SELECT ") + kContractColumns +
                       " FROM contracts c JOIN orgs o ON o.id = c.tenant_org_id WHERE " +
                       paths_clause("o.path", within_paths) + " ORDER BY c.created_at, c.id");
  for (const auto& p : within_paths) s.bind(p).bind(p);
  std::vector<Contract> out;
  while (s.step()) out.push_back(contract_from(s));
  return out;
}

bool SqliteTx::contract_exists(const OrgId& tenant, const std::string& package_id) {
  return count_of(db_, "SELECT COUNT(*) FROM contracts WHERE tenant_org_id = ? AND package_id = ?",
                  {tenant.value, package_id}) > 0;
}

void SqliteTx::insert_contract_item(const ContractItem& i) {
  db_.prepare(
         "INSERT INTO contract_items (contract_id, line, service_code, name_zh, quantity, "
         "unit_text, price_unit_text, months, months_text, batch, system, starts_at, ends_at, "
         "note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(i.contract_id)
      .bind(i.line)
      .bind(i.service_code)
      .bind(i.name_zh)
      .bind(i.quantity)
      .bind(i.unit_text)
      .bind(i.price_unit_text)
      .bind(i.months)
      .bind(i.months_text)
      .bind(i.batch)
      .bind(i.system)
      .bind(i.starts_at)
      .bind(i.ends_at)
      .bind(i.note)
      .run();
}

std::vector<ContractItem> SqliteTx::contract_items(const std::string& contract_id) {
  auto s = db_.prepare(
      "SELECT contract_id, line, service_code, name_zh, quantity, unit_text, price_unit_text, "
      "months, months_text, batch, system, starts_at, ends_at, note FROM contract_items "
      "WHERE contract_id = ? ORDER BY line");
  s.bind(contract_id);
  std::vector<ContractItem> out;
  while (s.step()) {
    ContractItem i;
    i.contract_id = s.text(0);
    i.line = static_cast<int>(s.i64(1));
    i.service_code = s.text(2);
    i.name_zh = s.text(3);
    i.quantity = s.text(4);
    i.unit_text = s.text(5);
    i.price_unit_text = s.text(6);
    if (!s.is_null(7)) i.months = static_cast<int>(s.i64(7));
    i.months_text = s.text(8);
    if (!s.is_null(9)) i.batch = static_cast<int>(s.i64(9));
    i.system = s.text(10);
    i.starts_at = s.i64(11);
    i.ends_at = s.i64(12);
    i.note = s.text(13);
    out.push_back(std::move(i));
  }
  return out;
}

void SqliteTx::insert_quota_grant(const QuotaGrant& g) {
  db_.prepare(
         "INSERT INTO quota_grants (contract_id, vdc_id, resource, amount, starts_at, ends_at) "
         "VALUES (?,?,?,?,?,?)")
      .bind(g.contract_id)
      .bind(g.vdc.value)
      .bind(g.resource)
      .bind(g.amount)
      .bind(g.starts_at)
      .bind(g.ends_at)
      .run();
}

std::vector<QuotaGrant> SqliteTx::quota_grants(const VdcId& vdc) {
  auto s = db_.prepare(
      "SELECT contract_id, vdc_id, resource, amount, starts_at, ends_at FROM quota_grants "
      "WHERE vdc_id = ? ORDER BY starts_at, resource");
  s.bind(vdc.value);
  std::vector<QuotaGrant> out;
  while (s.step())
    out.push_back(QuotaGrant{s.text(0), VdcId{s.text(1)}, s.text(2), s.i64(3), s.i64(4), s.i64(5)});
  return out;
}

std::vector<VdcId> SqliteTx::vdcs_with_grants() {
  auto s = db_.prepare("SELECT DISTINCT vdc_id FROM quota_grants ORDER BY vdc_id");
  std::vector<VdcId> out;
  while (s.step()) out.push_back(VdcId{s.text(0)});
  return out;
}

void SqliteTx::put_document(const Document& d) {
  db_.prepare(
         "INSERT INTO documents (kind, id, org_id, state, owner, ref, created_at, updated_at, "
         "body) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (kind, id) DO UPDATE SET "
         "org_id = excluded.org_id, state = excluded.state, owner = excluded.owner, "
         "ref = excluded.ref, updated_at = excluded.updated_at, body = excluded.body")
      .bind(d.kind)
      .bind(d.id)
      .bind(d.org_id)
      .bind(d.state)
      .bind(d.owner)
      .bind(d.ref)
      .bind(d.created_at)
      .bind(d.updated_at)
      .bind(d.body)
      .run();
}

namespace {
Document document_from(const Stmt& s) {
  return Document{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
                  s.text(5), s.i64(6),  s.i64(7),  s.text(8)};
}
constexpr const char* kDocColumns =
    "d.kind, d.id, d.org_id, d.state, d.owner, d.ref, d.created_at, d.updated_at, d.body";
}  // namespace

std::optional<Document> SqliteTx::find_document(const std::string& kind, const std::string& id) {
  auto s = db_.prepare(std::string("SELECT ") + kDocColumns +
                       " FROM documents d WHERE d.kind = ? AND d.id = ?");
  s.bind(kind).bind(id);
  if (!s.step()) return std::nullopt;
  return document_from(s);
}

Listing<Document> SqliteTx::list_documents(const DocumentQuery& q) {
  std::string where = "d.kind = ?";
  std::vector<std::string> args = {q.kind};
  if (q.within_paths) {
    where += " AND " + paths_clause("o.path", *q.within_paths);
    for (const auto& p : *q.within_paths) {
      args.push_back(p);
      args.push_back(p);
    }
  }
  for (auto [col, val] : {std::pair{"d.state", &q.state}, std::pair{"d.owner", &q.owner},
                          std::pair{"d.ref", &q.ref}, std::pair{"d.org_id", &q.org_id}}) {
    if (val->empty()) continue;
    where += std::string(" AND ") + col + " = ?";
    args.push_back(*val);
  }
  if (q.created_from) where += " AND d.created_at >= " + std::to_string(q.created_from);
  if (q.created_to) where += " AND d.created_at < " + std::to_string(q.created_to);
  const std::string from = " FROM documents d LEFT JOIN orgs o ON o.id = d.org_id WHERE ";
  Listing<Document> out;
  out.total = count_of(db_, "SELECT COUNT(*)" + from + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kDocColumns + from + where +
                       " ORDER BY d.created_at DESC, d.id LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(q.page.limit).bind(q.page.offset);
  while (s.step()) out.items.push_back(document_from(s));
  return out;
}

}  // namespace govcloud::sqlite
