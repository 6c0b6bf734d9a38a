// govcloud login | logout | whoami | assume | apikey
#include <termios.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

std::string prompt_secret(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  bool tty = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  return line;
}

}  // namespace

void register_auth(CLI::App& app) {
  struct LoginFlags {
    std::string user, password, otp;
  };
  auto f = std::make_shared<LoginFlags>();
  auto* login = app.add_subcommand("login", "Sign in and save the token for later commands");
  login->add_option("-u,--user", f->user, "user name");
  login->add_option("-p,--password", f->password,
                    "password (default: GOVCLOUD_PASSWORD or a prompt)");
  login->add_option("--otp", f->otp, "TOTP code, when two-factor login is enabled");
  login->callback([f] {
    if (f->user.empty()) {
      // Never a silent default: the user says who signs in.
      std::cerr << "user name: " << std::flush;
      std::getline(std::cin, f->user);
      if (f->user.empty()) fail("name the user to sign in as: govcloud login -u NAME");
    }
    std::string pw = f->password;
    if (pw.empty()) {
      if (const char* e = std::getenv("GOVCLOUD_PASSWORD")) pw = e;
    }
    if (pw.empty()) pw = prompt_secret("password for " + f->user + ": ");
    json::object body{{"username", f->user}, {"password", pw}};
    if (!f->otp.empty()) body["otp"] = f->otp;
    Saved s;
    s.server = server_url();
    save(Saved{s.server, ""});
    auto v = call("POST", "/api/v1/auth/login", json::value(body));
    s.token = cell_text(v.at("token"));
    save(s);
    if (globals().output == "json") {
      print(v, {});
    } else {
      std::cout << "logged in to " << s.server << " as " << f->user << " until "
                << cell_text(v.at("expires_at")) << "\n";
      if (v.at("totp_enrolment_only").as_bool())
        std::cout << "two-factor enrolment is required: govcloud totp enrol\n";
    }
  });

  app.add_subcommand("logout", "End the saved session")->callback([] {
    call("POST", "/api/v1/auth/logout");
    save(Saved{server_url(), ""});
    std::cout << "logged out\n";
  });
  app.add_subcommand("whoami", "Show the signed-in user and its grants")->callback([] {
    auto v = call("GET", "/api/v1/auth/me");
    if (globals().output == "json") return print(v, {});
    std::cout << cell_text(v.at("username")) << " (" << cell_text(v.at("user_id")) << ")";
    if (!cell_text(v.at("assumed_role")).empty())
      std::cout << " acting as " << cell_text(v.at("assumed_role"));
    std::cout << "\n";
    print(json::object{{"items", v.at("grants")}},
          {{"BINDING", "binding_id"}, {"ROLE", "role"}, {"SCOPE", "scope_org_id"}});
  });

  auto binding = std::make_shared<std::string>();
  auto minutes = std::make_shared<int>(30);
  auto* assume = app.add_subcommand("assume",
                                    "Assume a granted role for a limited time "
                                    "(代入角色); saves the new token");
  assume->add_option("binding", *binding, "role binding id (see: govcloud whoami / role list)")
      ->required();
  assume->add_option("--minutes", *minutes, "how long");
  assume->callback([binding, minutes] {
    auto v = call("POST", "/api/v1/auth/assume-role",
                  json::value(json::object{{"binding_id", *binding}, {"minutes", *minutes}}));
    save(Saved{server_url(), cell_text(v.at("token"))});
    std::cout << "acting as " << cell_text(v.at("assumed_role")) << " until "
              << cell_text(v.at("expires_at")) << "\n";
  });

  auto* totp = app.add_subcommand("totp", "Two-factor login (TOTP)");
  totp->require_subcommand(1);
  totp->add_subcommand("enrol",
                       "Start enrolment (asks for the password): prints the secret and "
                       "otpauth URI")
      ->callback([] {
        std::string pw;
        if (const char* e = std::getenv("GOVCLOUD_PASSWORD")) pw = e;
        if (pw.empty()) pw = prompt_secret("password: ");
        print(call("POST", "/api/v1/auth/totp", json::value(json::object{{"password", pw}})), {});
      });
  auto code = std::make_shared<std::string>();
  auto* confirm = totp->add_subcommand("confirm", "Finish enrolment with a current code");
  confirm->add_option("code", *code)->required();
  confirm->callback([code] {
    call("POST", "/api/v1/auth/totp/confirm", json::value(json::object{{"code", *code}}));
    std::cout << "two-factor login enabled\n";
  });

  auto* key = app.add_subcommand("apikey", "API keys for automation");
  key->require_subcommand(1);
  key->add_subcommand("list", "Your API keys")->callback([] {
    print(call("GET", "/api/v1/auth/api-keys"), {{"ID", "id"},
                                                 {"NAME", "name"},
                                                 {"SCOPE", "scope_org_id"},
                                                 {"EXPIRES", "expires_at"},
                                                 {"REVOKED", "revoked"}});
  });
  struct KeyFlags {
    std::string name, scope;
    int days = 90;
  };
  auto kf = std::make_shared<KeyFlags>();
  auto* create = key->add_subcommand("create", "Create a key; the secret is printed once");
  create->add_option("name", kf->name)->required();
  create->add_option("--scope", kf->scope, "org (id or name) to narrow the key to")
      ->transform(id_or_name("org"));
  create->add_option("--days", kf->days, "lifetime in days");
  create->callback([kf] {
    json::object body{{"name", kf->name}, {"expires_in_days", kf->days}};
    if (!kf->scope.empty()) body["scope_org_id"] = kf->scope;
    print(call("POST", "/api/v1/auth/api-keys", json::value(body)), {});
  });
  auto kid = std::make_shared<std::string>();
  auto* revoke = key->add_subcommand("revoke", "Revoke a key");
  revoke->add_option("id", *kid)->required();
  revoke->callback([kid] {
    call("DELETE", "/api/v1/auth/api-keys/" + query_escape(*kid));
    std::cout << "revoked\n";
  });
}

}  // namespace govcloud::cli
