#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kOrgColumns =
    "id, parent_id, type, name, description, path, created_by, created_at, updated_at, "
    "dengbao_level, internet_facing, important, network_domain";

Org org_from(const Stmt& s) {
  Org o;
  o.id = OrgId{s.text(0)};
  if (!s.is_null(1)) o.parent = OrgId{s.text(1)};
  parse_org_type(s.text(2), o.type);
  o.name = s.text(3);
  o.description = s.text(4);
  o.path = s.text(5);
  o.created_by = s.text(6);
  o.created_at = s.i64(7);
  o.updated_at = s.i64(8);
  if (!s.is_null(9)) {
    BusinessSystemProfile p;
    p.dengbao_level = static_cast<int>(s.i64(9));
    p.internet_facing = s.boolean(10);
    p.important = s.boolean(11);
    p.network_domain = s.text(12);
    o.system = p;
  }
  return o;
}

void bind_profile(Stmt& s, const Org& org) {
  if (org.system) {
    s.bind(org.system->dengbao_level)
        .bind(org.system->internet_facing)
        .bind(org.system->important)
        .bind(org.system->network_domain);
  } else {
    s.bind_null().bind_null().bind_null().bind_null();
  }
}

}  // namespace

std::string paths_clause(const std::string& column, const std::vector<std::string>& paths) {
  if (paths.empty()) return "0";
  std::string out = "(";
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (i) out += " OR ";
    out += "substr(" + column + ", 1, length(?)) = ?";
  }
  return out + ")";
}

std::int64_t count_of(Db& db, const std::string& sql, const std::vector<std::string>& args) {
  auto s = db.prepare(sql);
  for (const auto& a : args) s.bind(a);
  return s.step() ? s.i64(0) : 0;
}

void SqliteTx::insert_org(const Org& org) {
  auto s = db_.prepare(std::string("INSERT INTO orgs (") + kOrgColumns +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(org.id.value);
  if (org.parent)
    s.bind(org.parent->value);
  else
    s.bind_null();
  s.bind(org_type_name(org.type)).bind(org.name).bind(org.description).bind(org.path);
  s.bind(org.created_by).bind(org.created_at).bind(org.updated_at);
  bind_profile(s, org);
  s.run();
}

void SqliteTx::update_org(const Org& org) {
  auto s = db_.prepare(
      "UPDATE orgs SET name = ?, description = ?, updated_at = ?, dengbao_level = ?, "
      "internet_facing = ?, important = ?, network_domain = ? WHERE id = ?");
  s.bind(org.name).bind(org.description).bind(org.updated_at);
  bind_profile(s, org);
  s.bind(org.id.value).run();
}

void SqliteTx::delete_org(const OrgId& id) {
  db_.prepare("DELETE FROM orgs WHERE id = ?").bind(id.value).run();
}

std::optional<Org> SqliteTx::find_org(const OrgId& id) {
  auto s = db_.prepare(std::string("SELECT ") + kOrgColumns + " FROM orgs WHERE id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  return org_from(s);
}

std::optional<Org> SqliteTx::find_root_org() {
  auto s = db_.prepare(std::string("SELECT ") + kOrgColumns +
                       " FROM orgs WHERE parent_id IS NULL LIMIT 1");
  if (!s.step()) return std::nullopt;
  return org_from(s);
}

Listing<Org> SqliteTx::list_orgs(const OrgQuery& q) {
  std::string where = paths_clause("path", q.within_paths);
  std::vector<std::string> args;
  for (const auto& p : q.within_paths) {
    args.push_back(p);
    args.push_back(p);
  }
  if (q.type) {
    where += " AND type = ?";
    args.push_back(org_type_name(*q.type));
  }
  if (q.parent) {
    where += " AND parent_id = ?";
    args.push_back(q.parent->value);
  }
  if (!q.keyword.empty()) {
    where += " AND instr(name, ?) > 0";
    args.push_back(q.keyword);
  }
  Listing<Org> out;
  out.total = count_of(db_, "SELECT COUNT(*) FROM orgs WHERE " + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kOrgColumns + " FROM orgs WHERE " + where +
                       " ORDER BY path LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(q.page.limit).bind(q.page.offset);
  while (s.step()) out.items.push_back(org_from(s));
  return out;
}

std::int64_t SqliteTx::count_child_orgs(const OrgId& id) {
  return count_of(db_, "SELECT COUNT(*) FROM orgs WHERE parent_id = ?", {id.value});
}

bool SqliteTx::org_name_taken(const std::optional<OrgId>& parent, const std::string& name) {
  if (!parent)
    return count_of(db_, "SELECT COUNT(*) FROM orgs WHERE parent_id IS NULL AND name = ?", {name}) >
           0;
  return count_of(db_, "SELECT COUNT(*) FROM orgs WHERE parent_id = ? AND name = ?",
                  {parent->value, name}) > 0;
}

std::optional<std::string> SqliteTx::get_meta(const std::string& key) {
  auto s = db_.prepare("SELECT value FROM meta WHERE key = ?");
  s.bind(key);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

void SqliteTx::set_meta(const std::string& key, const std::string& value) {
  db_.prepare(
         "INSERT INTO meta (key, value) VALUES (?, ?) "
         "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .bind(key)
      .bind(value)
      .run();
}

}  // namespace govcloud::sqlite
