// VDCs (TEN-03), quotas and reservations (TEN-05).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

Amounts amounts_from(const json::object& body, const char* field) {
  Amounts out;
  auto it = body.find(field);
  if (it == body.end() || !it->value().is_object()) return out;
  for (const auto& kv : it->value().as_object()) {
    const auto& v = kv.value();
    out.emplace_back(std::string(kv.key()),
                     v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(v.as_uint64()));
  }
  return out;
}

json::value quota_json(const std::vector<QuotaLine>& lines) {
  json::array items;
  for (const auto& l : lines) items.push_back(to_json(l));
  return json::object{{"items", std::move(items)}};
}

}  // namespace

void add_vdc_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{"GET",
                         "/api/v1/vdcs",
                         Access::Requires(Action::kVdcRead),
                         "tenancy",
                         "VDCs visible to the caller",
                         {},
                         {{"org_id", FieldType::kString, ""},
                          {"parent_id", FieldType::kString, ""},
                          {"limit", FieldType::kInteger, ""},
                          {"offset", FieldType::kInteger, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           VdcQuery q;
                           q.page = page_from(c);
                           if (c.query.count("org_id")) q.org = OrgId{c.query["org_id"]};
                           if (c.query.count("parent_id")) q.parent = VdcId{c.query["parent_id"]};
                           GC_ASSIGN_OR_RETURN(auto l, s.tenancy.list_vdcs(*c.who, q));
                           return json_reply(listing_json(l, q.page));
                         }});
  routes.push_back(Route{"POST",
                         "/api/v1/vdcs",
                         Access::Requires(Action::kVdcWrite),
                         "tenancy",
                         "Create a VDC for an org, nested under a parent VDC",
                         BodySchema{{{"org_id", FieldType::kString, true, "", 0, 0, 40},
                                     {"parent_id", FieldType::kString, false,
                                      "omitted only for platform root VDCs", 0, 0, 40},
                                     {"name", FieldType::kString, true, "", 0, 0, 200},
                                     {"description", FieldType::kString, false, "", 0, 0, 2000}}},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           NewVdc in;
                           std::string org = str_field(c.body, "org_id");
                           if (!is_valid_id(org, "org"))
                             return invalid("org_id", "not a valid org id");
                           in.org = OrgId{org};
                           if (has_field(c.body, "parent_id")) {
                             std::string p = str_field(c.body, "parent_id");
                             if (!is_valid_id(p, "vdc"))
                               return invalid("parent_id", "not a valid VDC id");
                             in.parent = VdcId{p};
                           }
                           in.name = str_field(c.body, "name");
                           in.description = str_field(c.body, "description");
                           GC_ASSIGN_OR_RETURN(auto v, s.tenancy.create_vdc(*c.who, in, c.ctx));
                           return json_reply(to_json(v), 201);
                         },
                         201});
  routes.push_back(Route{"GET",
                         "/api/v1/vdcs/{id:vdc}",
                         Access::Requires(Action::kVdcRead),
                         "tenancy",
                         "One VDC",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto v,
                                               s.tenancy.get_vdc(*c.who, VdcId{c.params["id"]}));
                           return json_reply(to_json(v));
                         }});
  routes.push_back(Route{"DELETE",
                         "/api/v1/vdcs/{id:vdc}",
                         Access::Requires(Action::kVdcWrite),
                         "tenancy",
                         "Delete an empty VDC (no sub-VDCs, no reservations)",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.tenancy.delete_vdc(*c.who, VdcId{c.params["id"]}, c.ctx));
                           return no_content();
                         },
                         204});
  routes.push_back(Route{"GET",
                         "/api/v1/vdcs/{id:vdc}/quota",
                         Access::Requires(Action::kQuotaRead),
                         "tenancy",
                         "Limit, use, sub-VDC allocation and roll-up per resource",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto q,
                                               s.tenancy.get_quota(*c.who, VdcId{c.params["id"]}));
                           return json_reply(quota_json(q));
                         }});
  routes.push_back(Route{"PUT",
                         "/api/v1/vdcs/{id:vdc}/quota",
                         Access::Requires(Action::kQuotaWrite),
                         "tenancy",
                         "Set limits; a sub-VDC never gets more than its parent has left",
                         BodySchema{{{"limits", FieldType::kIntegerMap, true,
                                      "resource code → limit", 0, std::int64_t{1} << 40}}},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(
                               auto q, s.tenancy.set_quota(*c.who, VdcId{c.params["id"]},
                                                           amounts_from(c.body, "limits"), c.ctx));
                           return json_reply(quota_json(q));
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/vdcs/{id:vdc}/reservations",
                         Access::Requires(Action::kVdcRead),
                         "tenancy",
                         "Quota reservations held on a VDC",
                         {},
                         {{"limit", FieldType::kInteger, ""}, {"offset", FieldType::kInteger, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           Page page = page_from(c);
                           GC_ASSIGN_OR_RETURN(auto l, s.tenancy.list_reservations(
                                                           *c.who, VdcId{c.params["id"]}, page));
                           return json_reply(listing_json(l, page));
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/vdcs/{id:vdc}/reservations",
      Access::Requires(Action::kQuotaHold),
      "tenancy",
      "Place a hold (预留): a tenant admin sets capacity aside with a reason, all amounts "
      "or none. Members consume quota only through requests",
      BodySchema{{{"amounts", FieldType::kIntegerMap, true, "resource code → amount", 1,
                   std::int64_t{1} << 40},
                  {"reason", FieldType::kString, true, "why the capacity is set aside", 1, 0, 500},
                  {"ref", FieldType::kString, false, "caller's reference", 0, 0, 200}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        GC_ASSIGN_OR_RETURN(
            auto r, s.tenancy.hold(*c.who, VdcId{c.params["id"]}, amounts_from(c.body, "amounts"),
                                   str_field(c.body, "reason"), str_field(c.body, "ref"), c.ctx));
        return json_reply(to_json(r), 201);
      },
      201});
  routes.push_back(Route{"GET",
                         "/api/v1/reservations/{id:rsv}",
                         Access::Requires(Action::kVdcRead),
                         "tenancy",
                         "One reservation",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto r, s.tenancy.get_reservation(
                                                           *c.who, ReservationId{c.params["id"]}));
                           return json_reply(to_json(r));
                         }});
  routes.push_back(
      Route{"DELETE",
            "/api/v1/reservations/{id:rsv}",
            Access::Requires(Action::kQuotaHold),
            "tenancy",
            "Release a hold, returning its quota; a reservation owned by a request, "
            "resource or contract is a 409 naming its owner",
            {},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_TRY(s.tenancy.release_hold(*c.who, ReservationId{c.params["id"]}, c.ctx));
              return no_content();
            },
            204});
}

}  // namespace govcloud
