// govcloud org list | tree | show | create | update | delete
#include <boost/json.hpp>
#include <iostream>
#include <map>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

namespace {

const std::vector<Column> kOrgColumns = {
    {"ID", "id"}, {"TYPE", "type"}, {"NAME", "name"}, {"PARENT", "parent_id"}};

void print_tree(const json::array& items) {
  std::map<std::string, std::vector<const json::object*>> children;
  std::map<std::string, bool> present;
  for (const auto& v : items) present[cell_text(v.as_object().at("id"))] = true;
  std::vector<const json::object*> roots;
  for (const auto& v : items) {
    const auto& o = v.as_object();
    std::string parent = cell_text(o.at("parent_id"));
    if (present.count(parent))
      children[parent].push_back(&o);
    else
      roots.push_back(&o);
  }
  std::function<void(const json::object&, const std::string&)> walk =
      [&](const json::object& o, const std::string& indent) {
        std::cout << indent << cell_text(o.at("name")) << "  [" << cell_text(o.at("type")) << "] "
                  << cell_text(o.at("id")) << "\n";
        for (const auto* c : children[cell_text(o.at("id"))]) walk(*c, indent + "  ");
      };
  for (const auto* r : roots) walk(*r, "");
}

}  // namespace

void register_org(CLI::App& app) {
  auto* org = app.add_subcommand("org", "Organisation tree: units, tenants, business systems");
  org->require_subcommand(1);

  struct ListFlags {
    std::string type, parent, q;
    int limit = 100, offset = 0;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = org->add_subcommand("list", "List org nodes you can see");
  list->add_option("--type", lf->type);
  list->add_option("--parent", lf->parent)->transform(id_or_name("org"));
  list->add_option("-q,--query", lf->q, "name contains");
  list->add_option("--limit", lf->limit);
  list->add_option("--offset", lf->offset);
  list->callback([lf] {
    std::string t =
        "/api/v1/orgs?limit=" + std::to_string(lf->limit) + "&offset=" + std::to_string(lf->offset);
    if (!lf->type.empty()) t += "&type=" + query_escape(lf->type);
    if (!lf->parent.empty()) t += "&parent_id=" + query_escape(lf->parent);
    if (!lf->q.empty()) t += "&q=" + query_escape(lf->q);
    print(call("GET", t), kOrgColumns);
  });
  org->add_subcommand("tree", "Show the org nodes you can see as a tree")->callback([] {
    auto v = call("GET", "/api/v1/orgs?limit=1000");
    if (globals().output == "json") return print(v, {});
    print_tree(v.at("items").as_array());
  });

  auto id = std::make_shared<std::string>();
  auto* show = org->add_subcommand("show", "Show one node");
  show->add_option("id", *id, "id or name")->required()->transform(id_or_name("org"));
  show->callback([id] { print(call("GET", "/api/v1/orgs/" + query_escape(*id)), {}); });

  struct CreateFlags {
    std::string parent, type, name, description, domain;
    std::optional<int> dengbao;
    std::optional<bool> internet, important;
  };
  auto cf = std::make_shared<CreateFlags>();
  auto* create = org->add_subcommand("create", "Create a node");
  create->add_option("--parent", cf->parent, "parent org, id or name")
      ->required()
      ->transform(id_or_name("org"));
  create
      ->add_option("--type", cf->type, "management_unit, supervision_unit, tenant, business_system")
      ->required();
  create->add_option("--name", cf->name)->required();
  create->add_option("--description", cf->description);
  create->add_option("--dengbao", cf->dengbao, "等保 level 1-4 (business systems)");
  create->add_option("--internet-facing", cf->internet, "true/false (business systems)");
  create->add_option("--important", cf->important, "true/false (business systems)");
  create->add_option("--network-domain", cf->domain,
                     "egov_extranet, internet, egov_intranet, private");
  create->callback([cf] {
    json::object body{{"parent_id", cf->parent}, {"type", cf->type}, {"name", cf->name}};
    if (!cf->description.empty()) body["description"] = cf->description;
    if (cf->dengbao) body["dengbao_level"] = *cf->dengbao;
    if (cf->internet) body["internet_facing"] = *cf->internet;
    if (cf->important) body["important"] = *cf->important;
    if (!cf->domain.empty()) body["network_domain"] = cf->domain;
    print(call("POST", "/api/v1/orgs", json::value(body)), {});
  });

  struct UpdateFlags {
    std::string id;
    std::optional<std::string> name, description, domain;
    std::optional<int> dengbao;
    std::optional<bool> internet, important;
  };
  auto uf = std::make_shared<UpdateFlags>();
  auto* update = org->add_subcommand("update", "Change a node");
  update->add_option("id", uf->id, "id or name")->required()->transform(id_or_name("org"));
  update->add_option("--name", uf->name);
  update->add_option("--description", uf->description);
  update->add_option("--dengbao", uf->dengbao);
  update->add_option("--internet-facing", uf->internet);
  update->add_option("--important", uf->important);
  update->add_option("--network-domain", uf->domain);
  update->callback([uf] {
    json::object body;
    if (uf->name) body["name"] = *uf->name;
    if (uf->description) body["description"] = *uf->description;
    if (uf->dengbao) body["dengbao_level"] = *uf->dengbao;
    if (uf->internet) body["internet_facing"] = *uf->internet;
    if (uf->important) body["important"] = *uf->important;
    if (uf->domain) body["network_domain"] = *uf->domain;
    print(call("PATCH", "/api/v1/orgs/" + query_escape(uf->id), json::value(body)), {});
  });

  auto did = std::make_shared<std::string>();
  auto* del = org->add_subcommand("delete", "Delete an empty node");
  del->add_option("id", *did, "id or name")->required()->transform(id_or_name("org"));
  del->callback([did] {
    call("DELETE", "/api/v1/orgs/" + query_escape(*did));
    std::cout << "deleted " << *did << "\n";
  });
}

}  // namespace govcloud::cli
