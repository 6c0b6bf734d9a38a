// Issue 8 (security hardening for 等保三级), the cases fixed so far, each named after its case
// and playing its attacker (IAM-04, IAM-07, IAM-11).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/sealed.h"
#include "common/yaml_json.h"
#include "iam/rate_limit.h"
#include "iam/totp.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::kPassword;
using testing::must;

// §3. Attacker: the system administrator, waiting for the audit post to fall vacant. The 三员
// bootstrap is a latch stored once: revoking the audit administrator does not reopen it.
TEST(Hardening, Case3TheSeparationBootstrapNeverReopens) {
  Env env;
  env.build_tree();  // admin created sec; sec created aud: both latches closed
  auto bindings =
      must(env.iam->list_bindings(env.secadmin, BindingQuery{env.auditor.user, {}, {}}));
  ASSERT_EQ(bindings.size(), 1u);
  must(env.iam->revoke(env.secadmin, bindings[0].id, env.ctx));
  auto create = env.iam->create_user(
      env.admin, NewUser{"shadow-audit", kPassword, "", "", "", env.root}, env.ctx);
  EXPECT_EQ(create.error().code, ErrorCode::kPermissionDenied);
  User other = env.add_user(env.secadmin, "other", env.root);
  auto grant = env.iam->grant(env.admin,
                              GrantInput{other.id, Role::kAuditAdmin, env.root, false, 0}, env.ctx);
  EXPECT_EQ(grant.error().code, ErrorCode::kPermissionDenied);
  // The security administrator fills the post again, as it should.
  must(env.iam->grant(env.secadmin, GrantInput{other.id, Role::kAuditAdmin, env.root, false, 0},
                      env.ctx));
}

// §4. Attacker: a security administrator handing the whole audit trail to the system
// administrator through the supervisor role.
TEST(Hardening, Case4SupervisorExcludesSysadminAndSecadmin) {
  Env env;
  env.build_tree();
  auto to_admin = env.iam->grant(
      env.secadmin, GrantInput{env.admin.user, Role::kSupervisor, env.root, false, 0}, env.ctx);
  EXPECT_EQ(to_admin.error().code, ErrorCode::kConflict);
  User sup = env.add_user(env.secadmin, "sup", env.root);
  must(env.iam->grant(env.secadmin, GrantInput{sup.id, Role::kSupervisor, env.root, false, 0},
                      env.ctx));
  for (Role r : {Role::kSysAdmin, Role::kSecAdmin}) {
    auto clash = env.iam->grant(env.secadmin, GrantInput{sup.id, r, env.root, false, 0}, env.ctx);
    EXPECT_EQ(clash.error().code, ErrorCode::kConflict) << role_name(r);
  }
  // The audit administrator and the supervisor both read; they do not exclude each other.
  User reader = env.add_user(env.secadmin, "reader", env.root);
  must(env.iam->grant(env.secadmin, GrantInput{reader.id, Role::kSupervisor, env.root, false, 0},
                      env.ctx));
}

// §7. Attacker: a user whose grant expired, still holding a cached token.
TEST(Hardening, Case7AnExpiredGrantEndsInCachedSessionsAndKeys) {
  Env env;
  env.build_tree();
  User temp = env.add_user(env.a_admin, "temp", env.tenant_a.id);
  must(env.iam->grant(
      env.a_admin,
      GrantInput{temp.id, Role::kTenantAdmin, env.tenant_a.id, false, env.clock.now() + kHourMs},
      env.ctx));
  auto token = must(env.iam->login(LoginInput{"temp", kPassword, ""}, env.ctx));
  Principal p = must(env.iam->authenticate(token.token));
  auto key = must(env.iam->create_api_key(p, "ci", std::nullopt, 30, env.ctx));
  EXPECT_TRUE(must(env.iam->authenticate(token.token)).can(Action::kUserWrite, env.tenant_a.path));
  EXPECT_TRUE(must(env.iam->authenticate(key.secret)).can(Action::kUserWrite, env.tenant_a.path));
  env.clock.advance(kHourMs + kSecondMs);
  for (const std::string& bearer : {token.token, key.secret}) {
    auto after = env.iam->authenticate(bearer);
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(after->can(Action::kUserWrite, env.tenant_a.path));
    EXPECT_TRUE(after->grants.empty());
  }
}

