// Work orders (工单, OPS-22).
#include <boost/json.hpp>

#include "api/json_out.h"
#include "api/router.h"
#include "common/digest.h"

namespace govcloud {

namespace json = boost::json;

void add_workorder_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{
      "GET",
      "/api/v1/workorders",
      Access::Authenticated(),
      "workorders",
      "Work orders of the caller's systems (or, for operations, all)",
      {},
      {{"state", FieldType::kString, "open, in_progress, resolved, closed, cancelled"},
       {"type", FieldType::kString, "onboarding, go_live, change, exit"},
       {"limit", FieldType::kInteger, ""},
       {"offset", FieldType::kInteger, ""}},
      [&s](Call& c) -> Result<Reply> {
        Page page = page_from(c);
        GC_ASSIGN_OR_RETURN(
            auto l, s.workflow.list_work_orders(*c.who, c.query["state"], c.query["type"], page));
        json::array items;
        for (const auto& d : l.items) items.push_back(d);
        return json_reply(json::object{{"items", std::move(items)},
                                       {"total", l.total},
                                       {"limit", page.limit},
                                       {"offset", page.offset}});
      }});
  routes.push_back(
      Route{"POST",
            "/api/v1/workorders",
            Access::Requires(Action::kWorkOrder),
            "workorders",
            "Open a work order for a business system: onboarding 入云, go_live 上线, change 变更, "
            "exit 退出",
            BodySchema{{{"type",
                         FieldType::kString,
                         true,
                         "",
                         0,
                         0,
                         20,
                         {"onboarding", "go_live", "change", "exit"}},
                        {"org_id", FieldType::kString, true, "the business system", 0, 0, 40},
                        {"title", FieldType::kString, true, "", 0, 0, 200},
                        {"description", FieldType::kString, false, "", 0, 0, 20000}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              std::string org = str_field(c.body, "org_id");
              if (!is_valid_id(org, "org")) return invalid("org_id", "not a valid org id");
              GC_ASSIGN_OR_RETURN(auto w, s.workflow.create_work_order(
                                              *c.who,
                                              WorkOrderInput{str_field(c.body, "type"), OrgId{org},
                                                             str_field(c.body, "title"),
                                                             str_field(c.body, "description")},
                                              c.ctx));
              return json_reply(w, 201);
            },
            201});
  routes.push_back(Route{"GET",
                         "/api/v1/workorders/{id:wo}",
                         Access::Authenticated(),
                         "workorders",
                         "One work order with its events and attachments",
                         {},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto w,
                                               s.workflow.get_work_order(*c.who, c.params["id"]));
                           return json_reply(w);
                         }});
  routes.push_back(
      Route{"POST",
            "/api/v1/workorders/{id:wo}/assign",
            Access::Requires(Action::kWorkOrderHandle),
            "workorders",
            "Assign to an operations engineer",
            BodySchema{{{"assignee", FieldType::kString, true, "user id", 0, 0, 40}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              std::string u = str_field(c.body, "assignee");
              if (!is_valid_id(u, "usr")) return invalid("assignee", "not a valid user id");
              GC_ASSIGN_OR_RETURN(
                  auto w, s.workflow.assign_work_order(*c.who, c.params["id"], UserId{u}, c.ctx));
              return json_reply(w);
            }});
  routes.push_back(
      Route{"POST",
            "/api/v1/workorders/{id:wo}/transition",
            Access::Authenticated(),
            "workorders",
            "Move a work order: in_progress, resolved (operations); closed, cancelled (requester)",
            BodySchema{{{"state",
                         FieldType::kString,
                         true,
                         "",
                         0,
                         0,
                         20,
                         {"in_progress", "resolved", "closed", "cancelled"}},
                        {"comment", FieldType::kString, false, "", 0, 0, 20000}}},
            {},
            [&s](Call& c) -> Result<Reply> {
              GC_ASSIGN_OR_RETURN(auto w, s.workflow.transition_work_order(
                                              *c.who, c.params["id"], str_field(c.body, "state"),
                                              str_field(c.body, "comment"), c.ctx));
              return json_reply(w);
            }});
  routes.push_back(Route{"POST",
                         "/api/v1/workorders/{id:wo}/comments",
                         Access::Authenticated(),
                         "workorders",
                         "Comment on a work order",
                         BodySchema{{{"body", FieldType::kString, true, "", 0, 0, 20000}}},
                         {},
                         [&s](Call& c) -> Result<Reply> {
                           GC_ASSIGN_OR_RETURN(auto w, s.workflow.comment_work_order(
                                                           *c.who, c.params["id"],
                                                           str_field(c.body, "body"), c.ctx));
                           return json_reply(w, 201);
                         },
                         201});
  routes.push_back(Route{
      "POST",
      "/api/v1/workorders/{id:wo}/attachments",
      Access::Authenticated(),
      "workorders",
      "Attach a file (base64, at most 512 KiB), stored in the data dir",
      BodySchema{{{"filename", FieldType::kString, true, "", 0, 0, 200},
                  {"content_base64", FieldType::kString, true, "", 0, 0, 800000}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        std::string content;
        if (!base64_decode(str_field(c.body, "content_base64"), content))
          return invalid("content_base64", "content_base64 is not base64");
        GC_ASSIGN_OR_RETURN(
            auto w, s.workflow.attach_to_work_order(*c.who, c.params["id"],
                                                    str_field(c.body, "filename"), content, c.ctx));
        return json_reply(w, 201);
      },
      201});
  routes.push_back(Route{
      "GET",
      "/api/v1/workorders/{id:wo}/attachments/{n}",
      Access::Authenticated(),
      "workorders",
      "Download an attachment by its position (0-based)",
      {},
      {},
      [&s](Call& c) -> Result<Reply> {
        const std::string& n = c.params["n"];
        if (n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos)
          return invalid("n", "n is the attachment's position, 0-49");
        GC_ASSIGN_OR_RETURN(auto file, s.workflow.attachment(*c.who, c.params["id"], std::stoi(n)));
        Reply r;
        r.content_type = "application/octet-stream";
        r.raw = std::move(file.first);
        std::string safe;
        for (char ch : file.second)
          safe += (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) ? '_' : ch;
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + safe + "\"");
        return r;
      }});
}

}  // namespace govcloud
