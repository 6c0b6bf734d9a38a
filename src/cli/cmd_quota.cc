// govcloud vdc … and govcloud quota …
#include <boost/json.hpp>
#include <iostream>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace json = boost::json;

void register_quota(CLI::App& app) {
  auto* vdc = app.add_subcommand("vdc", "Virtual data centres");
  vdc->require_subcommand(1);
  struct ListFlags {
    std::string org, parent;
  };
  auto lf = std::make_shared<ListFlags>();
  auto* list = vdc->add_subcommand("list", "VDCs you can see");
  list->add_option("--org", lf->org)->transform(id_or_name("org"));
  list->add_option("--parent", lf->parent)->transform(id_or_name("vdc"));
  list->callback([lf] {
    std::string t = "/api/v1/vdcs?limit=1000";
    if (!lf->org.empty()) t += "&org_id=" + query_escape(lf->org);
    if (!lf->parent.empty()) t += "&parent_id=" + query_escape(lf->parent);
    print(call("GET", t),
          {{"ID", "id"}, {"NAME", "name"}, {"ORG", "org_id"}, {"PARENT", "parent_id"}});
  });
  struct CreateFlags {
    std::string org, parent, name, description;
  };
  auto cf = std::make_shared<CreateFlags>();
  auto* create = vdc->add_subcommand("create", "Create a VDC under a parent VDC");
  create->add_option("--org", cf->org, "owning org, id or name")
      ->required()
      ->transform(id_or_name("org"));
  create->add_option("--parent", cf->parent, "parent VDC, id or name")
      ->transform(id_or_name("vdc"));
  create->add_option("--name", cf->name)->required();
  create->add_option("--description", cf->description);
  create->callback([cf] {
    json::object body{{"org_id", cf->org}, {"name", cf->name}};
    if (!cf->parent.empty()) body["parent_id"] = cf->parent;
    if (!cf->description.empty()) body["description"] = cf->description;
    print(call("POST", "/api/v1/vdcs", json::value(body)), {});
  });
  auto did = std::make_shared<std::string>();
  auto* del = vdc->add_subcommand("delete", "Delete an empty VDC");
  del->add_option("id", *did, "id or name")->required()->transform(id_or_name("vdc"));
  del->callback([did] {
    call("DELETE", "/api/v1/vdcs/" + query_escape(*did));
    std::cout << "deleted " << *did << "\n";
  });

  const std::vector<Column> quota_cols = {{"RESOURCE", "resource"},
                                          {"UNIT", "unit"},
                                          {"LIMIT", "limit"},
                                          {"USED", "used"},
                                          {"SUB-VDCS", "allocated"},
                                          {"AVAILABLE", "available"},
                                          {"USED-TOTAL", "used_subtree"}};
  auto* quota = app.add_subcommand("quota", "Quotas and reservations per VDC");
  quota->require_subcommand(1);
  auto sid = std::make_shared<std::string>();
  auto* show = quota->add_subcommand("show", "Limits, use and roll-up of a VDC");
  show->add_option("vdc", *sid, "VDC id or name")->required()->transform(id_or_name("vdc"));
  show->callback([sid, quota_cols] {
    print(call("GET", "/api/v1/vdcs/" + query_escape(*sid) + "/quota"), quota_cols);
  });
  struct SetFlags {
    std::string vdc;
    std::vector<std::string> limits;
  };
  auto sf = std::make_shared<SetFlags>();
  auto* set =
      quota->add_subcommand("set", "Set limits: govcloud quota set VDC vcpu=100 memory_gb=400");
  set->add_option("vdc", sf->vdc, "VDC id or name")->required()->transform(id_or_name("vdc"));
  set->add_option("limits", sf->limits, "resource=limit pairs")->required();
  set->callback([sf, quota_cols] {
    print(call("PUT", "/api/v1/vdcs/" + query_escape(sf->vdc) + "/quota",
               json::value(json::object{{"limits", parse_amounts(sf->limits, "limits")}})),
          quota_cols);
  });
  struct HoldFlags {
    std::string vdc, ref, reason;
    std::vector<std::string> amounts;
  };
  auto rf = std::make_shared<HoldFlags>();
  auto* hold = quota->add_subcommand(
      "hold", "Set capacity aside (tenant admin), all amounts or none: members request instead");
  hold->alias("reserve");
  hold->add_option("vdc", rf->vdc, "VDC id or name")->required()->transform(id_or_name("vdc"));
  hold->add_option("amounts", rf->amounts, "resource=amount pairs")->required();
  hold->add_option("--reason", rf->reason, "why the capacity is set aside")->required();
  hold->add_option("--ref", rf->ref, "your reference");
  hold->callback([rf] {
    json::object body{{"amounts", parse_amounts(rf->amounts, "amounts")}, {"reason", rf->reason}};
    if (!rf->ref.empty()) body["ref"] = rf->ref;
    print(
        call("POST", "/api/v1/vdcs/" + query_escape(rf->vdc) + "/reservations", json::value(body)),
        {});
  });
  auto rid = std::make_shared<std::string>();
  auto* release = quota->add_subcommand(
      "release", "Release a hold (requests and resources release their own reservations)");
  release->add_option("reservation", *rid)->required();
  release->callback([rid] {
    call("DELETE", "/api/v1/reservations/" + query_escape(*rid));
    std::cout << "released " << *rid << "\n";
  });
  auto lid = std::make_shared<std::string>();
  auto* reservations = quota->add_subcommand("reservations", "Reservations held on a VDC");
  reservations->add_option("vdc", *lid, "VDC id or name")->required()->transform(id_or_name("vdc"));
  reservations->callback([lid] {
    print(call("GET", "/api/v1/vdcs/" + query_escape(*lid) + "/reservations?limit=1000"),
          {{"ID", "id"},
           {"OWNER", "owner_kind"},
           {"OWNER-ID", "owner_id"},
           {"AMOUNTS", "amounts"},
           {"REASON", "reason"},
           {"CREATED", "created_at"}});
  });
}

}  // namespace govcloud::cli
