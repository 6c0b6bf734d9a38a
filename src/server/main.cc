// govcloud: `serve` runs the control plane; every other subcommand is an API client.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <optional>

#include "cli/cli.h"
#include "server/serve.h"

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Walks argv down the command tree; at the first word that names no subcommand where one is
// expected, says so and suggests the nearest name (issue 7 §5).
std::optional<std::string> unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* cur = &app;
  std::string path = "govcloud";
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind('-', 0) == 0) {
      auto eq = word.find('=');
      const CLI::Option* opt = nullptr;
      for (CLI::App* a = cur; a != nullptr && opt == nullptr; a = a->get_parent())
        opt = a->get_option_no_throw(word.substr(0, eq));
      if (opt != nullptr && eq == std::string::npos && opt->get_expected_max() > 0) ++i;
      continue;
    }
    auto subs = cur->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return std::nullopt;
    CLI::App* next = nullptr;
    for (auto* s : subs)
      if (s->check_name(word)) next = s;
    if (next != nullptr) {
      cur = next;
      path += " " + next->get_name();
      continue;
    }
    std::string best;
    std::size_t best_distance = 3;  // suggest only what is close
    std::string names;
    for (auto* s : subs) {
      if (!names.empty()) names += ", ";
      names += s->get_name();
      std::size_t d = edit_distance(word, s->get_name());
      if (d < best_distance) {
        best_distance = d;
        best = s->get_name();
      }
    }
    std::string msg = "unknown command \"" + word + "\"";
    if (!best.empty()) msg.append(" — did you mean \"").append(best).append("\"?");
    msg.append("\n").append(path).append(" takes: ").append(names);
    return msg;
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"govcloud — 政务云管理平台 (government cloud management platform)"};
  app.require_subcommand(1);
  app.fallthrough();
  govcloud::register_serve_command(app);
  govcloud::register_recover_command(app);
  govcloud::register_cli_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      if (auto msg = unknown_command(app, argc, argv)) {
        std::cerr << "govcloud: " << *msg << "\n";
        return 2;
      }
    }
    return app.exit(e);
  }
  return 0;
}