// §8. Attacker: provider staff turning temporary, assumed tenant access into a permanent one.
TEST(Hardening, Case8AnAssumedSessionCreatesNoAccountsAndNoGrants) {
  Env env;
  env.build_tree();
  User staff = env.add_user(env.secadmin, "provider-ops", env.root);
  auto b = must(env.iam->grant(
      env.secadmin,
      GrantInput{staff.id, Role::kTenantAdmin, env.tenant_a.id, true, env.clock.now() + kDayMs},
      env.ctx));
  Principal plain = env.login("provider-ops");
  auto token = must(env.iam->assume_role(plain, b.id, 30, env.ctx));
  Principal acting = must(env.iam->authenticate(token.token));
  auto created = env.iam->create_user(
      acting, NewUser{"backdoor", kPassword, "", "", "", env.tenant_a.id}, env.ctx);
  EXPECT_EQ(created.error().code, ErrorCode::kPermissionDenied);
  auto granted = env.iam->grant(
      acting, GrantInput{env.a_member.user, Role::kTenantAdmin, env.tenant_a.id, false, 0},
      env.ctx);
  EXPECT_EQ(granted.error().code, ErrorCode::kPermissionDenied);
}

// §13. Attacker: whoever hands a small YAML file of aliases of aliases to the CLI or the server.
TEST(Hardening, Case13YamlAliasesCannotExpandWithoutBound) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c, ++prev) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  YAML::Node root = YAML::Load(bomb);  // 10^11 nodes once expanded
  EXPECT_THROW(yaml_to_json(root), YAML::Exception);
  EXPECT_NO_THROW(yaml_to_json(YAML::Load("a: &a [1, 2]\nb: *a\n")));
}

// Enrols `user` in two-factor login and returns its secret.
Bytes enrol_totp(Env& env, const Principal& who) {
  auto e = must(env.iam->begin_totp(who, kPassword, env.ctx));
  Bytes secret;
  EXPECT_TRUE(base32_decode(e.secret_base32, secret));
  must(env.iam->confirm_totp(who, totp_code(secret, env.clock.now() / 1000), env.ctx));
  return secret;
}

// §5. Attacker: anyone guessing an account's password through the password-change form.
TEST(Hardening, Case5PasswordChangeGuessesCountAndTwoFactorIsAsked) {
  Env env;
  env.build_tree();
  for (int i = 0; i < env.config.lockout.max_failures; ++i)
    EXPECT_FALSE(
        env.iam->change_password("a-member", "Wrong#Guess123", "New#Secret2027", "", env.ctx).ok());
  // Locked now: even the right old password is refused, and so is sign-in.
  EXPECT_FALSE(env.iam->change_password("a-member", kPassword, "New#Secret2027", "", env.ctx).ok());
  EXPECT_FALSE(env.iam->login(LoginInput{"a-member", kPassword, ""}, env.ctx).ok());
  // A two-factor account must give its code to change its password.
  Bytes secret = enrol_totp(env, env.a_admin);
  env.clock.advance(60 * kSecondMs);
  auto no_code = env.iam->change_password("a-admin", kPassword, "New#Secret2027", "", env.ctx);
  EXPECT_EQ(no_code.error().field, "otp");
  std::string code = totp_code(secret, env.clock.now() / 1000);
  EXPECT_TRUE(env.iam->change_password("a-admin", kPassword, "New#Secret2027", code, env.ctx).ok());
}

