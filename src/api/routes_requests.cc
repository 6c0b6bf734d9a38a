// Requests, approvals, fulfilment, resources, reclamation, notifications (CAT-07–09, IAM-09).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

Reply list_reply(const Listing<Doc>& l, const Page& page) {
  json::array items;
  for (const auto& d : l.items) items.push_back(d);
  return json_reply(json::object{{"items", std::move(items)},
                                 {"total", l.total},
                                 {"limit", page.limit},
                                 {"offset", page.offset}});
}

const std::vector<QueryParam> kPaged = {{"state", FieldType::kString, ""},
                                        {"limit", FieldType::kInteger, ""},
                                        {"offset", FieldType::kInteger, ""}};

RequestFilter request_filter(Call& c) {
  RequestFilter f;
  f.state = c.query["state"];
  f.mine = c.query["mine"] == "true";
  // The router has already checked these parse as timestamps.
  if (c.query.count("from")) parse_iso8601(c.query["from"], f.from);
  if (c.query.count("to")) parse_iso8601(c.query["to"], f.to);
  return f;
}

}  // namespace

void add_request_routes(std::vector<Route>& routes, Services& s) {
  std::vector<QueryParam> request_query = kPaged;
  request_query.push_back({"mine", FieldType::kBoolean, "only my own requests"});
  request_query.push_back({"from", FieldType::kTimestamp, "created at or after"});
  request_query.push_back({"to", FieldType::kTimestamp, "created before"});
  std::vector<QueryParam> export_query(request_query.begin(), request_query.end());
  std::erase_if(export_query,
                [](const QueryParam& q) { return q.name == "limit" || q.name == "offset"; });
  routes.push_back(Route{"GET",
                         "/api/v1/requests",
                         Access::Authenticated(),
                         "requests",
                         "Service requests visible to the caller (own, its systems', to approve)",
                         {},
                         request_query,
                         [&s](Call& c) -> Result<Reply> {
                           Page page = page_from(c);
                           GC_ASSIGN_OR_RETURN(
                               auto l, s.workflow.list_requests(*c.who, request_filter(c), page));
                           return list_reply(l, page);
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/requests/export",
                         Access::Authenticated(),
                         "requests",
                         "CSV of the requests visible to the caller with every approval step, for "
                         "spot checks over a period (CAT-10)",
                         {},
                         with_bom(export_query),
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(
                               auto csv, s.workflow.export_requests(*c.who, request_filter(c)));
                           Reply r;
                           r.content_type = "text/csv; charset=utf-8";
                           r.raw = std::move(csv);
                           return r;
                         }});
  routes.push_back(Route{
      "POST",
      "/api/v1/requests",
      Access::Requires(Action::kRequest),
      "requests",
      "Request, modify or delete a service for a business system; quota is reserved at once",
      BodySchema{
          {{"service", FieldType::kString, true, "catalog code", 0, 0, 64},
           {"action", FieldType::kString, false, "", 0, 0, 10, {"request", "modify", "delete"}},
           {"org_id", FieldType::kString, true, "the business system", 0, 0, 40},
           {"vdc_id", FieldType::kString, false, "", 0, 0, 40},
           {"params", FieldType::kJson, false, "parameters per the service's schema"},
           {"resource_id", FieldType::kString, false, "for modify and delete", 0, 0, 40},
           {"comment", FieldType::kString, false, "", 0, 0, 2000}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        NewRequest in;
        in.service = str_field(c.body, "service");
        in.action = str_field(c.body, "action", "request");
        std::string org = str_field(c.body, "org_id");
        if (!is_valid_id(org, "org")) return invalid("org_id", "not a valid org id");
        in.org = OrgId{org};
        if (has_field(c.body, "vdc_id")) {
          std::string v = str_field(c.body, "vdc_id");
          if (!is_valid_id(v, "vdc")) return invalid("vdc_id", "not a valid VDC id");
          in.vdc = VdcId{v};
        }
        if (has_field(c.body, "params")) {
          if (!c.body.at("params").is_object())
            return invalid("params", "params must be an object");
          in.params = c.body.at("params").as_object();
        }
        in.resource_id = str_field(c.body, "resource_id");
        if (!in.resource_id.empty() && !is_valid_id(in.resource_id, "res"))
          return invalid("resource_id", "not a valid resource id");
        in.comment = str_field(c.body, "comment");
        GC_ASSIGN_OR_RETURN(auto r, s.workflow.create_request(*c.who, in, c.ctx));
        return json_reply(r, 201);
      },
      201});
  routes.push_back(Route{"GET",
                         "/api/v1/requests/{id:rq}",
                         Access::Authenticated(),
                         "requests",
                         "One request with its approval steps",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto r,
                                               s.workflow.get_request(*c.who, c.params["id"]));
                           return json_reply(r);
                         }});
  for (bool approve : {true, false}) {
    routes.push_back(
        Route{"POST",
              approve ? "/api/v1/requests/{id:rq}/approve" : "/api/v1/requests/{id:rq}/reject",
              Access::Requires(Action::kApprove),
              "requests",
              approve ? "Approve the current step" : "Reject the request (releases its quota)",
              BodySchema{{{"comment", FieldType::kString, !approve, "", 0, 0, 2000}}},
              {},
              [&s, approve](Call& c) -> Result<Reply> {
                GC_ASSIGN_OR_RETURN(auto r, s.workflow.decide(*c.who, c.params["id"], approve,
                                                              str_field(c.body, "comment"), c.ctx));
                return json_reply(r);
              }});
  }
  routes.push_back(Route{"POST",
                         "/api/v1/requests/{id:rq}/cancel",
                         Access::Authenticated(),
                         "requests",
                         "Cancel a pending request (releases its quota)",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto r,
                                               s.workflow.cancel(*c.who, c.params["id"], c.ctx));
                           return json_reply(r);
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/fulfilments",
                         Access::Requires(Action::kFulfil),
                         "requests",
                         "Fulfilment orders for operations (CAT-09)",
                         {},
                         kPaged,
                         [&s](Call& c) -> Result<Reply> {
                           Page page = page_from(c);
                           GC_ASSIGN_OR_RETURN(
                               auto l, s.workflow.list_fulfilments(*c.who, c.query["state"], page));
                           return list_reply(l, page);
                         }});
  routes.push_back(
      Route{"POST",
            "/api/v1/fulfilments/{id:ful}/complete",
            Access::Requires(Action::kFulfil),
            "requests",
            "Complete a manual fulfilment with delivery details",
            BodySchema{{{"delivery", FieldType::kString, true, "what was delivered", 0, 0, 10000}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_ASSIGN_OR_RETURN(
                  auto f, s.workflow.complete_fulfilment(*c.who, c.params["id"],
                                                         str_field(c.body, "delivery"), c.ctx));
              return json_reply(f);
            }});
  routes.push_back(Route{"GET",
                         "/api/v1/resources",
                         Access::Requires(Action::kVdcRead),
                         "requests",
                         "Delivered resources visible to the caller",
                         {},
                         kPaged,
                         [&s](Call& c) -> Result<Reply> {
                           Page page = page_from(c);
                           GC_ASSIGN_OR_RETURN(
                               auto l, s.workflow.list_resources(*c.who, c.query["state"], page));
                           return list_reply(l, page);
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/resources/{id:res}",
                         Access::Requires(Action::kVdcRead),
                         "requests",
                         "One resource",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto r,
                                               s.workflow.get_resource(*c.who, c.params["id"]));
                           return json_reply(r);
                         }});
  routes.push_back(Route{"POST",
                         "/api/v1/resources/{id:res}/reclaim",
                         Access::Requires(Action::kReclaim),
                         "requests",
                         "Reclaim (回收) a resource; its quota is released",
                         BodySchema{{{"reason", FieldType::kString, true, "", 0, 0, 2000}}},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(
                               auto r, s.workflow.reclaim(*c.who, c.params["id"],
                                                          str_field(c.body, "reason"), c.ctx));
                           return json_reply(r);
                         }});
  routes.push_back(Route{"GET",
                         "/api/v1/notifications",
                         Access::Authenticated(),
                         "requests",
                         "The caller's in-app notifications, newest first",
                         {},
                         {{"unread", FieldType::kBoolean, ""},
                          {"limit", FieldType::kInteger, ""},
                          {"offset", FieldType::kInteger, ""}},
                         [&s](Call& c) -> Result<Reply> {
                           Page page = page_from(c);
                           GC_ASSIGN_OR_RETURN(
                               auto l,
                               s.workflow.notifications(*c.who, c.query["unread"] == "true", page));
                           return list_reply(l, page);
                         }});
  routes.push_back(Route{"POST",
                         "/api/v1/notifications/{id:ntf}/read",
                         Access::Authenticated(),
                         "requests",
                         "Mark a notification read",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_TRY(s.workflow.mark_read(*c.who, c.params["id"]));
                           return no_content();
                         },
                         204});
}

}  // namespace govcloud
