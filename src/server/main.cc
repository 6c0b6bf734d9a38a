// govcloud: `serve` runs the control plane; every other subcommand is an API client.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cli.h"
#include "server/serve.h"

int main(int argc, char** argv) {
  CLI::App app{"govcloud — 政务云管理平台 (government cloud management platform)"};
  app.require_subcommand(1);
  app.fallthrough();
  govcloud::register_serve_command(app);
  govcloud::register_cli_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
