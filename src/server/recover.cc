// `govcloud recover-admin`: the way back in when the only sysadmin's password is lost. It works
// on the data dir directly (whoever can read and write that directory already holds the whole
// platform), so it belongs to the server's tooling, not to the API client.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "api/service_set.h"
#include "server/serve.h"

namespace govcloud {

void register_recover_command(CLI::App& app) {
  struct Flags {
    std::string data_dir = "./data";
    std::string user = "admin";
    std::string keys_dir;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "recover-admin",
      "Offline: give an account (default admin) a new one-time password; needs the data dir");
  cmd->add_option("--data-dir", flags->data_dir, "the server's data dir (default ./data)");
  cmd->add_option("--user", flags->user, "the account to recover (default admin)");
  cmd->add_option("--keys-dir", flags->keys_dir,
                  "the server's keys dir, if not DATA_DIR/keys (the audit chain's key)");
  cmd->callback([flags] {
    if (!std::filesystem::exists(flags->data_dir + "/govcloud.db")) {
      std::cerr << "govcloud: no govcloud store in " << flags->data_dir << " (--data-dir)\n";
      throw CLI::RuntimeError(1);
    }
    auto opened = open_sqlite_store(flags->data_dir, flags->keys_dir);
    if (!opened.ok()) {
      std::cerr << "govcloud: " << opened.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    auto store = std::move(opened).value();
    SystemClock clock;
    Config config;
    config.data_dir = flags->data_dir;
    config.keys_dir = flags->keys_dir;
    ServiceSet set(*store, clock, config, flags->data_dir);
    if (auto st = set.start(); !st.ok()) {
      std::cerr << "govcloud: audit checkpoints: " << st.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    RequestContext ctx{std::string("local:") + host, "recover-admin"};
    auto pw = set.iam.recover_password(flags->user, ctx);
    if (!pw.ok()) {
      std::cerr << "govcloud: " << pw.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    if (auto st = set.checkpoints.flush(); !st.ok()) {
      std::cerr << "govcloud: audit checkpoint: " << st.error().message << "\n";
      throw CLI::RuntimeError(1);
    }
    std::cout << "govcloud: new one-time password for '" << flags->user << "': " << pw.value()
              << "\n(it must be changed at the next sign-in; the recovery is in the audit "
                 "trail; restart a running server so no cached session outlives it)\n";
  });
}

}  // namespace govcloud
