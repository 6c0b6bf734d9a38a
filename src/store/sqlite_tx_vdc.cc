#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kVdcColumns =
    "v.id, v.org_id, v.parent_id, v.name, v.description, v.path, v.created_at";

Vdc vdc_from(const Stmt& s) {
  Vdc v;
  v.id = VdcId{s.text(0)};
  v.org = OrgId{s.text(1)};
  if (!s.is_null(2)) v.parent = VdcId{s.text(2)};
  v.name = s.text(3);
  v.description = s.text(4);
  v.path = s.text(5);
  v.created_at = s.i64(6);
  return v;
}

}  // namespace

void SqliteTx::insert_vdc(const Vdc& v) {
  auto s = db_.prepare(
      "INSERT INTO vdcs (id, org_id, parent_id, name, description, path, created_at) "
      "VALUES (?,?,?,?,?,?,?)");
  s.bind(v.id.value).bind(v.org.value);
  if (v.parent)
    s.bind(v.parent->value);
  else
    s.bind_null();
  s.bind(v.name).bind(v.description).bind(v.path).bind(v.created_at).run();
}

void SqliteTx::update_vdc(const Vdc& v) {
  db_.prepare("UPDATE vdcs SET name = ?, description = ? WHERE id = ?")
      .bind(v.name)
      .bind(v.description)
      .bind(v.id.value)
      .run();
}

void SqliteTx::delete_vdc(const VdcId& id) {
  db_.prepare("DELETE FROM vdcs WHERE id = ?").bind(id.value).run();
}

