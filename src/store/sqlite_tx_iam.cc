#include "common/sealed.h"
#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kUserColumns =
    "u.id, u.username, u.display_name, u.email, u.phone, u.org_id, u.password_hash, "
    "u.password_changed_at, u.must_change_password, u.disabled, u.failed_logins, "
    "u.locked_until, u.totp_secret, u.totp_enabled, u.created_at, u.updated_at, "
    "u.totp_last_step, u.password_history";

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "\n") + i;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    if (nl > at) out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

}  // namespace

// TOTP secrets are sealed with the store's secrets key (issue 8 §10); a secret that does not
// unseal (another key, or altered) reads as none, so a code cannot match it.
User SqliteTx::user_from(const Stmt& s) const {
  User u;
  u.id = UserId{s.text(0)};
  u.username = s.text(1);
  u.display_name = s.text(2);
  u.email = s.text(3);
  u.phone = s.text(4);
  u.org = OrgId{s.text(5)};
  u.password_hash = s.text(6);
  u.password_changed_at = s.i64(7);
  u.must_change_password = s.boolean(8);
  u.disabled = s.boolean(9);
  u.failed_logins = static_cast<int>(s.i64(10));
  u.locked_until = s.i64(11);
  std::string secret = s.text(12);
  if (is_sealed(secret))
    u.totp_secret = unseal(keys_.secrets, secret).value_or("");
  else
    u.totp_secret = secret;  // written before sealing existed; sealed when the store opens
  u.totp_enabled = s.boolean(13);
  u.created_at = s.i64(14);
  u.updated_at = s.i64(15);
  u.totp_last_step = s.i64(16);
  u.password_history = split_lines(s.text(17));
  return u;
}

std::string SqliteTx::sealed_totp(const User& u) const {
  return u.totp_secret.empty() ? std::string() : seal(keys_.secrets, u.totp_secret);
}

namespace {

constexpr const char* kBindingColumns =
    "b.id, b.user_id, b.role, b.scope_org_id, b.assume_only, b.expires_at, b.granted_by, "
    "b.created_at";

RoleBinding binding_from(const Stmt& s) {
  RoleBinding b;
  b.id = BindingId{s.text(0)};
  b.user = UserId{s.text(1)};
  parse_role(s.text(2), b.role);
  b.scope = OrgId{s.text(3)};
  b.assume_only = s.boolean(4);
  b.expires_at = s.i64(5);
  b.granted_by = s.text(6);
  b.created_at = s.i64(7);
  return b;
}

ApiKey key_from(const Stmt& s) {
  ApiKey k;
  k.id = ApiKeyId{s.text(0)};
  k.user = UserId{s.text(1)};
  k.name = s.text(2);
  k.secret_hash = s.text(3);
  if (!s.is_null(4)) k.scope = OrgId{s.text(4)};
  k.expires_at = s.i64(5);
  k.created_at = s.i64(6);
  k.revoked = s.boolean(7);
  return k;
}

constexpr const char* kKeyColumns =
    "id, user_id, name, secret_hash, scope_org_id, expires_at, created_at, revoked";

}  // namespace

