// API keys for automation (IAM-16): checked exactly like sessions, optionally narrowed to one
// subtree, revoked with the user (IAM-10).
#include "common/digest.h"
#include "iam/iam.h"

namespace govcloud {

Result<NewApiKey> IamService::create_api_key(const Principal& who, const std::string& name,
                                             const std::optional<OrgId>& scope, int days,
                                             const RequestContext& ctx) {
  if (name.empty() || name.size() > 100)
    return invalid("name", "name is required (at most 100 bytes)");
  if (days < 1 || days > 366) return invalid("expires_in_days", "expires_in_days must be 1-366");
  if (!who.is_full_session())
    return denied(
        "API keys are created from one's own login session, not from an API key or "
        "an assumed role");
  return store_.transact([&](Tx& tx) -> Result<NewApiKey> {
    if (scope) {
      auto org = tx.find_org(*scope);
      if (!org || !who.can(Action::kOrgRead, org->path))
        return Error{ErrorCode::kNotFound, "org not found", "scope_org_id"};
    }
    NewApiKey out;
    TimeMs now = clock_.now();
    out.key.id = ApiKeyId{new_id("key")};
    out.key.user = who.user;
    out.key.name = name;
    out.key.scope = scope;
    out.key.created_at = now;
    out.key.expires_at = now + days * kDayMs;
    std::string secret = base64url(random_bytes(32));
    out.key.secret_hash = to_hex(sha256(secret));
    out.secret = "gck_" + out.key.id.value + "_" + secret;
    tx.insert_api_key(out.key);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"apikey.create",
                           out.key.id.value,
                           who.home_org.value,
                           "success",
                           {{"name", name}, {"scope", scope ? scope->value : ""}}});
    return out;
  });
}

Result<std::vector<ApiKey>> IamService::list_api_keys(const Principal& who, const UserId& user) {
  if (user != who.user) return not_found("user");
  return store_.read(
      [&](Tx& tx) -> Result<std::vector<ApiKey>> { return tx.list_api_keys(who.user); });
}

Status IamService::revoke_api_key(const Principal& who, const ApiKeyId& id,
                                  const RequestContext& ctx) {
  if (!who.is_full_session())
    return denied(
        "API keys are revoked from one's own login session, not from an API key or "
        "an assumed role");
  auto st = store_.transact([&](Tx& tx) -> Status {
    auto key = tx.find_api_key(id);
    if (!key || key->user != who.user) return not_found("api key");
    tx.revoke_api_key(id);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"apikey.revoke", id.value, who.home_org.value, "success", {}});
    return ok_status();
  });
  invalidate_cache();
  return st;
}

}  // namespace govcloud
