// Users (IAM-01) and role bindings (IAM-03/04/08/11).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

std::vector<std::string> role_names() {
  std::vector<std::string> out;
  for (Role r : kAllRoles) out.emplace_back(role_name(r));
  return out;
}

Result<Reply> user_reply(Result<User> u, int status = 200) {
  if (!u.ok()) return u.error();
  return json_reply(to_json(u.value()), status);
}

}  // namespace

void add_user_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(
      Route{"GET",
            "/api/v1/users",
            Access::Requires(Action::kUserRead),
            "iam",
            "List users visible to the caller",
            {},
            {{"org_id", FieldType::kString, "users whose home org is this node"},
             {"disabled", FieldType::kBoolean, ""},
             {"q", FieldType::kString, "substring of user name, display name or email"},
             {"limit", FieldType::kInteger, "page size, at most 1000"},
             {"offset", FieldType::kInteger, ""}},
            [&s](Call& c) -> Result<Reply> {
              UserQuery q;
              q.page = page_from(c);
              if (c.query.count("org_id")) q.org = OrgId{c.query["org_id"]};
              if (c.query.count("disabled")) q.disabled = c.query["disabled"] == "true";
              if (c.query.count("q")) q.keyword = c.query["q"];
              GC_ASSIGN_OR_RETURN(auto l, s.iam.list_users(*c.who, q));
              return json_reply(listing_json(l, q.page));
            }});
  routes.push_back(
      Route{"POST",
            "/api/v1/users",
            Access::Authenticated(),
            "iam",
            "Create a user in an org",
            BodySchema{
                {{"username", FieldType::kString, true, "", 0, 0, 64},
                 {"password", FieldType::kString, true, "must meet the password policy", 0, 0, 256},
                 {"org_id", FieldType::kString, true, "home org", 0, 0, 40},
                 {"display_name", FieldType::kString, false, "", 0, 0, 200},
                 {"email", FieldType::kString, false, "", 0, 0, 254},
                 {"phone", FieldType::kString, false, "", 0, 0, 20}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              std::string org = str_field(c.body, "org_id");
              if (!is_valid_id(org, "org")) return invalid("org_id", "not a valid org id");
              NewUser in{str_field(c.body, "username"),     str_field(c.body, "password"),
                         str_field(c.body, "display_name"), str_field(c.body, "email"),
                         str_field(c.body, "phone"),        OrgId{org}};
              return user_reply(s.iam.create_user(*c.who, in, c.ctx), 201);
            },
            201});
  routes.push_back(Route{"GET",
                         "/api/v1/users/{id:usr}",
                         Access::Authenticated(),
                         "iam",
                         "One user",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           return user_reply(s.iam.get_user(*c.who, UserId{c.params["id"]}));
                         }});
  routes.push_back(Route{"PATCH",
                         "/api/v1/users/{id:usr}",
                         Access::Requires(Action::kUserWrite),
                         "iam",
                         "Change a user's contact details",
                         BodySchema{{{"display_name", FieldType::kString, false, "", 0, 0, 200},
                                     {"email", FieldType::kString, false, "", 0, 0, 254},
                                     {"phone", FieldType::kString, false, "", 0, 0, 20}}},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           UserPatch p;
                           if (has_field(c.body, "display_name"))
                             p.display_name = str_field(c.body, "display_name");
                           if (has_field(c.body, "email")) p.email = str_field(c.body, "email");
                           if (has_field(c.body, "phone")) p.phone = str_field(c.body, "phone");
                           return user_reply(
                               s.iam.update_user(*c.who, UserId{c.params["id"]}, p, c.ctx));
                         }});
  routes.push_back(Route{"DELETE",
                         "/api/v1/users/{id:usr}",
                         Access::Requires(Action::kUserWrite),
                         "iam",
                         "Delete a user with its grants, sessions and keys",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.iam.delete_user(*c.who, UserId{c.params["id"]}, c.ctx));
                           return no_content();
                         },
                         204});
  for (bool disable : {true, false}) {
    routes.push_back(Route{
        "POST",
        disable ? "/api/v1/users/{id:usr}/disable" : "/api/v1/users/{id:usr}/enable",
        Access::Requires(Action::kUserWrite),
        "iam",
        disable ? "Disable a user: every session and API key ends at once (IAM-10)"
                : "Re-enable a user",
        {},
        {},
        [&s, disable](Call& c) -> Result<Reply> {
          return user_reply(s.iam.set_disabled(*c.who, UserId{c.params["id"]}, disable, c.ctx));
        }});
  }
  routes.push_back(Route{
      "POST",
      "/api/v1/users/{id:usr}/reset-password",
      Access::Requires(Action::kUserWrite),
      "iam",
      "Reset a password; the user must change it at next login",
      BodySchema{{{"password", FieldType::kString, false, "omit to generate one", 0, 0, 256}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        std::optional<std::string> pw;
        if (has_field(c.body, "password")) pw = str_field(c.body, "password");
        GC_ASSIGN_OR_RETURN(auto fresh,
                            s.iam.reset_password(*c.who, UserId{c.params["id"]}, pw, c.ctx));
        json::object o{{"must_change_password", true}};
        if (!pw) o["password"] = fresh;
        return json_reply(o);
      }});
  routes.push_back(Route{"POST",
                         "/api/v1/users/{id:usr}/unlock",
                         Access::Requires(Action::kUserWrite),
                         "iam",
                         "Lift a lockout after failed logins",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           return user_reply(s.iam.unlock(*c.who, UserId{c.params["id"]}, c.ctx));
                         }});
  routes.push_back(Route{"POST",
                         "/api/v1/users/{id:usr}/reset-totp",
                         Access::Requires(Action::kUserWrite),
                         "iam",
                         "Remove a user's second factor so they can enrol again",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.iam.reset_totp(*c.who, UserId{c.params["id"]}, c.ctx));
                           return no_content();
                         },
                         204});

  routes.push_back(Route{"GET",
                         "/api/v1/role-bindings",
                         Access::Authenticated(),
                         "iam",
                         "Role grants visible to the caller (one's own are always visible)",
                         {},
                         {{"user_id", FieldType::kString, ""}, {"role", FieldType::kString, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           BindingQuery q;
                           if (c.query.count("user_id")) {
                             if (!is_valid_id(c.query["user_id"], "usr"))
                               return invalid("user_id", "not a valid user id");
                             q.user = UserId{c.query["user_id"]};
                           }
                           if (c.query.count("role")) {
                             Role r;
                             if (!parse_role(c.query["role"], r))
                               return invalid("role", "unknown role");
                             q.role = r;
                           }
                           if (!q.user) q.user = std::nullopt;
                           GC_ASSIGN_OR_RETURN(auto list, s.iam.list_bindings(*c.who, q));
                           json::array items;
                           for (const auto& b : list) items.push_back(to_json(b));
                           return json_reply(json::object{{"items", std::move(items)}});
                         }});
  routes.push_back(Route{"POST",
                         "/api/v1/role-bindings",
                         Access::Authenticated(),
                         "iam",
                         "Grant a role on an org subtree (audited, AUD-03)",
                         BodySchema{{{"user_id", FieldType::kString, true, "", 0, 0, 40},
                                     {"role", FieldType::kString, true, "", 0, 0, 20, role_names()},
                                     {"scope_org_id", FieldType::kString, true, "", 0, 0, 40},
                                     {"assume_only", FieldType::kBoolean, false,
                                      "usable only through POST /auth/assume-role"},
                                     {"expires_at", FieldType::kTimestamp, false, "", 0, 0, 30}}},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GrantInput in;
                           std::string user = str_field(c.body, "user_id");
                           std::string scope = str_field(c.body, "scope_org_id");
                           if (!is_valid_id(user, "usr"))
                             return invalid("user_id", "not a valid user id");
                           if (!is_valid_id(scope, "org"))
                             return invalid("scope_org_id", "not a valid org id");
                           in.user = UserId{user};
                           in.scope = OrgId{scope};
                           parse_role(str_field(c.body, "role"), in.role);
                           in.assume_only = bool_field(c.body, "assume_only", false);
                           if (has_field(c.body, "expires_at"))
                             parse_iso8601(str_field(c.body, "expires_at"), in.expires_at);
                           GC_ASSIGN_OR_RETURN(auto b, s.iam.grant(*c.who, in, c.ctx));
                           return json_reply(to_json(b), 201);
                         },
                         201});
  routes.push_back(Route{"DELETE",
                         "/api/v1/role-bindings/{id:rb}",
                         Access::Authenticated(),
                         "iam",
                         "Revoke a role grant (audited, AUD-03)",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.iam.revoke(*c.who, BindingId{c.params["id"]}, c.ctx));
                           return no_content();
                         },
                         204});
}

}  // namespace govcloud
