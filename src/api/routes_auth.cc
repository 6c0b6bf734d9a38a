// Login, logout, whoami, role assumption, password change, TOTP enrolment, API keys.
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::value token_json(const IssuedToken& t) {
  return json::object{{"token", t.token},
                      {"token_type", "Bearer"},
                      {"expires_at", format_iso8601(t.expires_at)},
                      {"user_id", t.user.value},
                      {"assumed_role", t.assumed_role},
                      {"totp_enrolment_only", t.totp_enrolment_only}};
}

}  // namespace

void add_auth_routes(std::vector<Route>& routes, Services& s) {
  Route login{"POST",
              "/api/v1/auth/login",
              Access::Public(),
              "auth",
              "Sign in with user name, password and (when enrolled) a TOTP code",
              BodySchema{{{"username", FieldType::kString, true, "", 0, 0, 64},
                          {"password", FieldType::kString, true, "", 0, 0, 256},
                          {"otp", FieldType::kString, false, "6-digit TOTP code", 0, 0, 10}}},
              {},
              [&s](Call& c) -> Result<Reply> {
                LoginInput in{str_field(c.body, "username"), str_field(c.body, "password"),
                              str_field(c.body, "otp")};
                GC_ASSIGN_OR_RETURN(auto token, s.iam.login(in, c.ctx));
                return json_reply(token_json(token));
              }};
  login.audits_own_failures = true;
  routes.push_back(login);

  Route logout{"POST",
               "/api/v1/auth/logout",
               Access::Authenticated(),
               "auth",
               "End this session",
               {},
               {},
               [&s](Call& c) -> Result<Reply> {
                 GC_TRY(s.iam.logout(*c.who, c.ctx));
                 return no_content();
               }};
  logout.success_status = 204;
  logout.allowed_during_totp_enrolment = true;
  routes.push_back(logout);

  Route me{"GET",
           "/api/v1/auth/me",
           Access::Authenticated(),
           "auth",
           "The caller, its grants and its session",
           {},
           {},
           [](Call& c) -> Result<Reply> { return json_reply(to_json(*c.who)); }};
  me.allowed_during_totp_enrolment = true;
  routes.push_back(me);

  routes.push_back(Route{
      "POST",
      "/api/v1/auth/assume-role",
      Access::Authenticated(),
      "auth",
      "Take on one granted role for a limited time (代入角色, IAM-07)",
      BodySchema{
          {{"binding_id", FieldType::kString, true, "a role binding of the caller", 0, 0, 40},
           {"minutes", FieldType::kInteger, false, "session length", 1, std::int64_t{24} * 60}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(
            auto token,
            s.iam.assume_role(*c.who, BindingId{str_field(c.body, "binding_id")},
                              static_cast<int>(int_field(c.body, "minutes", 30)), c.ctx));
        return json_reply(token_json(token), 201);
      },
      201});

  Route pw{"POST",
           "/api/v1/auth/password",
           Access::Public(),
           "auth",
           "Change one's password (also when expired or reset)",
           BodySchema{{{"username", FieldType::kString, true, "", 0, 0, 64},
                       {"old_password", FieldType::kString, true, "", 0, 0, 256},
                       {"new_password", FieldType::kString, true, "", 0, 0, 256},
                       {"otp", FieldType::kString, false,
                        "the current one-time code, for two-factor accounts", 0, 0, 16}}},
           {},
           [&s](Call& c) -> Result<Reply> {
             GC_TRY(s.iam.change_password(
                 str_field(c.body, "username"), str_field(c.body, "old_password"),
                 str_field(c.body, "new_password"), str_field(c.body, "otp"), c.ctx));
             return no_content();
           },
           204};
  pw.audits_own_failures = true;
  routes.push_back(pw);

  Route totp{
      "POST",
      "/api/v1/auth/totp",
      Access::Authenticated(),
      "auth",
      "Start TOTP enrolment (the password again): returns the secret and an otpauth URI",
      BodySchema{{{"password", FieldType::kString, true, "the account's password", 0, 0, 256}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(auto e, s.iam.begin_totp(*c.who, str_field(c.body, "password"), c.ctx));
        return json_reply(json::object{{"secret", e.secret_base32}, {"uri", e.uri}}, 201);
      },
      201};
  totp.allowed_during_totp_enrolment = true;
  routes.push_back(totp);

  Route confirm{"POST",
                "/api/v1/auth/totp/confirm",
                Access::Authenticated(),
                "auth",
                "Finish TOTP enrolment with a current code",
                BodySchema{{{"code", FieldType::kString, true, "", 0, 0, 10}}},
                {},
                [&s](Call& c) -> Result<Reply> {
                  GC_TRY(s.iam.confirm_totp(*c.who, str_field(c.body, "code"), c.ctx));
                  return no_content();
                },
                204};
  confirm.allowed_during_totp_enrolment = true;
  routes.push_back(confirm);

  routes.push_back(Route{"GET",
                         "/api/v1/auth/api-keys",
                         Access::Authenticated(),
                         "auth",
                         "The caller's API keys",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto keys, s.iam.list_api_keys(*c.who, c.who->user));
                           json::array items;
                           for (const auto& k : keys) items.push_back(to_json(k));
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/auth/api-keys",
      Access::Authenticated(),
      "auth",
      "Create an API key (IAM-16); the secret is shown once",
      BodySchema{
          {{"name", FieldType::kString, true, "", 0, 0, 100},
           {"scope_org_id", FieldType::kString, false, "narrow the key to this subtree", 0, 0, 40},
           {"expires_in_days", FieldType::kInteger, false, "", 1, 366}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        std::optional<OrgId> scope;
        if (has_field(c.body, "scope_org_id")) {
          std::string v = str_field(c.body, "scope_org_id");
          if (!is_valid_id(v, "org")) return invalid("scope_org_id", "not a valid org id");
          scope = OrgId{v};
        }
        GC_ASSIGN_OR_RETURN(auto key,
                            s.iam.create_api_key(
                                *c.who, str_field(c.body, "name"), scope,
                                static_cast<int>(int_field(c.body, "expires_in_days", 90)), c.ctx));
        json::value j = to_json(key.key);
        j.as_object()["secret"] = key.secret;
        return json_reply(j, 201);
      },
      201});
  routes.push_back(Route{"DELETE",
                         "/api/v1/auth/api-keys/{id:key}",
                         Access::Authenticated(),
                         "auth",
                         "Revoke one of the caller's API keys",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.iam.revoke_api_key(*c.who, ApiKeyId{c.params["id"]}, c.ctx));
                           return no_content();
                         },
                         204});
}

}  // namespace govcloud
