// Login, bearer authentication, logout, role assumption and password change.
#include <algorithm>
#include <mutex>

#include "common/digest.h"
#include "iam/iam.h"
#include "iam/password.h"
#include "iam/totp.h"

namespace govcloud {
namespace {

constexpr const char* kSessionPrefix = "gct_";
constexpr const char* kApiKeyPrefix = "gck_";
constexpr std::size_t kMaxCachedPrincipals = 100000;

// One answer for an unknown user, a wrong password, a locked and a disabled account, so that
// sign-in reveals neither which names exist nor which are locked (issue 7 §4).
Error bad_credentials() {
  return Error{ErrorCode::kUnauthenticated,
               "invalid user name or password, or the account is locked or disabled; try again "
               "later or ask a security administrator",
               {}};
}

// Every failed sign-in costs one argon2id verification, found user or not, so the answer takes
// the same time either way.
bool verify_or_burn(const User* user, const std::string& password) {
  static const std::string kDummy = hash_password("not-a-password: timing equaliser");
  return verify_password(user != nullptr ? user->password_hash : kDummy, password) &&
         user != nullptr;
}

// The second factor of sign-in and password change: a code of the current step (or one either
// side) that comes after the last accepted step (RFC 6238 §5.2: no replay).
enum class OtpCheck { kOk, kMissing, kWrong, kReplayed };

OtpCheck check_otp(User& user, const std::string& otp, TimeMs now) {
  if (otp.empty()) return OtpCheck::kMissing;
  Bytes secret;
  if (!base32_decode(user.totp_secret, secret)) return OtpCheck::kWrong;
  auto step = totp_match_step(secret, otp, now / 1000);
  if (!step) return OtpCheck::kWrong;
  if (*step <= user.totp_last_step) return OtpCheck::kReplayed;
  user.totp_last_step = *step;
  return OtpCheck::kOk;
}

Error otp_error(OtpCheck c) {
  return Error{ErrorCode::kUnauthenticated,
               c == OtpCheck::kMissing ? "a one-time code is required for this account"
                                       : "the one-time code is wrong, expired or already used",
               "otp"};
}

const char* otp_reason(OtpCheck c) {
  return c == OtpCheck::kMissing    ? "otp missing"
         : c == OtpCheck::kReplayed ? "otp replayed"
                                    : "bad otp";
}

// A wrong password or code counts into one lockout, whether at sign-in or password change
// (IAM-13). Writes the user's counters and, when it locks, the lockout record.
void count_failure(Tx& tx, const Clock& clock, const Config& config, User& user,
                   const RequestContext& ctx) {
  TimeMs now = clock.now();
  user.failed_logins += 1;
  bool lock_now = user.failed_logins >= config.lockout.max_failures;
  if (lock_now) {
    user.locked_until = now + config.lockout.lock_minutes * kMinuteMs;
    user.failed_logins = 0;
  }
  tx.update_user(user);  // counters only; updated_at tracks profile changes
  if (lock_now)
    write_audit(tx, clock, nullptr, ctx,
                AuditEvent{"auth.lockout",
                           user.id.value,
                           user.org.value,
                           "success",
                           {{"username", user.username},
                            {"minutes", std::to_string(config.lockout.lock_minutes)}}});
}

std::string token_hash(const std::string& bearer) {
  return to_hex(sha256(bearer));
}

}  // namespace

IamService::IamService(Store& store, const Clock& clock, const Config& config)
    : store_(store),
      clock_(clock),
      config_(config),
      user_rate_(clock, config.password_rate.per_user_per_minute),
      source_rate_(clock, config.password_rate.per_source_per_minute) {}

Status IamService::check_password_rate(const std::string& username, const RequestContext& ctx,
                                       const char* action) {
  auto by_source = source_rate_.take("source:" + ctx.source_ip);
  auto by_user = by_source.allowed ? user_rate_.take("user:" + username) : RateLimiter::Verdict{};
  if (by_source.allowed && by_user.allowed) return ok_status();
  const auto& v = by_source.allowed ? by_user : by_source;
  const char* scope = by_source.allowed ? "this account" : "this address";
  if (v.first_refusal) {
    (void)store_.transact([&](Tx& tx) -> Status {
      write_audit(
          tx, clock_, nullptr, ctx,
          AuditEvent{action,
                     username,
                     "",
                     "denied",
                     {{"username", username}, {"reason", std::string("rate limited: ") + scope}}});
      return ok_status();
    });
  }
  return Error{ErrorCode::kRateLimited,
               std::string("too many password attempts for ") + scope + "; try again in " +
                   std::to_string(v.retry_after_s) + " s",
               {}};
}

Result<Principal> IamService::load_principal(Tx& tx, const User& user, const Session* session,
                                             const ApiKey* key) {
  TimeMs now = clock_.now();
  Principal p;
  p.user = user.id;
  p.username = user.username;
  p.home_org = user.org;
  if (auto home = tx.find_org(user.org)) p.home_path = home->path;
  BindingQuery q;
  q.user = user.id;
  for (const auto& b : tx.list_bindings(q)) {
    if (b.expires_at != 0 && b.expires_at <= now) continue;
    bool assumed = session != nullptr && session->assumed && *session->assumed == b.id;
    if (session != nullptr && session->assumed && !assumed) continue;
    if (!assumed && b.assume_only) continue;
    auto scope = tx.find_org(b.scope);
    if (!scope) continue;
    if (assumed) p.assumed_role = role_name(b.role);
    std::string path = scope->path;
    if (key != nullptr && key->scope) {
      // IAM-16: a scoped key keeps only the part of each grant inside its subtree.
      auto key_scope = tx.find_org(*key->scope);
      if (!key_scope) continue;
      if (path_within(key_scope->path, path)) {
        path = key_scope->path;
      } else if (!path_within(path, key_scope->path)) {
        continue;
      }
    }
    p.grants.push_back(Grant{b.role, b.id, b.scope, path});
  }
  if (session != nullptr && session->assumed && p.assumed_role.empty())
    return Error{ErrorCode::kUnauthenticated, "the assumed role is no longer granted", {}};
  p.narrowed = (session != nullptr && session->assumed) || (key != nullptr && key->scope);
  if (session != nullptr) {
    p.token_hash = session->token_hash;
    p.expires_at = session->expires_at;
    p.totp_enrolment_only = session->totp_enrolment_only;
  }
  if (key != nullptr) {
    p.api_key = key->id;
    p.expires_at = key->expires_at;
  }
  // An expired password ends the sessions and keys made with it (issue 8 §11): the principal
  // lives no longer than the password.
  TimeMs password_expires =
      user.password_changed_at + static_cast<TimeMs>(config_.password.max_age_days) * kDayMs;
  if (user.must_change_password || password_expires <= now)
    return Error{ErrorCode::kUnauthenticated,
                 "the password has expired; change it (govcloud passwd) and sign in again",
                 {}};
  if (p.expires_at == 0 || password_expires < p.expires_at) p.expires_at = password_expires;
  // The earliest expiry among the grants in force bounds the principal, so a cached session
  // or key never outlives a grant (issue 8 §7).
  for (const auto& g : p.grants) {
    auto b = tx.find_binding(g.binding);
    if (b && b->expires_at != 0 && (p.expires_at == 0 || b->expires_at < p.expires_at))
      p.expires_at = b->expires_at;
  }
  return p;
}

Result<IssuedToken> IamService::issue_session(Tx& tx, const User& user, const RequestContext& ctx,
                                              std::optional<BindingId> assumed, TimeMs expires_at,
                                              bool enrolment_only, const std::string& parent) {
  IssuedToken out;
  out.token = kSessionPrefix + base64url(random_bytes(32));
  out.expires_at = expires_at;
  out.user = user.id;
  out.totp_enrolment_only = enrolment_only;
  Session s;
  s.token_hash = token_hash(out.token);
  s.user = user.id;
  s.created_at = clock_.now();
  s.expires_at = expires_at;
  s.assumed = std::move(assumed);
  s.source_ip = ctx.source_ip;
  s.totp_enrolment_only = enrolment_only;
  s.parent = parent;
  tx.insert_session(s);
  return out;
}

Result<IssuedToken> IamService::login(const LoginInput& in, const RequestContext& ctx) {
  if (in.username.empty()) return invalid("username", "username is required");
  if (in.password.empty()) return invalid("password", "password is required");
  GC_TRY(check_password_rate(in.username, ctx, "auth.login"));
  // The outcome is decided inside the transaction, but failure counters must commit too, so
  // the transaction always commits and the error is returned afterwards.
  std::optional<Error> failure;
  auto issued = store_.transact([&](Tx& tx) -> Result<IssuedToken> {
    TimeMs now = clock_.now();
    auto fail = [&](const std::string& reason, Error err, const User* user) {
      AuditEvent ev{"auth.login",
                    in.username,
                    user ? user->org.value : "",
                    "failed",
                    {{"username", in.username}, {"reason", reason}}};
      write_audit(tx, clock_, nullptr, ctx, ev);
      failure = std::move(err);
      return IssuedToken{};
    };
    auto user = tx.find_user_by_name(in.username);
    bool password_ok = verify_or_burn(user ? &*user : nullptr, in.password);
    if (!user) return fail("unknown user", bad_credentials(), nullptr);
    if (user->disabled) return fail("disabled", bad_credentials(), &*user);
    if (user->locked_until > now) {
      auto minutes = (user->locked_until - now + kMinuteMs - 1) / kMinuteMs;
      return fail("locked (" + std::to_string(minutes) + " minute(s) left)", bad_credentials(),
                  &*user);
    }
    OtpCheck otp = OtpCheck::kOk;
    if (password_ok && user->totp_enabled) otp = check_otp(*user, in.otp, now);
    if (!password_ok || otp != OtpCheck::kOk) {
      count_failure(tx, clock_, config_, *user, ctx);
      if (!password_ok) return fail("bad password", bad_credentials(), &*user);
      return fail(otp_reason(otp), otp_error(otp), &*user);
    }
    user->failed_logins = 0;
    tx.update_user(*user);
    bool expired = user->must_change_password ||
                   now - user->password_changed_at >
                       static_cast<TimeMs>(config_.password.max_age_days) * kDayMs;
    if (expired) {
      return fail("password expired",
                  Error{ErrorCode::kPasswordExpired,
                        user->must_change_password
                            ? "the password was set by someone else and must be changed before "
                              "the first sign-in (govcloud passwd)"
                            : "the password is older than " +
                                  std::to_string(config_.password.max_age_days) +
                                  " days and must be changed",
                        "password"},
                  &*user);
    }
    bool enrolment_only = false;
    if (config_.require_totp_for_admins && !user->totp_enabled) {
      BindingQuery q;
      q.user = user->id;
      for (const auto& b : tx.list_bindings(q)) enrolment_only |= is_platform_role(b.role);
    }
    GC_ASSIGN_OR_RETURN(auto token,
                        issue_session(tx, *user, ctx, std::nullopt,
                                      now + config_.token_ttl_minutes * kMinuteMs, enrolment_only));
    AuditEvent ev{
        "auth.login", user->id.value, user->org.value, "success", {{"username", user->username}}};
    if (enrolment_only) ev.detail["totp_enrolment_only"] = "true";
    write_audit(tx, clock_, nullptr, ctx, ev);
    return token;
  });
  if (!issued.ok()) return issued.error();
  if (failure) return *failure;
  return issued;
}

Result<Principal> IamService::authenticate(const std::string& bearer) {
  if (bearer.empty())
    return Error{ErrorCode::kUnauthenticated, "missing bearer token (Authorization header)", {}};
  std::string hash = token_hash(bearer);
  TimeMs now = clock_.now();
  std::uint64_t gen = generation_.load();
  {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.generation == gen &&
        (it->second.principal.expires_at == 0 || it->second.principal.expires_at > now))
      return it->second.principal;
  }
  auto loaded = store_.read([&](Tx& tx) -> Result<Principal> {
    auto expired = Error{ErrorCode::kUnauthenticated, "token is invalid or expired", {}};
    if (bearer.rfind(kApiKeyPrefix, 0) == 0) {
      // gck_<key id>_<secret>
      auto sep = bearer.find('_', 4);
      if (sep == std::string::npos) return expired;
      auto key = tx.find_api_key(ApiKeyId{bearer.substr(4, sep - 4)});
      if (!key || key->revoked || (key->expires_at != 0 && key->expires_at <= now)) return expired;
      if (!constant_time_equal(key->secret_hash, to_hex(sha256(bearer.substr(sep + 1)))))
        return expired;
      auto user = tx.find_user(key->user);
      if (!user || user->disabled) return expired;
      return load_principal(tx, *user, nullptr, &*key);
    }
    auto session = tx.find_session(hash);
    if (!session || session->expires_at <= now) return expired;
    // An assumed session lives no longer than the session it was assumed from (issue 8 §11).
    if (!session->parent.empty()) {
      auto parent = tx.find_session(session->parent);
      if (!parent || parent->expires_at <= now) return expired;
    }
    auto user = tx.find_user(session->user);
    if (!user || user->disabled) return expired;
    return load_principal(tx, *user, &*session, nullptr);
  });
  if (!loaded.ok()) return loaded.error();
  std::unique_lock lock(cache_mu_);
  if (cache_.size() >= kMaxCachedPrincipals) cache_.clear();
  cache_[hash] = Cached{loaded.value(), gen};
  return loaded;
}