// §6. Attacker: someone who saw one TOTP code (over a shoulder, in a proxy log) and reuses it.
TEST(Hardening, Case6ATotpCodeSignsInOnce) {
  Env env;
  env.build_tree();
  Bytes secret = enrol_totp(env, env.a_admin);
  // The enrolment code itself cannot sign in.
  std::string enrol_code = totp_code(secret, env.clock.now() / 1000);
  EXPECT_FALSE(env.iam->login(LoginInput{"a-admin", kPassword, enrol_code}, env.ctx).ok());
  env.clock.advance(60 * kSecondMs);
  std::string code = totp_code(secret, env.clock.now() / 1000);
  EXPECT_TRUE(env.iam->login(LoginInput{"a-admin", kPassword, code}, env.ctx).ok());
  auto replay = env.iam->login(LoginInput{"a-admin", kPassword, code}, env.ctx);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().field, "otp");
  // Nor an earlier step still inside the drift window.
  std::string earlier = totp_code(secret, env.clock.now() / 1000 - 30);
  EXPECT_FALSE(env.iam->login(LoginInput{"a-admin", kPassword, earlier}, env.ctx).ok());
}

// §11. Attacker: whoever holds a key or session made before an administrator's reset or before
// the password expired.
TEST(Hardening, Case11ResetsAndExpiredPasswordsEndKeysAndSessions) {
  Env env;
  env.build_tree();
  auto session = must(env.iam->login(LoginInput{"a-member", kPassword, ""}, env.ctx));
  Principal p = must(env.iam->authenticate(session.token));
  auto key = must(env.iam->create_api_key(p, "ci", std::nullopt, 30, env.ctx));
  must(env.iam->reset_password(env.a_admin, p.user, std::nullopt, env.ctx));
  EXPECT_FALSE(env.iam->authenticate(session.token).ok());
  EXPECT_FALSE(env.iam->authenticate(key.secret).ok());
  // An aged password ends the keys made with it, without anyone resetting anything.
  auto admin_session = must(env.iam->login(LoginInput{"a-admin", kPassword, ""}, env.ctx));
  Principal admin = must(env.iam->authenticate(admin_session.token));
  auto admin_key = must(env.iam->create_api_key(admin, "ci", std::nullopt, 366, env.ctx));
  EXPECT_TRUE(env.iam->authenticate(admin_key.secret).ok());
  env.clock.advance(181 * kDayMs);
  EXPECT_FALSE(env.iam->authenticate(admin_key.secret).ok());
}

