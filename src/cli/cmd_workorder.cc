// govcloud workorder …
#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k[(buf >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += k[(buf << (6 - bits)) & 0x3f];
  while (out.size() % 4) out += '=';
  return out;
}

}  // namespace

void register_workorder(CLI::App& app) {
  auto* wo =
      app.add_subcommand("workorder", "Work orders (工单): onboarding, go-live, change, exit");
  wo->require_subcommand(1);
  struct NewFlags {
    std::string type, system, title, description;
  };
  auto nf = std::make_shared<NewFlags>();
  auto* create = wo->add_subcommand("create", "Open a work order");
  create->add_option("--type", nf->type, "onboarding, go_live, change, exit")->required();
  create->add_option("--system", nf->system, "business system, id or name")
      ->required()
      ->transform(id_or_name("org"));
  create->add_option("--title", nf->title)->required();
  create->add_option("--description", nf->description);
  create->callback([nf] {
    print(call("POST", "/api/v1/workorders",
               json::value(json::object{{"type", nf->type},
                                        {"org_id", nf->system},
                                        {"title", nf->title},
                                        {"description", nf->description}})),
          {});
  });
  struct ListFlags {
    std::string state, type;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = wo->add_subcommand("list", "Work orders you can see");
  list->add_option("--state", lf->state);
  list->add_option("--type", lf->type);
  list->callback([lf] {
    std::string t = "/api/v1/workorders?limit=200";
    if (!lf->state.empty()) t += "&state=" + query_escape(lf->state);
    if (!lf->type.empty()) t += "&type=" + query_escape(lf->type);
    print(call("GET", t), {{"ID", "id"},
                           {"TYPE", "type"},
                           {"STATE", "state"},
                           {"TITLE", "title"},
                           {"SYSTEM", "org_name"},
                           {"ASSIGNEE", "assignee_name"},
                           {"CREATED", "created_at"}});
  });
  auto sid = std::make_shared<std::string>();
  auto* show = wo->add_subcommand("show", "One work order with its history");
  show->add_option("id", *sid)->required();
  show->callback([sid] { print(call("GET", "/api/v1/workorders/" + query_escape(*sid)), {}); });
  struct TwoFlags {
    std::string id, value, comment;
  };
  auto af = std::make_shared<TwoFlags>();
  auto* assign = wo->add_subcommand("assign", "Assign to an operations engineer");
  assign->add_option("id", af->id)->required();
  assign->add_option("--to", af->value, "user id")->required();
  assign->callback([af] {
    print(call("POST", "/api/v1/workorders/" + query_escape(af->id) + "/assign",
               json::value(json::object{{"assignee", af->value}})),
          {});
  });
  auto tf = std::make_shared<TwoFlags>();
  auto* move = wo->add_subcommand("move", "Change state: in_progress, resolved, closed, cancelled");
  move->add_option("id", tf->id)->required();
  move->add_option("state", tf->value)->required();
  move->add_option("-m,--comment", tf->comment);
  move->callback([tf] {
    print(call("POST", "/api/v1/workorders/" + query_escape(tf->id) + "/transition",
               json::value(json::object{{"state", tf->value}, {"comment", tf->comment}})),
          {});
  });
  auto cf = std::make_shared<TwoFlags>();
  auto* comment = wo->add_subcommand("comment", "Add a comment");
  comment->add_option("id", cf->id)->required();
  comment->add_option("text", cf->value)->required();
  comment->callback([cf] {
    call("POST", "/api/v1/workorders/" + query_escape(cf->id) + "/comments",
         json::value(json::object{{"body", cf->value}}));
    std::cout << "commented\n";
  });
  auto xf = std::make_shared<TwoFlags>();
  auto* attach = wo->add_subcommand("attach", "Attach a file (at most 512 KiB)");
  attach->add_option("id", xf->id)->required();
  attach->add_option("file", xf->value)->required();
  attach->callback([xf] {
    std::string name = xf->value.substr(xf->value.find_last_of('/') + 1);
    call("POST", "/api/v1/workorders/" + query_escape(xf->id) + "/attachments",
         json::value(
             json::object{{"filename", name}, {"content_base64", base64(read_file(xf->value))}}));
    std::cout << "attached " << name << "\n";
  });
  struct GetFlags {
    std::string id, out;
    int n = 0;
  };
  auto gf = std::make_shared<GetFlags>();
  auto* get = wo->add_subcommand("download", "Download attachment N (0-based)");
  get->add_option("id", gf->id)->required();
  get->add_option("n", gf->n)->required();
  get->add_option("--out", gf->out, "file to write")->required();
  get->callback([gf] {
    std::string bytes;
    call("GET",
         "/api/v1/workorders/" + query_escape(gf->id) + "/attachments/" + std::to_string(gf->n),
         std::nullopt, true, &bytes);
    std::ofstream out(gf->out, std::ios::binary);
    if (!out) fail("cannot write " + gf->out);
    out << bytes;
    std::cout << "wrote " << gf->out << "\n";
  });
}

}  // namespace govcloud::cli