Status IamService::logout(const Principal& who, const RequestContext& ctx) {
  if (who.token_hash.empty())
    return invalid("authorization", "API keys are revoked, not logged out");
  auto st = store_.transact([&](Tx& tx) -> Status {
    tx.delete_session(who.token_hash);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"auth.logout", who.user.value, who.home_org.value, "success", {}});
    return ok_status();
  });
  invalidate_cache();
  return st;
}

Result<IssuedToken> IamService::assume_role(const Principal& who, const BindingId& binding,
                                            int minutes, const RequestContext& ctx) {
  if (who.token_hash.empty() || !who.is_full_session())
    return invalid("authorization",
                   "a role is assumed from a login session, not from an API "
                   "key or another assumed role");
  if (minutes < 1 || minutes > config_.max_assume_minutes)
    return invalid("minutes",
                   "minutes must be between 1 and " + std::to_string(config_.max_assume_minutes));
  return store_.transact([&](Tx& tx) -> Result<IssuedToken> {
    TimeMs now = clock_.now();
    auto b = tx.find_binding(binding);
    if (!b || b->user != who.user) return not_found("role binding");
    if (b->expires_at != 0 && b->expires_at <= now)
      return conflict("the role grant has expired", "binding_id");
    auto user = tx.find_user(who.user);
    if (!user) return not_found("user");
    TimeMs expires = std::min(now + minutes * kMinuteMs, who.expires_at);
    if (b->expires_at != 0) expires = std::min(expires, b->expires_at);
    GC_ASSIGN_OR_RETURN(auto token,
                        issue_session(tx, *user, ctx, b->id, expires, false, who.token_hash));
    token.assumed_role = role_name(b->role);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"auth.assume_role",
                           b->id.value,
                           b->scope.value,
                           "success",
                           {{"role", role_name(b->role)},
                            {"scope", b->scope.value},
                            {"minutes", std::to_string(minutes)}}});
    return token;
  });
}

