// govcloud request … | approval … | fulfil … | resource … | notification …
#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kRequestColumns = {{"ID", "id"},
                                             {"STATE", "state"},
                                             {"ACTION", "action"},
                                             {"SERVICE", "service"},
                                             {"SYSTEM", "org_id"},
                                             {"STEP", "current_step"},
                                             {"BY", "requester_name"},
                                             {"CREATED", "created_at"}};

void add_id_command(CLI::App* parent, const std::string& name, const std::string& help,
                    const std::function<void(const std::string&)>& fn) {
  auto id = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand(name, help);
  cmd->add_option("id", *id)->required();
  cmd->callback([id, fn] { fn(*id); });
}

}  // namespace

void register_request(CLI::App& app) {
  auto* request = app.add_subcommand("request", "Service requests (一点申请)");
  request->require_subcommand(1);
  struct NewFlags {
    std::string service, system, vdc, action = "request", resource, comment;
    std::vector<std::string> params;
  };
  auto nf = std::make_shared<NewFlags>();
  auto* create = request->add_subcommand("create", "Request a service for a business system");
  create->add_option("service", nf->service, "catalog code")->required();
  create->add_option("--system", nf->system, "business system, id or name")
      ->required()
      ->transform(id_or_name("org"));
  create->add_option("--vdc", nf->vdc)->transform(id_or_name("vdc"));
  create->add_option("--action", nf->action, "request (default), modify, delete");
  create->add_option("--resource", nf->resource, "resource id for modify/delete");
  create->add_option("-p,--param", nf->params, "name=value (numbers and true/false are typed)");
  create->add_option("--comment", nf->comment);
  create->callback([nf] {
    json::object params;
    for (const auto& kv : nf->params) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) fail("--param: expected name=value, got " + kv);
      std::string v = kv.substr(eq + 1);
      boost::system::error_code ec;
      auto parsed = json::parse(v, ec);
      params[kv.substr(0, eq)] =
          (!ec && (parsed.is_number() || parsed.is_bool())) ? parsed : json::value(v);
    }
    json::object body{{"service", nf->service},
                      {"org_id", nf->system},
                      {"action", nf->action},
                      {"params", params}};
    if (!nf->vdc.empty()) body["vdc_id"] = nf->vdc;
    if (!nf->resource.empty()) body["resource_id"] = nf->resource;
    if (!nf->comment.empty()) body["comment"] = nf->comment;
    print(call("POST", "/api/v1/requests", json::value(body)), {});
  });
  struct ListFlags {
    std::string state;
    bool mine = false;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = request->add_subcommand("list", "Requests you can see");
  list->add_option("--state", lf->state, "pending, fulfilling, completed, rejected, cancelled");
  list->add_flag("--mine", lf->mine);
  list->callback([lf] {
    std::string t = "/api/v1/requests?limit=200";
    if (!lf->state.empty()) t += "&state=" + query_escape(lf->state);
    if (lf->mine) t += "&mine=true";
    print(call("GET", t), kRequestColumns);
  });
  struct ExportFlags {
    std::string state, from, to, file;
  };
  auto xf = std::make_shared<ExportFlags>();
  auto* exp = request->add_subcommand(
      "export", "Requests with every approval step as CSV, for spot checks (CAT-10)");
  exp->add_option("--state", xf->state);
  exp->add_option("--from", xf->from, "created at or after, e.g. 2026-01-01");
  exp->add_option("--to", xf->to, "created before");
  exp->add_option("-f,--file", xf->file, "write to this file instead of standard output");
  exp->callback([xf] {
    std::string t = "/api/v1/requests/export";
    for (const auto& [key, value] :
         {std::pair{"state", &xf->state}, std::pair{"from", &xf->from}, std::pair{"to", &xf->to}})
      if (!value->empty())
        t += (t.find('?') == std::string::npos ? "?" : "&") + std::string(key) + "=" +
             query_escape(*value);
    std::string csv;
    call("GET", t, std::nullopt, true, &csv);
    emit(xf->file, csv);
  });
  add_id_command(request, "show", "One request with its approval steps", [](const std::string& id) {
    print(call("GET", "/api/v1/requests/" + query_escape(id)), {});
  });
  add_id_command(request, "cancel", "Cancel a pending request", [](const std::string& id) {
    print(call("POST", "/api/v1/requests/" + query_escape(id) + "/cancel"), {});
  });

  auto* approval = app.add_subcommand("approval", "Approve or reject requests (审批)");
  approval->require_subcommand(1);
  approval->add_subcommand("pending", "Requests waiting for a decision")->callback([] {
    print(call("GET", "/api/v1/requests?state=pending&limit=200"), kRequestColumns);
  });
  for (bool approve : {true, false}) {
    struct DecideFlags {
      std::string id, comment;
    };
    auto df = std::make_shared<DecideFlags>();
    auto* cmd =
        approval->add_subcommand(approve ? "approve" : "reject",
                                 approve ? "Approve the current step" : "Reject (give a reason)");
    cmd->add_option("id", df->id)->required();
    auto* c = cmd->add_option("-m,--comment", df->comment);
    if (!approve) c->required();
    cmd->callback([df, approve] {
      print(call("POST",
                 "/api/v1/requests/" + query_escape(df->id) + (approve ? "/approve" : "/reject"),
                 json::value(json::object{{"comment", df->comment}})),
            {});
    });
  }

  auto* fulfil = app.add_subcommand("fulfil", "Fulfilment orders (operations, CAT-09)");
  fulfil->require_subcommand(1);
  auto fstate = std::make_shared<std::string>("open");
  auto* flist = fulfil->add_subcommand("list", "Fulfilment orders");
  flist->add_option("--state", *fstate, "open (default) or done");
  flist->callback([fstate] {
    print(call("GET", "/api/v1/fulfilments?limit=200&state=" + query_escape(*fstate)),
          {{"ID", "id"},
           {"STATE", "state"},
           {"ACTION", "action"},
           {"SERVICE", "service"},
           {"SYSTEM", "org_id"},
           {"REQUEST", "ref"}});
  });
  struct DoneFlags {
    std::string id, delivery;
  };
  auto dfl = std::make_shared<DoneFlags>();
  auto* done = fulfil->add_subcommand("complete", "Complete with delivery details");
  done->add_option("id", dfl->id)->required();
  done->add_option("--delivery", dfl->delivery, "what was delivered")->required();
  done->callback([dfl] {
    print(call("POST", "/api/v1/fulfilments/" + query_escape(dfl->id) + "/complete",
               json::value(json::object{{"delivery", dfl->delivery}})),
          {});
  });

  auto* resource = app.add_subcommand("resource", "Delivered resources");
  resource->require_subcommand(1);
  resource->add_subcommand("list", "Resources you can see")->callback([] {
    print(call("GET", "/api/v1/resources?limit=200"), {{"ID", "id"},
                                                       {"STATE", "state"},
                                                       {"SERVICE", "service"},
                                                       {"SYSTEM", "org_id"},
                                                       {"QUOTA", "quota"}});
  });
  add_id_command(resource, "show", "One resource", [](const std::string& id) {
    print(call("GET", "/api/v1/resources/" + query_escape(id)), {});
  });
  struct ReclaimFlags {
    std::string id, reason;
  };
  auto rf = std::make_shared<ReclaimFlags>();
  auto* reclaim = resource->add_subcommand("reclaim", "Reclaim (回收), releasing its quota");
  reclaim->add_option("id", rf->id)->required();
  reclaim->add_option("--reason", rf->reason)->required();
  reclaim->callback([rf] {
    print(call("POST", "/api/v1/resources/" + query_escape(rf->id) + "/reclaim",
               json::value(json::object{{"reason", rf->reason}})),
          {});
  });

  auto* notes = app.add_subcommand("notification", "In-app notifications");
  notes->require_subcommand(1);
  notes->add_subcommand("list", "Newest first")->callback([] {
    print(call("GET", "/api/v1/notifications?limit=100"),
          {{"ID", "id"}, {"STATE", "state"}, {"MESSAGE", "message"}, {"AT", "created_at"}});
  });
  add_id_command(notes, "read", "Mark one read", [](const std::string& id) {
    call("POST", "/api/v1/notifications/" + query_escape(id) + "/read");
    std::cout << "marked read\n";
  });
}

}  // namespace govcloud::cli
