// govcloud user … and govcloud role …
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kUserColumns = {
    {"ID", "id"},      {"USERNAME", "username"}, {"NAME", "display_name"},
    {"ORG", "org_id"}, {"DISABLED", "disabled"}, {"2FA", "totp_enabled"}};
const std::vector<Column> kBindingColumns = {{"ID", "id"},
                                             {"USER", "user_id"},
                                             {"ROLE", "role"},
                                             {"SCOPE", "scope_org_id"},
                                             {"ASSUME-ONLY", "assume_only"},
                                             {"EXPIRES", "expires_at"}};

// Adds "govcloud user <verb> ID" that POSTs to /users/ID/<path>.
void add_user_action(CLI::App* user, const std::string& verb, const std::string& path,
                     const std::string& help) {
  auto id = std::make_shared<std::string>();
  auto* cmd = user->add_subcommand(verb, help);
  cmd->add_option("id", *id, "user id or name")->required()->transform(id_or_name("usr"));
  cmd->callback([id, path] {
    print(call("POST", "/api/v1/users/" + query_escape(*id) + "/" + path), kUserColumns);
  });
}

}  // namespace

void register_user(CLI::App& app) {
  auto* user = app.add_subcommand("user", "User accounts");
  user->require_subcommand(1);

  struct ListFlags {
    std::string org, q;
    std::optional<bool> disabled;
    int limit = 100, offset = 0;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = user->add_subcommand("list", "List users you can see");
  list->add_option("--org", lf->org)->transform(id_or_name("org"));
  list->add_option("-q,--query", lf->q);
  list->add_option("--disabled", lf->disabled);
  list->add_option("--limit", lf->limit);
  list->add_option("--offset", lf->offset);
  list->callback([lf] {
    std::string t = "/api/v1/users?limit=" + std::to_string(lf->limit) +
                    "&offset=" + std::to_string(lf->offset);
    if (!lf->org.empty()) t += "&org_id=" + query_escape(lf->org);
    if (!lf->q.empty()) t += "&q=" + query_escape(lf->q);
    if (lf->disabled) t += std::string("&disabled=") + (*lf->disabled ? "true" : "false");
    print(call("GET", t), kUserColumns);
  });

  struct CreateFlags {
    std::string username, password, org, name, email, phone;
  };
  auto cf = std::make_shared<CreateFlags>();
  auto* create = user->add_subcommand("create", "Create a user");
  create->add_option("username", cf->username)->required();
  create->add_option("--org", cf->org, "home org, id or name")
      ->required()
      ->transform(id_or_name("org"));
  create->add_option("--password", cf->password, "initial password")->required();
  create->add_option("--name", cf->name, "display name");
  create->add_option("--email", cf->email);
  create->add_option("--phone", cf->phone);
  create->callback([cf] {
    json::object body{{"username", cf->username}, {"password", cf->password}, {"org_id", cf->org}};
    if (!cf->name.empty()) body["display_name"] = cf->name;
    if (!cf->email.empty()) body["email"] = cf->email;
    if (!cf->phone.empty()) body["phone"] = cf->phone;
    print(call("POST", "/api/v1/users", json::value(body)), {});
  });

  auto sid = std::make_shared<std::string>();
  auto* show = user->add_subcommand("show", "Show a user");
  show->add_option("id", *sid, "id or user name")->required()->transform(id_or_name("usr"));
  show->callback([sid] { print(call("GET", "/api/v1/users/" + query_escape(*sid)), {}); });

  add_user_action(user, "disable", "disable", "Disable: ends all sessions and keys (IAM-10)");
  add_user_action(user, "enable", "enable", "Enable again");
  add_user_action(user, "unlock", "unlock", "Lift a failed-login lockout");
  add_user_action(user, "reset-totp", "reset-totp", "Remove the second factor");

  struct ResetFlags {
    std::string id, password;
  };
  auto rf = std::make_shared<ResetFlags>();
  auto* reset = user->add_subcommand("reset-password", "Reset a password (must be changed)");
  reset->add_option("id", rf->id, "id or user name")->required()->transform(id_or_name("usr"));
  reset->add_option("--password", rf->password, "new password (default: generated)");
  reset->callback([rf] {
    json::object body;
    if (!rf->password.empty()) body["password"] = rf->password;
    print(call("POST", "/api/v1/users/" + query_escape(rf->id) + "/reset-password",
               json::value(body)),
          {});
  });

  auto did = std::make_shared<std::string>();
  auto* del = user->add_subcommand("delete", "Delete a user");
  del->add_option("id", *did, "id or user name")->required()->transform(id_or_name("usr"));
  del->callback([did] {
    call("DELETE", "/api/v1/users/" + query_escape(*did));
    std::cout << "deleted " << *did << "\n";
  });

  struct PasswdFlags {
    std::string user, old_pw, new_pw, otp;
  };
  auto pf = std::make_shared<PasswdFlags>();
  auto* passwd = app.add_subcommand("passwd", "Change your password (also when expired)");
  passwd->add_option("-u,--user", pf->user)->required();
  passwd->add_option("--old", pf->old_pw)->required();
  passwd->add_option("--new", pf->new_pw)->required();
  passwd->add_option("--otp", pf->otp, "the current one-time code, for two-factor accounts");
  passwd->callback([pf] {
    json::object body{
        {"username", pf->user}, {"old_password", pf->old_pw}, {"new_password", pf->new_pw}};
    if (!pf->otp.empty()) body["otp"] = pf->otp;
    call("POST", "/api/v1/auth/password", json::value(body));
    std::cout << "password changed\n";
  });
}

void register_role(CLI::App& app) {
  auto* role = app.add_subcommand("role", "Roles and grants");
  role->require_subcommand(1);
  role->add_subcommand("catalog", "Built-in roles and what each allows")->callback([] {
    auto v = call("GET", "/api/v1/roles");
    if (globals().output == "json") return print(v, {});
    json::array rows;
    for (const auto& r : v.at("items").as_array()) {
      std::string actions;
      for (const auto& a : r.at("actions").as_array())
        actions += (actions.empty() ? "" : " ") + cell_text(a);
      rows.push_back(json::object{{"role", r.at("role")}, {"actions", actions}});
    }
    std::cout << render_table(rows, {{"ROLE", "role"}, {"ACTIONS", "actions"}});
  });

  struct ListFlags {
    std::string user, role;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = role->add_subcommand("list", "Role grants you can see");
  list->add_option("--user", lf->user)->transform(id_or_name("usr"));
  list->add_option("--role", lf->role);
  list->callback([lf] {
    std::string t = "/api/v1/role-bindings";
    std::string sep = "?";
    if (!lf->user.empty()) {
      t += sep + "user_id=" + query_escape(lf->user);
      sep = "&";
    }
    if (!lf->role.empty()) t += sep + "role=" + query_escape(lf->role);
    print(call("GET", t), kBindingColumns);
  });

  struct GrantFlags {
    std::string user, role, scope, expires;
    bool assume_only = false;
  };
  auto gf = std::make_shared<GrantFlags>();
  auto* grant = role->add_subcommand("grant", "Grant a role on an org subtree");
  grant->add_option("--user", gf->user, "user id or name")
      ->required()
      ->transform(id_or_name("usr"));
  grant->add_option("--role", gf->role)->required();
  grant->add_option("--scope", gf->scope, "org id or name")
      ->required()
      ->transform(id_or_name("org"));
  grant->add_flag("--assume-only", gf->assume_only, "usable only via 'govcloud assume'");
  grant->add_option("--expires", gf->expires, "ISO 8601 time");
  grant->callback([gf] {
    json::object body{{"user_id", gf->user}, {"role", gf->role}, {"scope_org_id", gf->scope}};
    if (gf->assume_only) body["assume_only"] = true;
    if (!gf->expires.empty()) body["expires_at"] = gf->expires;
    print(call("POST", "/api/v1/role-bindings", json::value(body)), {});
  });

  auto rid = std::make_shared<std::string>();
  auto* revoke = role->add_subcommand("revoke", "Revoke a grant");
  revoke->add_option("id", *rid, "role binding id")->required();
  revoke->callback([rid] {
    call("DELETE", "/api/v1/role-bindings/" + query_escape(*rid));
    std::cout << "revoked " << *rid << "\n";
  });
}

}  // namespace govcloud::cli