void SqliteTx::insert_user(const User& u) {
  db_.prepare(
         "INSERT INTO users (id, username, display_name, email, phone, org_id, password_hash, "
         "password_changed_at, must_change_password, disabled, failed_logins, locked_until, "
         "totp_secret, totp_enabled, created_at, updated_at, password_history) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(u.id.value)
      .bind(u.username)
      .bind(u.display_name)
      .bind(u.email)
      .bind(u.phone)
      .bind(u.org.value)
      .bind(u.password_hash)
      .bind(u.password_changed_at)
      .bind(u.must_change_password)
      .bind(u.disabled)
      .bind(u.failed_logins)
      .bind(u.locked_until)
      .bind(sealed_totp(u))
      .bind(u.totp_enabled)
      .bind(u.created_at)
      .bind(u.updated_at)
      .bind(join_lines(u.password_history))
      .run();
}

void SqliteTx::update_user(const User& u) {
  db_.prepare(
         "UPDATE users SET display_name = ?, email = ?, phone = ?, password_hash = ?, "
         "password_changed_at = ?, must_change_password = ?, disabled = ?, failed_logins = ?, "
         "locked_until = ?, totp_secret = ?, totp_enabled = ?, updated_at = ?, totp_last_step = ?, "
         "password_history = ? WHERE id = ?")
      .bind(u.display_name)
      .bind(u.email)
      .bind(u.phone)
      .bind(u.password_hash)
      .bind(u.password_changed_at)
      .bind(u.must_change_password)
      .bind(u.disabled)
      .bind(u.failed_logins)
      .bind(u.locked_until)
      .bind(sealed_totp(u))
      .bind(u.totp_enabled)
      .bind(u.updated_at)
      .bind(u.totp_last_step)
      .bind(join_lines(u.password_history))
      .bind(u.id.value)
      .run();
}

void SqliteTx::delete_user(const UserId& id) {
  db_.prepare("DELETE FROM users WHERE id = ?").bind(id.value).run();
}

std::optional<User> SqliteTx::find_user(const UserId& id) {
  auto s = db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  return user_from(s);
}

std::optional<User> SqliteTx::find_user_by_name(const std::string& username) {
  auto s =
      db_.prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.username = ?");
  s.bind(username);
  if (!s.step()) return std::nullopt;
  return user_from(s);
}

Listing<User> SqliteTx::list_users(const UserQuery& q) {
  std::string where = paths_clause("o.path", q.within_paths);
  std::vector<std::string> args;
  for (const auto& p : q.within_paths) {
    args.push_back(p);
    args.push_back(p);
  }
  if (q.org) {
    where += " AND u.org_id = ?";
    args.push_back(q.org->value);
  }
  if (q.disabled) where += *q.disabled ? " AND u.disabled = 1" : " AND u.disabled = 0";
  if (!q.keyword.empty()) {
    where +=
        " AND (instr(u.username, ?) > 0 OR instr(u.display_name, ?) > 0 OR "
        "instr(u.email, ?) > 0)";
    args.insert(args.end(), {q.keyword, q.keyword, q.keyword});
  }
  const std::string from = " FROM users u JOIN orgs o ON o.id = u.org_id WHERE ";
  Listing<User> out;
  out.total = count_of(db_, "SELECT COUNT(*)" + from + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kUserColumns + from + where +
                       " ORDER BY u.username LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(q.page.limit).bind(q.page.offset);
  while (s.step()) out.items.push_back(user_from(s));
  return out;
}

std::int64_t SqliteTx::count_users_in_subtree(const std::string& org_path) {
  return count_of(db_,
                  "SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id "
                  "WHERE substr(o.path, 1, length(?)) = ?",
                  {org_path, org_path});
}

void SqliteTx::insert_binding(const RoleBinding& b) {
  db_.prepare(
         "INSERT INTO role_bindings (id, user_id, role, scope_org_id, assume_only, expires_at, "
         "granted_by, created_at) VALUES (?,?,?,?,?,?,?,?)")
      .bind(b.id.value)
      .bind(b.user.value)
      .bind(role_name(b.role))
      .bind(b.scope.value)
      .bind(b.assume_only)
      .bind(b.expires_at)
      .bind(b.granted_by)
      .bind(b.created_at)
      .run();
}

void SqliteTx::delete_binding(const BindingId& id) {
  db_.prepare("DELETE FROM role_bindings WHERE id = ?").bind(id.value).run();
}

void SqliteTx::delete_bindings_for_user(const UserId& user) {
  db_.prepare("DELETE FROM role_bindings WHERE user_id = ?").bind(user.value).run();
}

std::optional<RoleBinding> SqliteTx::find_binding(const BindingId& id) {
  auto s = db_.prepare(std::string("SELECT ") + kBindingColumns +
                       " FROM role_bindings b WHERE b.id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  return binding_from(s);
}

std::vector<RoleBinding> SqliteTx::list_bindings(const BindingQuery& q) {
  std::string sql = std::string("SELECT ") + kBindingColumns +
                    " FROM role_bindings b JOIN orgs o ON o.id = b.scope_org_id WHERE 1";
  std::vector<std::string> args;
  if (q.user) {
    sql += " AND b.user_id = ?";
    args.push_back(q.user->value);
  }
  if (q.role) {
    sql += " AND b.role = ?";
    args.push_back(role_name(*q.role));
  }
  if (!q.within_paths.empty()) {
    sql += " AND " + paths_clause("o.path", q.within_paths);
    for (const auto& p : q.within_paths) {
      args.push_back(p);
      args.push_back(p);
    }
  }
  sql += " ORDER BY b.created_at, b.id";
  auto s = db_.prepare(sql);
  for (const auto& a : args) s.bind(a);
  std::vector<RoleBinding> out;
  while (s.step()) out.push_back(binding_from(s));
  return out;
}

void SqliteTx::insert_session(const Session& x) {
  auto s = db_.prepare(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, assumed_binding_id, "
      "source_ip, totp_enrolment_only, parent_token_hash) VALUES (?,?,?,?,?,?,?,?)");
  s.bind(x.token_hash).bind(x.user.value).bind(x.created_at).bind(x.expires_at);
  if (x.assumed)
    s.bind(x.assumed->value);
  else
    s.bind_null();
  s.bind(x.source_ip).bind(x.totp_enrolment_only).bind(x.parent).run();
}

std::optional<Session> SqliteTx::find_session(const std::string& token_hash) {
  auto s = db_.prepare(
      "SELECT token_hash, user_id, created_at, expires_at, assumed_binding_id, source_ip, "
      "totp_enrolment_only, parent_token_hash FROM sessions WHERE token_hash = ?");
  s.bind(token_hash);
  if (!s.step()) return std::nullopt;
  Session x;
  x.token_hash = s.text(0);
  x.user = UserId{s.text(1)};
  x.created_at = s.i64(2);
  x.expires_at = s.i64(3);
  if (!s.is_null(4)) x.assumed = BindingId{s.text(4)};
  x.source_ip = s.text(5);
  x.totp_enrolment_only = s.boolean(6);
  x.parent = s.text(7);
  return x;
}

void SqliteTx::delete_session(const std::string& token_hash) {
  db_.prepare("DELETE FROM sessions WHERE token_hash = ? OR parent_token_hash = ?")
      .bind(token_hash)
      .bind(token_hash)
      .run();
}

std::int64_t SqliteTx::delete_sessions_for_user(const UserId& user) {
  auto s = db_.prepare("DELETE FROM sessions WHERE user_id = ?");
  s.bind(user.value).run();
  return s.changes();
}

void SqliteTx::delete_expired_sessions(TimeMs now) {
  db_.prepare("DELETE FROM sessions WHERE expires_at <= ?").bind(now).run();
}

void SqliteTx::insert_api_key(const ApiKey& k) {
  auto s = db_.prepare(std::string("INSERT INTO api_keys (") + kKeyColumns +
                       ") VALUES (?,?,?,?,?,?,?,?)");
  s.bind(k.id.value).bind(k.user.value).bind(k.name).bind(k.secret_hash);
  if (k.scope)
    s.bind(k.scope->value);
  else
    s.bind_null();
  s.bind(k.expires_at).bind(k.created_at).bind(k.revoked).run();
}

std::optional<ApiKey> SqliteTx::find_api_key(const ApiKeyId& id) {
  auto s = db_.prepare(std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  return key_from(s);
}

std::vector<ApiKey> SqliteTx::list_api_keys(const UserId& user) {
  auto s = db_.prepare(std::string("SELECT ") + kKeyColumns +
                       " FROM api_keys WHERE user_id = ? ORDER BY created_at, id");
  s.bind(user.value);
  std::vector<ApiKey> out;
  while (s.step()) out.push_back(key_from(s));
  return out;
}

void SqliteTx::revoke_api_key(const ApiKeyId& id) {
  db_.prepare("UPDATE api_keys SET revoked = 1 WHERE id = ?").bind(id.value).run();
}

std::int64_t SqliteTx::revoke_api_keys_for_user(const UserId& user) {
  auto s = db_.prepare("UPDATE api_keys SET revoked = 1 WHERE user_id = ? AND revoked = 0");
  s.bind(user.value).run();
  return s.changes();
}

}  // namespace govcloud::sqlite
