// govcloud audit list | export | verify
#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "audit/audit.h"
#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

struct Filters {
  std::string from, to, actor, action, org, result;
  int limit = 50, offset = 0;
  std::string query(bool paged) const {
    std::string q;
    auto add = [&](const char* k, const std::string& v) {
      if (!v.empty()) q += std::string(q.empty() ? "?" : "&") + k + "=" + query_escape(v);
    };
    add("from", from);
    add("to", to);
    add("actor_id", actor);
    add("action", action);
    add("org_id", org);
    add("result", result);
    if (paged) {
      add("limit", std::to_string(limit));
      add("offset", std::to_string(offset));
    }
    return q;
  }
};

void add_filters(CLI::App* cmd, Filters& f) {
  cmd->add_option("--from", f.from, "ISO 8601 time, inclusive");
  cmd->add_option("--to", f.to, "ISO 8601 time, exclusive");
  cmd->add_option("--actor", f.actor, "actor user id");
  cmd->add_option("--action", f.action, "action prefix, e.g. role.");
  cmd->add_option("--org", f.org, "org id or name")->transform(id_or_name("org"));
  cmd->add_option("--result", f.result, "success, failed, denied");
}

}  // namespace

void register_audit(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "Audit trail (AUD-01–03)");
  audit->require_subcommand(1);

  auto lf = std::make_shared<Filters>();
  auto* list = audit->add_subcommand("list", "Query records, newest first");
  add_filters(list, *lf);
  list->add_option("--limit", lf->limit);
  list->add_option("--offset", lf->offset);
  list->callback([lf] {
    print(call("GET", "/api/v1/audit" + lf->query(true)), {{"SEQ", "seq"},
                                                           {"TIME", "time"},
                                                           {"ACTOR", "actor_name"},
                                                           {"ROLE", "assumed_role"},
                                                           {"ACTION", "action"},
                                                           {"TARGET", "target"},
                                                           {"RESULT", "result"},
                                                           {"IP", "source_ip"}});
  });

  auto ef = std::make_shared<Filters>();
  auto file = std::make_shared<std::string>();
  auto* exp = audit->add_subcommand("export", "Export matching records as CSV");
  add_filters(exp, *ef);
  exp->add_option("-f,--file", *file, "write to this file instead of standard output");
  exp->callback([ef, file] {
    std::string csv;
    call("GET", "/api/v1/audit/export" + ef->query(false), std::nullopt, true, &csv);
    emit(*file, csv);
  });

  struct VerifyFlags {
    std::string data_dir, keys_dir, checkpoints;
  };
  auto vf = std::make_shared<VerifyFlags>();
  auto* verify = audit->add_subcommand(
      "verify",
      "Check the keyed SM3 chain against its signed checkpoints; --data-dir reads the store "
      "directly (offline)");
  verify->add_option("--data-dir", vf->data_dir, "the server's data dir");
  verify->add_option("--keys-dir", vf->keys_dir, "the server's keys dir (default DATA_DIR/keys)");
  verify->add_option("--checkpoints", vf->checkpoints,
                     "the checkpoint file (default DATA_DIR/audit-checkpoints.log)");
  verify->callback([vf] {
    json::object rep;
    if (vf->data_dir.empty()) {
      rep = call("GET", "/api/v1/audit/verify").as_object();
    } else {
      // The server's own defaults for where keys and checkpoints live.
      Config where;
      where.data_dir = vf->data_dir;
      where.keys_dir = vf->keys_dir;
      where.audit.checkpoint_file = vf->checkpoints;
      if (!std::ifstream(where.data_dir + "/govcloud.db"))
        fail("no store at " + where.data_dir + "/govcloud.db");
      if (!std::ifstream(where.keys_path() + "/audit.key"))
        fail("no audit key in " + where.keys_path() +
             " (--keys-dir): without it the chain cannot be checked");
      auto store = open_sqlite_store(where.data_dir, where.keys_path());
      if (!store.ok()) fail(store.error().message);
      rep = verify_report_json(verify_audit_chain(*store.value(), where.checkpoint_path()));
    }
    bool ok = rep.at("ok").as_bool();
    if (globals().output == "json") {
      print(rep, {});
    } else if (ok) {
      std::cout << "audit chain OK: " << cell_text(rep.at("checked"))
                << " records verified against " << cell_text(rep.at("checkpoints"))
                << " signed checkpoints (the latest, of " << cell_text(rep.at("checkpoint_at"))
                << ", vouches for record " << cell_text(rep.at("vouched_seq")) << ")\n";
    } else {
      std::cout << "audit chain BROKEN at record " << cell_text(rep.at("first_bad_seq")) << ": "
                << cell_text(rep.at("problem")) << "\n";
    }
    if (!ok) throw CLI::RuntimeError(2);
  });
}

}  // namespace govcloud::cli
