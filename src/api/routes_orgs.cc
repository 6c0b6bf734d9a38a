// The organisation tree (TEN-01, 02, 10).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

const std::vector<std::string> kCreatableTypes = {"management_unit", "supervision_unit", "tenant",
                                                  "business_system"};
const std::vector<std::string> kDomains = {"egov_extranet", "internet", "egov_intranet", "private"};

std::vector<FieldSpec> profile_fields() {
  return {{"dengbao_level", FieldType::kInteger, false, "等保 level (business systems)", 1, 4},
          {"internet_facing", FieldType::kBoolean, false, "面向互联网和大厅办事的系统"},
          {"important", FieldType::kBoolean, false, "重要信息系统"},
          {"network_domain", FieldType::kString, false, "", 0, 0, 20, kDomains}};
}

}  // namespace

void add_org_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{"GET",
                         "/api/v1/orgs",
                         Access::Requires(Action::kOrgRead),
                         "tenancy",
                         "Org nodes visible to the caller, in tree order",
                         {},
                         {{"type", FieldType::kString,
                           "platform, management_unit, supervision_unit, tenant, "
                           "business_system"},
                          {"parent_id", FieldType::kString, ""},
                          {"q", FieldType::kString, "substring of the name"},
                          {"limit", FieldType::kInteger, ""},
                          {"offset", FieldType::kInteger, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           OrgQuery q;
                           q.page = page_from(c);
                           if (c.query.count("type")) {
                             OrgType t;
                             if (!parse_org_type(c.query["type"], t))
                               return invalid("type", "unknown org type");
                             q.type = t;
                           }
                           if (c.query.count("parent_id")) q.parent = OrgId{c.query["parent_id"]};
                           if (c.query.count("q")) q.keyword = c.query["q"];
                           GC_ASSIGN_OR_RETURN(auto l, s.tenancy.list_orgs(*c.who, q));
                           return json_reply(listing_json(l, q.page));
                         }});

  BodySchema create{{{"parent_id", FieldType::kString, true, "", 0, 0, 40},
                     {"type", FieldType::kString, true, "", 0, 0, 20, kCreatableTypes},
                     {"name", FieldType::kString, true, "", 0, 0, 200},
                     {"description", FieldType::kString, false, "", 0, 0, 2000}}};
  for (auto& f : profile_fields()) create.fields.push_back(f);
  routes.push_back(Route{
      "POST",
      "/api/v1/orgs",
      Access::Authenticated(),
      "tenancy",
      "Create a management/supervision unit (platform), tenant (management unit only, TEN-10) "
      "or business system (TEN-02)",
      create,
      {},
      [&s](Call& c) -> Result<Reply> {
        NewOrg in;
        std::string parent = str_field(c.body, "parent_id");
        if (!is_valid_id(parent, "org")) return invalid("parent_id", "not a valid org id");
        in.parent = OrgId{parent};
        parse_org_type(str_field(c.body, "type"), in.type);
        in.name = str_field(c.body, "name");
        in.description = str_field(c.body, "description");
        bool any_profile = has_field(c.body, "dengbao_level") ||
                           has_field(c.body, "internet_facing") || has_field(c.body, "important") ||
                           has_field(c.body, "network_domain");
        if (in.type == OrgType::kBusinessSystem || any_profile) {
          BusinessSystemProfile p;
          p.dengbao_level = static_cast<int>(int_field(c.body, "dengbao_level", 2));
          p.internet_facing = bool_field(c.body, "internet_facing", false);
          p.important = bool_field(c.body, "important", false);
          p.network_domain = str_field(c.body, "network_domain", "egov_extranet");
          in.system = p;
        }
        GC_ASSIGN_OR_RETURN(auto org, s.tenancy.create_org(*c.who, in, c.ctx));
        return json_reply(to_json(org), 201);
      },
      201});
  routes.push_back(Route{"GET",
                         "/api/v1/orgs/{id:org}",
                         Access::Requires(Action::kOrgRead),
                         "tenancy",
                         "One org node",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto org,
                                               s.tenancy.get_org(*c.who, OrgId{c.params["id"]}));
                           return json_reply(to_json(org));
                         }});
  BodySchema patch{{{"name", FieldType::kString, false, "", 0, 0, 200},
                    {"description", FieldType::kString, false, "", 0, 0, 2000}}};
  for (auto& f : profile_fields()) patch.fields.push_back(f);
  routes.push_back(
      Route{"PATCH",
            "/api/v1/orgs/{id:org}",
            Access::Requires(Action::kOrgUpdate),
            "tenancy",
            "Rename or re-describe a node; change a business system's attributes",
            patch,
            {},
            [&s](Call& c) -> Result<Reply> {
              OrgPatch p;
              if (has_field(c.body, "name")) p.name = str_field(c.body, "name");
              if (has_field(c.body, "description"))
                p.description = str_field(c.body, "description");
              if (has_field(c.body, "dengbao_level"))
                p.dengbao_level = static_cast<int>(int_field(c.body, "dengbao_level", 2));
              if (has_field(c.body, "internet_facing"))
                p.internet_facing = bool_field(c.body, "internet_facing", false);
              if (has_field(c.body, "important"))
                p.important = bool_field(c.body, "important", false);
              if (has_field(c.body, "network_domain"))
                p.network_domain = str_field(c.body, "network_domain");
              GC_ASSIGN_OR_RETURN(auto org,
                                  s.tenancy.update_org(*c.who, OrgId{c.params["id"]}, p, c.ctx));
              return json_reply(to_json(org));
            }});
  routes.push_back(Route{"DELETE",
                         "/api/v1/orgs/{id:org}",
                         Access::Authenticated(),
                         "tenancy",
                         "Delete an empty node (no children, users, VDCs or grants)",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.tenancy.delete_org(*c.who, OrgId{c.params["id"]}, c.ctx));
                           return no_content();
                         },
                         204});
}

}  // namespace govcloud
