// Requests and approvals (一点申请、审批): a request is validated against the service's schema,
// reserves quota at once, walks its approval chain step by step, and on final approval becomes
// a fulfilment order; rejection or cancellation releases the reservation (CAT-07–09, IAM-09).
#include <algorithm>

#include "catalog/catalog.h"
#include "common/csv.h"
#include "tenancy/tenancy.h"
#include "workflow/documents.h"

namespace govcloud {

using namespace workflow;

namespace {

// The VDC a request draws on: the system's own, else its tenant's top VDC.
Result<Vdc> nearest_vdc(Tx& tx, const Org& system) {
  std::optional<Org> node = system;
  while (node) {
    if (auto top = top_vdc_of(tx, *node)) return *top;
    if (node->type == OrgType::kTenant || !node->parent) break;
    node = tx.find_org(*node->parent);
  }
  return invalid("vdc_id", "no VDC found for this business system or its tenant");
}

// The nearest node of `level` on the path from the system up (inclusive).
std::optional<Org> level_node(Tx& tx, const Org& system, OrgType level) {
  std::optional<Org> node = system;
  while (node) {
    if (node->type == level) return node;
    if (!node->parent) return std::nullopt;
    node = tx.find_org(*node->parent);
  }
  return std::nullopt;
}

// CAT-13: an accelerator goes with a VM or server the system already has.
bool system_has_host(Tx& tx, const std::string& org_id) {
  DocumentQuery q;
  q.kind = "resource";
  q.org_id = org_id;
  q.state = "active";
  q.page.limit = 1000;
  for (const auto& d : tx.list_documents(q).items) {
    boost::system::error_code ec;
    auto v = json::parse(d.body, ec);
    if (ec) continue;
    std::string svc = str(v.as_object(), "service");
    if (is_host(svc)) return true;
    if (auto* quota = v.as_object().if_contains("quota"); quota && quota->is_object())
      if (quota->as_object().contains("vcpu") || quota->as_object().contains("physical_server"))
        return true;
  }
  return false;
}

bool can_see_request(const Principal& who, const json::object& r, const std::string& org_path) {
  return (str(r, "owner") == who.user.value && who.reaches(org_path)) ||
         who.can(Action::kRequest, org_path) || who.can(Action::kApprove, org_path) ||
         who.can(Action::kReclaim, org_path);
}

std::vector<std::pair<std::string, std::int64_t>> amounts_of(const json::value& v) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (!v.is_object()) return out;
  for (const auto& kv : v.as_object())
    if (kv.value().is_int64()) out.emplace_back(std::string(kv.key()), kv.value().as_int64());
  return out;
}

json::object amounts_json(const std::vector<std::pair<std::string, std::int64_t>>& a) {
  json::object o;
  for (const auto& [k, v] : a) o[k] = v;
  return o;
}

// Final approval: the request becomes a fulfilment order for operations (CAT-09).
void open_fulfilment(Tx& tx, json::object& req, const std::string& org_id, TimeMs now) {
  std::string id = new_id("ful");
  json::object f{{"id", id},
                 {"state", "open"},
                 {"ref", req.at("id")},
                 {"owner", ""},
                 {"mode", req.at("fulfilment")},
                 {"service", req.at("service")},
                 {"service_name", req.at("service_name")},
                 {"action", req.at("action")},
                 {"org_id", org_id},
                 {"params", req.at("params")},
                 {"created_at", time_json(now)}};
  save(tx, "fulfilment", id, org_id, f, now);
  req["state"] = "fulfilling";
  req["fulfilment_id"] = id;
}

}  // namespace

Workflow::Workflow(Store& store, const Clock& clock, std::string data_dir)
    : store_(store), clock_(clock), data_dir_(std::move(data_dir)) {}