std::optional<Vdc> SqliteTx::find_vdc(const VdcId& id) {
  auto s = db_.prepare(std::string("SELECT ") + kVdcColumns + " FROM vdcs v WHERE v.id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  return vdc_from(s);
}

Listing<Vdc> SqliteTx::list_vdcs(const VdcQuery& q) {
  std::string where = paths_clause("o.path", q.within_org_paths);
  std::vector<std::string> args;
  for (const auto& p : q.within_org_paths) {
    args.push_back(p);
    args.push_back(p);
  }
  if (q.org) {
    where += " AND v.org_id = ?";
    args.push_back(q.org->value);
  }
  if (q.parent) {
    where += " AND v.parent_id = ?";
    args.push_back(q.parent->value);
  }
  const std::string from = " FROM vdcs v JOIN orgs o ON o.id = v.org_id WHERE ";
  Listing<Vdc> out;
  out.total = count_of(db_, "SELECT COUNT(*)" + from + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kVdcColumns + from + where +
                       " ORDER BY v.path LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(q.page.limit).bind(q.page.offset);
  while (s.step()) out.items.push_back(vdc_from(s));
  return out;
}

std::int64_t SqliteTx::count_child_vdcs(const VdcId& id) {
  return count_of(db_, "SELECT COUNT(*) FROM vdcs WHERE parent_id = ?", {id.value});
}

std::int64_t SqliteTx::count_vdcs_of_org(const OrgId& id) {
  return count_of(db_, "SELECT COUNT(*) FROM vdcs WHERE org_id = ?", {id.value});
}

std::pair<std::int64_t, std::int64_t> SqliteTx::quota_row(const VdcId& vdc,
                                                          const std::string& resource) {
  auto s = db_.prepare("SELECT limit_amount, used FROM quotas WHERE vdc_id = ? AND resource = ?");
  s.bind(vdc.value).bind(resource);
  if (!s.step()) return {0, 0};
  return {s.i64(0), s.i64(1)};
}

void SqliteTx::set_quota_limit(const VdcId& vdc, const std::string& resource, std::int64_t limit) {
  db_.prepare(
         "INSERT INTO quotas (vdc_id, resource, limit_amount, used) VALUES (?, ?, ?, 0) "
         "ON CONFLICT (vdc_id, resource) DO UPDATE SET limit_amount = excluded.limit_amount")
      .bind(vdc.value)
      .bind(resource)
      .bind(limit)
      .run();
}

void SqliteTx::add_quota_used(const VdcId& vdc, const std::string& resource, std::int64_t delta) {
  auto u = db_.prepare("UPDATE quotas SET used = used + ? WHERE vdc_id = ? AND resource = ?");
  u.bind(delta).bind(vdc.value).bind(resource).run();
  if (u.changes() > 0) return;
  db_.prepare("INSERT INTO quotas (vdc_id, resource, limit_amount, used) VALUES (?, ?, 0, ?)")
      .bind(vdc.value)
      .bind(resource)
      .bind(delta)
      .run();
}

std::int64_t SqliteTx::sum_child_limits(const VdcId& vdc, const std::string& resource) {
  return count_of(db_,
                  "SELECT COALESCE(SUM(q.limit_amount), 0) FROM quotas q JOIN vdcs v "
                  "ON v.id = q.vdc_id WHERE v.parent_id = ? AND q.resource = ?",
                  {vdc.value, resource});
}

std::int64_t SqliteTx::used_in_subtree(const std::string& vdc_path, const std::string& resource) {
  return count_of(db_,
                  "SELECT COALESCE(SUM(q.used), 0) FROM quotas q JOIN vdcs v ON v.id = q.vdc_id "
                  "WHERE substr(v.path, 1, length(?)) = ? AND q.resource = ?",
                  {vdc_path, vdc_path, resource});
}

std::vector<std::string> SqliteTx::quota_resources(const VdcId& vdc) {
  auto s = db_.prepare("SELECT resource FROM quotas WHERE vdc_id = ? ORDER BY resource");
  s.bind(vdc.value);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void SqliteTx::insert_reservation(const Reservation& r) {
  db_.prepare(
         "INSERT INTO reservations (id, vdc_id, ref, created_by, created_at, owner_kind, owner_id, "
         "reason) VALUES (?,?,?,?,?,?,?,?)")
      .bind(r.id.value)
      .bind(r.vdc.value)
      .bind(r.ref)
      .bind(r.created_by)
      .bind(r.created_at)
      .bind(std::string(reservation_owner_name(r.owner_kind)))
      .bind(r.owner_id)
      .bind(r.reason)
      .run();
  for (const auto& [resource, amount] : r.amounts) {
    db_.prepare("INSERT INTO reservation_lines (reservation_id, resource, amount) VALUES (?,?,?)")
        .bind(r.id.value)
        .bind(resource)
        .bind(amount)
        .run();
  }
}

std::optional<Reservation> SqliteTx::find_reservation(const ReservationId& id) {
  auto s = db_.prepare(
      "SELECT id, vdc_id, ref, created_by, created_at, owner_kind, owner_id, reason "
      "FROM reservations WHERE id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  Reservation r;
  r.id = ReservationId{s.text(0)};
  r.vdc = VdcId{s.text(1)};
  r.ref = s.text(2);
  r.created_by = s.text(3);
  r.created_at = s.i64(4);
  parse_reservation_owner(s.text(5), r.owner_kind);
  r.owner_id = s.text(6);
  r.reason = s.text(7);
  auto l = db_.prepare(
      "SELECT resource, amount FROM reservation_lines WHERE reservation_id = ? ORDER BY resource");
  l.bind(id.value);
  while (l.step()) r.amounts.emplace_back(l.text(0), l.i64(1));
  return r;
}

void SqliteTx::set_reservation_owner(const ReservationId& id, ReservationOwner kind,
                                     const std::string& owner_id) {
  db_.prepare("UPDATE reservations SET owner_kind = ?, owner_id = ? WHERE id = ?")
      .bind(std::string(reservation_owner_name(kind)))
      .bind(owner_id)
      .bind(id.value)
      .run();
}

void SqliteTx::delete_reservation(const ReservationId& id) {
  db_.prepare("DELETE FROM reservations WHERE id = ?").bind(id.value).run();
}

Listing<Reservation> SqliteTx::list_reservations(const VdcId& vdc, const Page& page) {
  Listing<Reservation> out;
  out.total = count_reservations(vdc);
  std::vector<std::string> ids;
  {
    auto s = db_.prepare(
        "SELECT id FROM reservations WHERE vdc_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?");
    s.bind(vdc.value).bind(page.limit).bind(page.offset);
    while (s.step()) ids.push_back(s.text(0));
  }
  for (const auto& id : ids) {
    if (auto r = find_reservation(ReservationId{id})) out.items.push_back(std::move(*r));
  }
  return out;
}

std::int64_t SqliteTx::count_reservations(const VdcId& vdc) {
  return count_of(db_, "SELECT COUNT(*) FROM reservations WHERE vdc_id = ?", {vdc.value});
}

}  // namespace govcloud::sqlite