Status IamService::change_password(const std::string& username, const std::string& old_password,
                                   const std::string& new_password, const std::string& otp,
                                   const RequestContext& ctx) {
  if (username.empty()) return invalid("username", "username is required");
  GC_TRY(check_password_policy(config_.password, username, new_password, "new_password"));
  if (old_password == new_password)
    return invalid("new_password", "the new password must differ from the old one");
  GC_TRY(check_password_rate(username, ctx, "auth.change_password"));
  std::optional<Error> failure;
  auto st = store_.transact([&](Tx& tx) -> Status {
    auto user = tx.find_user_by_name(username);
    TimeMs now = clock_.now();
    bool password_ok = verify_or_burn(user ? &*user : nullptr, old_password);
    auto refuse = [&](const char* reason, Error err) {
      write_audit(tx, clock_, nullptr, ctx,
                  AuditEvent{"auth.change_password",
                             username,
                             user ? user->org.value : "",
                             "failed",
                             {{"username", username}, {"reason", reason}}});
      failure = std::move(err);
      return ok_status();
    };
    if (!user || user->disabled || user->locked_until > now)
      return refuse("unknown, disabled or locked", bad_credentials());
    // Guessing the old password here counts like guessing it at sign-in, and a two-factor
    // account must give its code (issue 8 §5).
    OtpCheck otp_check = OtpCheck::kOk;
    if (password_ok && user->totp_enabled) otp_check = check_otp(*user, otp, now);
    if (!password_ok || otp_check != OtpCheck::kOk) {
      count_failure(tx, clock_, config_, *user, ctx);
      if (!password_ok) return refuse("bad password", bad_credentials());
      return refuse(otp_reason(otp_check), otp_error(otp_check));
    }
    // The last `password.history` passwords (the current one among them) are not reused.
    if (config_.password.history > 0) {
      bool reused = verify_password(user->password_hash, new_password);
      for (std::size_t i = 0; !reused && i < user->password_history.size() &&
                              static_cast<int>(i) + 1 < config_.password.history;
           ++i)
        reused = verify_password(user->password_history[i], new_password);
      if (reused) {
        failure = invalid("new_password", "the new password was used before: the last " +
                                              std::to_string(config_.password.history) +
                                              " cannot be reused");
        return ok_status();
      }
      user->password_history.insert(user->password_history.begin(), user->password_hash);
      if (static_cast<int>(user->password_history.size()) >= config_.password.history)
        user->password_history.resize(static_cast<std::size_t>(config_.password.history - 1));
    }
    user->failed_logins = 0;
    user->password_hash = hash_password(new_password);
    user->password_changed_at = now;
    user->must_change_password = false;
    user->updated_at = now;
    tx.update_user(*user);
    tx.delete_sessions_for_user(user->id);
    write_audit(tx, clock_, nullptr, ctx,
                AuditEvent{"auth.change_password",
                           user->id.value,
                           user->org.value,
                           "success",
                           {{"username", username}}});
    return ok_status();
  });
  invalidate_cache();
  if (!st.ok()) return st;
  if (failure) return *failure;
  return ok_status();
}

}  // namespace govcloud