// §5. The limiter itself: per key, refilled by the clock, bounded in memory.
TEST(Hardening, Case5TheRateLimiterIsPerKeyRefillsAndStaysBounded) {
  ManualClock clock(1795000000000);
  RateLimiter limiter(clock, 6);  // one every 10 s, a burst of 6
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(limiter.take("user:a").allowed);
  auto refused = limiter.take("user:a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_TRUE(refused.first_refusal);
  EXPECT_EQ(refused.retry_after_s, 10);
  EXPECT_FALSE(limiter.take("user:a").first_refusal);  // audited once per run
  EXPECT_TRUE(limiter.take("user:b").allowed);         // another key is not affected
  clock.advance(10 * kSecondMs);
  EXPECT_TRUE(limiter.take("user:a").allowed);
  EXPECT_FALSE(limiter.take("user:a").allowed);
  // A flood of fresh keys (spoofed names) never grows the table past its bound.
  for (std::size_t i = 0; i < RateLimiter::kMaxKeys + 10; ++i)
    (void)limiter.take("user:flood-" + std::to_string(i));
  EXPECT_TRUE(limiter.take("user:c").allowed);
}

std::string stored_totp_secret(Env& env, const std::string& username) {
  sqlite3* db = nullptr;
  sqlite3_open((env.dir / "govcloud.db").c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT totp_secret FROM users WHERE username = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, username.c_str(), -1, SQLITE_TRANSIENT);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// §10. Attacker: whoever reads the database (a copy, a backup) and would sign in with the
// TOTP secrets in it.
TEST(Hardening, Case10TotpSecretsAreSealedAtRest) {
  Env env;
  env.build_tree();
  Bytes secret = enrol_totp(env, env.a_admin);
  std::string plain = base32_encode(secret);
  std::string stored = stored_totp_secret(env, "a-admin");
  EXPECT_TRUE(is_sealed(stored)) << stored;
  EXPECT_EQ(stored.find(plain), std::string::npos);
  // The database alone, with another key, reveals nothing: the secret reads as none.
  auto elsewhere = must(open_sqlite_store(env.dir.string(), (env.dir / "other-keys").string()));
  auto seen = must(elsewhere->read([](Tx& tx) -> Result<User> {
    auto u = tx.find_user_by_name("a-admin");
    if (!u) return not_found("user");
    return *u;
  }));
  EXPECT_TRUE(seen.totp_secret.empty());
  elsewhere.reset();
  // A secret written in plain text before sealing existed is sealed when the store opens, and
  // still works.
  sqlite3* db = nullptr;
  sqlite3_open((env.dir / "govcloud.db").c_str(), &db);
  std::string sql = "UPDATE users SET totp_secret = '" + plain + "' WHERE username = 'a-admin'";
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  env.set.reset();
  env.store = must(open_sqlite_store(env.dir.string()));
  env.wire();
  EXPECT_TRUE(is_sealed(stored_totp_secret(env, "a-admin")));
  env.clock.advance(60 * kSecondMs);
  std::string code = totp_code(secret, env.clock.now() / 1000);
  EXPECT_TRUE(env.iam->login(LoginInput{"a-admin", kPassword, code}, env.ctx).ok());
}

// §11. Attacker: whoever holds an assumed session after the person signed out of the session
// it was assumed from; and whoever holds an API key across an offline recovery.
TEST(Hardening, Case11AnAssumedSessionEndsWithItsParentAndRecoveryEndsKeys) {
  Env env;
  env.build_tree();
  User staff = env.add_user(env.secadmin, "provider-eng", env.root);
  auto b = must(env.iam->grant(
      env.secadmin,
      GrantInput{staff.id, Role::kTenantAdmin, env.tenant_a.id, true, env.clock.now() + kDayMs},
      env.ctx));
  auto parent = must(env.iam->login(LoginInput{"provider-eng", kPassword, ""}, env.ctx));
  Principal plain = must(env.iam->authenticate(parent.token));
  auto assumed = must(env.iam->assume_role(plain, b.id, 30, env.ctx));
  ASSERT_TRUE(env.iam->authenticate(assumed.token).ok());
  ASSERT_TRUE(env.iam->logout(plain, env.ctx).ok());
  EXPECT_FALSE(env.iam->authenticate(assumed.token).ok());
  // Offline recovery ends keys as an administrator's reset does.
  auto session = must(env.iam->login(LoginInput{"a-member", kPassword, ""}, env.ctx));
  auto key = must(env.iam->create_api_key(must(env.iam->authenticate(session.token)), "ci",
                                          std::nullopt, 30, env.ctx));
  must(env.iam->recover_password("a-member", env.ctx));
  EXPECT_FALSE(env.iam->authenticate(key.secret).ok());
  EXPECT_FALSE(env.iam->authenticate(session.token).ok());
}

// §14. Attacker: whoever learnt an old password and waits for its owner to rotate back to it.
TEST(Hardening, Case14TheLastFivePasswordsCannotBeReused) {
  Env env;
  env.build_tree();
  std::vector<std::string> used = {kPassword};
  for (int i = 1; i <= 4; ++i) {
    used.push_back("Rotated#Pass" + std::to_string(i));
    ASSERT_TRUE(env.iam->change_password("a-member", used[i - 1], used[i], "", env.ctx).ok());
  }
  for (int i = 0; i < 4; ++i) {
    auto again = env.iam->change_password("a-member", used[4], used[i], "", env.ctx);
    ASSERT_FALSE(again.ok()) << i;
    EXPECT_EQ(again.error().field, "new_password");
  }
  ASSERT_TRUE(env.iam->change_password("a-member", used[4], "Rotated#Pass5", "", env.ctx).ok());
  // Six passwords on, the first may come back.
  EXPECT_TRUE(env.iam->change_password("a-member", "Rotated#Pass5", kPassword, "", env.ctx).ok());
  // A reset is no way back to an old password either.
  must(env.iam->reset_password(env.a_admin, env.a_member.user, std::string("Reset#Given2026"),
                               env.ctx));
  auto back = env.iam->change_password("a-member", "Reset#Given2026", kPassword, "", env.ctx);
  EXPECT_EQ(back.error().field, "new_password");
}

}  // namespace
}  // namespace govcloud