Result<Doc> Workflow::create_request(const Principal& who, const NewRequest& in,
                                     const RequestContext& ctx) {
  if (in.action != "request" && in.action != "modify" && in.action != "delete")
    return invalid("action", "action must be request, modify or delete");
  if (in.comment.size() > 2000) return invalid("comment", "comment is too long");
  auto created = store_.transact([&](Tx& tx) -> Result<Doc> {
    TimeMs now = clock_.now();
    auto system = tx.find_org(in.org);
    if (!system || !who.can(Action::kOrgRead, system->path))
      return Error{ErrorCode::kNotFound, "business system not found", "org_id"};
    if (system->type != OrgType::kBusinessSystem)
      return invalid("org_id", "services are requested for a business system (业务系统)");
    if (!who.can(Action::kRequest, system->path)) return denied("not allowed: request.create");
    auto svc = tx.find_service(in.service);
    if (!svc)
      return Error{ErrorCode::kNotFound, "service '" + in.service + "' not found", "service"};
    if (svc->retired) return conflict("service '" + in.service + "' is retired", "service");
    std::optional<Loaded> resource;
    if (in.action != "request") {
      resource = load(tx, "resource", in.resource_id);
      if (!resource || resource->meta.org_id != system->id.value ||
          str(resource->body, "state") != "active")
        return Error{ErrorCode::kNotFound, "active resource not found in this system",
                     "resource_id"};
      if (str(resource->body, "service") != svc->code)
        return invalid("service", "the resource is of another service");
    } else if (!in.resource_id.empty()) {
      return invalid("resource_id", "a new request names no resource");
    }
    json::object params;
    std::vector<std::pair<std::string, std::int64_t>> amounts;
    if (in.action != "delete") {
      GC_ASSIGN_OR_RETURN(params, validate_request_params(*svc, in.params));
      GC_ASSIGN_OR_RETURN(amounts, quota_amounts(*svc, params));
      // What only the provisioning module knows (an image, an architecture) is checked now,
      // so a bad request is refused at once instead of failing after its approvals.
      if (auto p = provisioners_.find(svc->code);
          in.action == "request" && svc->fulfilment == "auto" && p != provisioners_.end())
        GC_TRY(p->second->validate(tx, *system, params));
    } else if (!in.params.empty()) {
      return invalid("params", "a delete request takes no parameters");
    }
    if (in.action == "request" && is_accelerator(svc->code) &&
        !system_has_host(tx, system->id.value))
      return conflict(
          "CAT-13: GPU/NPU resources are rented only together with a VM or a "
          "server of the same business system",
          "service");
    Vdc vdc;
    if (in.vdc) {
      auto v = tx.find_vdc(*in.vdc);
      std::optional<Org> owner = v ? tx.find_org(v->org) : std::nullopt;
      if (!v || !owner || !path_within(system->path, owner->path) ||
          !who.can(Action::kVdcRead, owner->path))
        return Error{ErrorCode::kNotFound, "VDC not found for this system", "vdc_id"};
      vdc = *v;
    } else if (resource) {
      auto v = tx.find_vdc(VdcId{str(resource->body, "vdc_id")});
      if (!v) return not_found("the resource's VDC");
      vdc = *v;
    } else {
      GC_ASSIGN_OR_RETURN(vdc, nearest_vdc(tx, *system));
    }
    std::string id = new_id("rq");
    // Quota is held at once: the full amounts for a new resource, only the increase for a change.
    std::vector<std::pair<std::string, std::int64_t>> hold = amounts;
    if (in.action == "modify") {
      auto old = amounts_of(resource->body.at("quota"));
      hold.clear();
      for (const auto& [r, a] : amounts) {
        std::int64_t before = 0;
        for (const auto& [r2, a2] : old)
          if (r2 == r) before = a2;
        if (a > before) hold.emplace_back(r, a - before);
      }
    }
    json::value reservation = nullptr;
    if (!hold.empty()) {
      GC_ASSIGN_OR_RETURN(auto rsv, reserve_in_tx(tx, vdc, hold, {ReservationOwner::kRequest, id},
                                                  who.user.value, now));
      reservation = rsv.id.value;
    }
    GC_ASSIGN_OR_RETURN(auto chain, approval_chain(*svc, in.action));
    json::array steps;
    for (const auto& step : chain) {
      std::optional<Org> node = step.level == OrgType::kPlatform
                                    ? tx.find_root_org()
                                    : level_node(tx, *system, step.level);
      if (!node)
        return conflict("the approval chain names a " + std::string(org_type_name(step.level)) +
                        " above this system, and there is none");
      steps.push_back(json::object{{"role", role_name(step.role)},
                                   {"level", org_type_name(step.level)},
                                   {"approver_org_id", node->id.value},
                                   {"approver_org_name", node->name},
                                   {"decision", nullptr},
                                   {"comment", ""},
                                   {"decided_by", nullptr},
                                   {"decided_at", nullptr}});
    }
    json::object req{{"id", id},
                     {"state", "pending"},
                     {"owner", who.user.value},
                     {"requester_name", who.username},
                     {"ref", in.resource_id},
                     {"service", svc->code},
                     {"service_name", svc->name_zh},
                     {"fulfilment", svc->fulfilment},
                     {"action", in.action},
                     {"org_id", system->id.value},
                     {"vdc_id", vdc.id.value},
                     {"params", params},
                     {"quota", amounts_json(amounts)},
                     {"reservation_id", reservation},
                     {"comment", in.comment},
                     {"steps", steps},
                     {"current_step", 0},
                     {"created_at", time_json(now)}};
    if (steps.empty()) open_fulfilment(tx, req, system->id.value, now);
    save(tx, "request", id, system->id.value, req, now);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{"request.create",
                   id,
                   system->id.value,
                   "success",
                   {{"service", svc->code},
                    {"action", in.action},
                    {"reservation",
                     reservation.is_string() ? std::string(reservation.as_string()) : ""}}});
    return req;
  });
  if (created.ok()) maybe_provision(created.value());
  return created;
}

