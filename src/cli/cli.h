// The CLI: every subcommand but `serve` is a client of the REST API (DEVELOPERS.md).
#pragma once

namespace CLI {
class App;
}

namespace govcloud {

void register_cli_commands(CLI::App& app);

}  // namespace govcloud
