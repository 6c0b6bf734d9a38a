// `govcloud serve`: wires config, store, services, router and HTTP server.
#pragma once

#include "common/config.h"

namespace CLI {
class App;
}

namespace govcloud {

// Registers the `serve` subcommand on the top-level app.
void register_serve_command(CLI::App& app);

// Registers `recover-admin`, the offline password recovery.
void register_recover_command(CLI::App& app);

// Runs the server until SIGINT/SIGTERM. Returns the process exit code.
int serve(const Config& config);

}  // namespace govcloud