Result<Doc> Workflow::get_request(const Principal& who, const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<Doc> {
    auto r = load(tx, "request", id);
    std::optional<Org> org = r ? tx.find_org(OrgId{r->meta.org_id}) : std::nullopt;
    if (!r || !org || !can_see_request(who, r->body, org->path)) return not_found("request");
    return r->body;
  });
}

Result<Listing<Doc>> Workflow::list_requests(const Principal& who, const RequestFilter& filter,
                                             const Page& page) {
  return store_.read([&](Tx& tx) -> Result<Listing<Doc>> {
    DocumentQuery q;
    q.kind = "request";
    q.state = filter.state;
    q.created_from = filter.from;
    q.created_to = filter.to;
    q.page = page;
    auto paths = who.paths_for(Action::kRequest);
    for (auto a : {Action::kApprove, Action::kReclaim})
      for (const auto& p : who.paths_for(a)) paths.push_back(p);
    if (filter.mine || paths.empty()) {
      q.owner = who.user.value;
      q.within_paths = who.reach();  // one's own requests, as far as the credential reaches
    } else {
      q.within_paths = paths;
    }
    Listing<Doc> out;
    auto docs = tx.list_documents(q);
    out.total = docs.total;
    for (const auto& d : docs.items) {
      boost::system::error_code ec;
      auto v = json::parse(d.body, ec);
      if (!ec && v.is_object()) out.items.push_back(v.as_object());
    }
    return out;
  });
}

Result<std::string> Workflow::export_requests(const Principal& who, const RequestFilter& filter) {
  constexpr std::int64_t kMaxRows = 100000;
  std::string out =
      csv_row({"id", "created_at", "requester", "service", "action", "system", "params", "quota",
               "state", "steps", "fulfilment", "resource", "completed_at"});
  Page page;
  page.limit = 1000;
  for (page.offset = 0; page.offset < kMaxRows; page.offset += page.limit) {
    GC_ASSIGN_OR_RETURN(auto chunk, list_requests(who, filter, page));
    for (const auto& r : chunk.items) {
      std::string steps;
      if (const auto* a = r.if_contains("steps"); a && a->is_array()) {
        for (const auto& st : a->as_array()) {
          const auto& o = st.as_object();
          if (!steps.empty()) steps += " | ";
          steps += str(o, "role") + "@" + str(o, "approver_org_name") + ": " +
                   (str(o, "decision").empty() ? "pending" : str(o, "decision"));
          if (!str(o, "decided_by_name").empty())
            steps += " by " + str(o, "decided_by_name") + " at " + str(o, "decided_at");
          if (!str(o, "comment").empty()) steps += " (" + str(o, "comment") + ")";
        }
      }
      auto text = [&](const char* key) {
        const auto* v = r.if_contains(key);
        return v ? json::serialize(*v) : std::string();
      };
      out += csv_row({str(r, "id"), str(r, "created_at"), str(r, "requester_name"),
                      str(r, "service"), str(r, "action"), str(r, "org_id"), text("params"),
                      text("quota"), str(r, "state"), steps, str(r, "fulfilment_id"), str(r, "ref"),
                      str(r, "completed_at")});
    }
    if (page.offset + page.limit >= chunk.total) break;
  }
  return out;
}

Result<Doc> Workflow::decide(const Principal& who, const std::string& id, bool approve,
                             const std::string& comment, const RequestContext& ctx) {
  if (comment.size() > 2000) return invalid("comment", "comment is too long");
  if (!approve && comment.empty()) return invalid("comment", "a rejection gives its reason");
  auto decided = store_.transact([&](Tx& tx) -> Result<Doc> {
    TimeMs now = clock_.now();
    auto r = load(tx, "request", id);
    std::optional<Org> org = r ? tx.find_org(OrgId{r->meta.org_id}) : std::nullopt;
    if (!r || !org || !can_see_request(who, r->body, org->path)) return not_found("request");
    json::object& req = r->body;
    if (str(req, "state") != "pending")
      return conflict("the request is " + str(req, "state") + ", not pending");
    auto& steps = req.at("steps").as_array();
    auto idx = static_cast<std::size_t>(req.at("current_step").as_int64());
    auto& step = steps.at(idx).as_object();
    auto approver_org = tx.find_org(OrgId{str(step, "approver_org_id")});
    Role role;
    parse_role(str(step, "role"), role);
    bool holds = false;
    for (const auto& g : who.grants)
      holds |= g.role == role && approver_org && path_within(approver_org->path, g.scope_path);
    if (!holds || !who.can(Action::kApprove, approver_org ? approver_org->path : "/"))
      return denied("this step is decided by a " + str(step, "role") + " of " +
                    str(step, "approver_org_name"));
    if (str(req, "owner") == who.user.value)
      return denied("a requester does not approve their own request");
    for (const auto& s : steps)
      if (s.as_object().at("decided_by").is_string() &&
          s.as_object().at("decided_by").as_string() == who.user.value)
        return denied("one person decides one step of a request");
    // The quota the request asked for is still held by it: only its own lifecycle releases it.
    if (const auto& rsv = req.at("reservation_id"); rsv.is_string()) {
      auto held = tx.find_reservation(ReservationId{std::string(rsv.as_string())});
      if (!held || held->owner_kind != ReservationOwner::kRequest || held->owner_id != id)
        return conflict("the request's quota reservation is gone; it cannot be approved",
                        "reservation_id");
    }
    step["decision"] = approve ? "approved" : "rejected";
    step["comment"] = comment;
    step["decided_by"] = who.user.value;
    step["decided_by_name"] = who.username;
    step["decided_at"] = time_json(now);
    std::string owner = str(req, "owner");
    std::string what = str(req, "service_name") + " (" + id + ")";
    if (!approve) {
      req["state"] = "rejected";
      if (req.at("reservation_id").is_string())
        GC_TRY(release_in_tx(tx, ReservationId{str(req, "reservation_id")},
                             {ReservationOwner::kRequest, id}));
      notify(tx, owner, org->id.value, "申请被驳回 / request rejected: " + what + ": " + comment,
             "/api/v1/requests/" + id, now);
    } else if (idx + 1 < steps.size()) {
      req["current_step"] = static_cast<std::int64_t>(idx + 1);
      notify(tx, owner, org->id.value,
             "审批通过第" + std::to_string(idx + 1) + "步 / step " + std::to_string(idx + 1) +
                 " approved: " + what,
             "/api/v1/requests/" + id, now);
    } else {
      open_fulfilment(tx, req, org->id.value, now);
      notify(tx, owner, org->id.value, "申请已批准 / request approved: " + what,
             "/api/v1/requests/" + id, now);
    }
    save(tx, "request", id, org->id.value, req, now);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{approve ? "request.approve" : "request.reject",
                   id,
                   org->id.value,
                   "success",
                   {{"step", std::to_string(idx + 1)}, {"comment", comment.substr(0, 200)}}});
    return req;
  });
  if (decided.ok()) maybe_provision(decided.value());
  return decided;
}

Result<Doc> Workflow::cancel(const Principal& who, const std::string& id,
                             const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    auto r = load(tx, "request", id);
    std::optional<Org> org = r ? tx.find_org(OrgId{r->meta.org_id}) : std::nullopt;
    if (!r || !org || !can_see_request(who, r->body, org->path)) return not_found("request");
    bool own = str(r->body, "owner") == who.user.value && who.reaches(org->path);
    if (!own && !who.can(Action::kApprove, org->path))
      return denied("only the requester or an approver cancels a request");
    if (str(r->body, "state") != "pending")
      return conflict("only a pending request can be cancelled");
    r->body["state"] = "cancelled";
    if (r->body.at("reservation_id").is_string())
      GC_TRY(release_in_tx(tx, ReservationId{str(r->body, "reservation_id")},
                           {ReservationOwner::kRequest, id}));
    save(tx, "request", id, org->id.value, r->body, clock_.now());
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"request.cancel", id, org->id.value, "success", {}});
    return r->body;
  });
}

}  // namespace govcloud
