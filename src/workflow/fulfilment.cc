// Fulfilment orders (manual delivery by operations, CAT-09), the resources they produce,
// reclamation (回收), and in-app notifications.
#include "store/operations_tx.h"
#include "tenancy/tenancy.h"
#include "workflow/documents.h"

namespace govcloud {

using namespace workflow;

namespace {

Listing<Doc> to_listing(const Listing<Document>& docs) {
  Listing<Doc> out;
  out.total = docs.total;
  for (const auto& d : docs.items) {
    boost::system::error_code ec;
    auto v = json::parse(d.body, ec);
    if (!ec && v.is_object()) out.items.push_back(v.as_object());
  }
  return out;
}

}  // namespace

Result<Listing<Doc>> Workflow::list_fulfilments(const Principal& who, const std::string& state,
                                                const Page& page) {
  auto paths = who.paths_for(Action::kFulfil);
  if (paths.empty()) return denied("not allowed: fulfilment.list (operations staff, role ops)");
  return store_.read([&](Tx& tx) -> Result<Listing<Doc>> {
    DocumentQuery q;
    q.kind = "fulfilment";
    q.state = state;
    q.within_paths = paths;
    q.page = page;
    return to_listing(tx.list_documents(q));
  });
}

namespace {

// What people deliver is metered like what engines deliver (issue 11 §1): a usage event in the
// transaction of the change, turned into intervals by metering. A per-time (once) service is
// one interval at its completion; others run from delivery to reclamation. The quantity is the
// request's "quantity" parameter, else one.
void record_usage(Tx& tx, const std::string& what, const std::string& resource_id,
                  const json::object& req, const Org& org, const std::string& vdc_id, TimeMs now) {
  std::string code = str(req, "service");
  auto svc = tx.find_service(code);
  if (!svc || svc->free) return;  // included services are never billed
  std::int64_t quantity = 1;
  if (auto* params = req.if_contains("params"); params && params->is_object())
    if (auto* q = params->as_object().if_contains("quantity"); q && q->is_int64())
      quantity = q->as_int64();
  std::string event = what;
  if (what == "created" && svc->period == "once") event = "performed";
  if (what != "created" && svc->period == "once") return;  // done once: nothing to end
  tx.operations().insert_usage_event(UsageEvent{0, now, event, resource_id, code, quantity,
                                                tenant_of_path(tx, org.path), org.id.value,
                                                vdc_id});
}

}  // namespace

Result<Doc> Workflow::complete_fulfilment(const Principal& who, const std::string& id,
                                          const std::string& delivery, const RequestContext& ctx) {
  if (delivery.empty() || delivery.size() > 10000)
    return invalid("delivery", "delivery details are required (at most 10000 bytes)");
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    TimeMs now = clock_.now();
    auto f = load(tx, "fulfilment", id);
    std::optional<Org> org = f ? tx.find_org(OrgId{f->meta.org_id}) : std::nullopt;
    if (!f || !org || !who.can(Action::kFulfil, org->path)) return not_found("fulfilment order");
    if (str(f->body, "state") != "open") return conflict("the fulfilment order is already done");
    auto r = load(tx, "request", str(f->body, "ref"));
    if (!r) return not_found("request");
    json::object& req = r->body;
    std::string action = str(req, "action");
    std::string resource_id = str(req, "ref");
    auto vdc = tx.find_vdc(VdcId{str(req, "vdc_id")});
    if (!vdc) return not_found("VDC");
    std::vector<std::pair<std::string, std::int64_t>> amounts;
    for (const auto& kv : req.at("quota").as_object())
      amounts.emplace_back(std::string(kv.key()), kv.value().as_int64());
    if (action == "request") {
      resource_id = new_id("res");
      json::object res{{"id", resource_id},
                       {"state", "active"},
                       {"owner", str(req, "owner")},
                       {"ref", str(req, "id")},
                       {"service", req.at("service")},
                       {"service_name", req.at("service_name")},
                       {"org_id", org->id.value},
                       {"vdc_id", vdc->id.value},
                       {"params", req.at("params")},
                       {"quota", req.at("quota")},
                       {"reservation_id", req.at("reservation_id")},
                       {"delivery", delivery},
                       {"created_at", time_json(now)}};
      // The request's reservation passes to the resource it became.
      if (req.at("reservation_id").is_string())
        GC_TRY(transfer_in_tx(tx, ReservationId{str(req, "reservation_id")},
                              {ReservationOwner::kRequest, str(req, "id")},
                              {ReservationOwner::kResource, resource_id}));
      save(tx, "resource", resource_id, org->id.value, res, now);
      record_usage(tx, "created", resource_id, req, *org, vdc->id.value, now);
      req["ref"] = resource_id;
    } else {
      auto res = load(tx, "resource", resource_id);
      if (!res || str(res->body, "state") != "active")
        return conflict("the resource is no longer active");
      // Give back what the resource held (and any increase held for this change) ...
      if (res->body.at("reservation_id").is_string())
        GC_TRY(release_in_tx(tx, ReservationId{str(res->body, "reservation_id")},
                             {ReservationOwner::kResource, resource_id}));
      if (req.at("reservation_id").is_string())
        GC_TRY(release_in_tx(tx, ReservationId{str(req, "reservation_id")},
                             {ReservationOwner::kRequest, str(req, "id")}));
      res->body["reservation_id"] = nullptr;
      if (action == "modify") {
        // ... and take the new amounts, which fit because old + increase covers them.
        if (!amounts.empty()) {
          GC_ASSIGN_OR_RETURN(
              auto rsv, reserve_in_tx(tx, *vdc, amounts, {ReservationOwner::kResource, resource_id},
                                      str(req, "owner"), now));
          res->body["reservation_id"] = rsv.id.value;
        }
        res->body["params"] = req.at("params");
        res->body["quota"] = req.at("quota");
        record_usage(tx, "resized", resource_id, res->body, *org, vdc->id.value, now);
      } else {
        res->body["state"] = "deleted";
        record_usage(tx, "deleted", resource_id, res->body, *org, vdc->id.value, now);
      }
      res->body["delivery"] = delivery;
      save(tx, "resource", resource_id, org->id.value, res->body, now);
    }
    f->body["state"] = "done";
    f->body["delivery"] = delivery;
    f->body["completed_by"] = who.user.value;
    f->body["completed_at"] = time_json(now);
    f->body["resource_id"] = resource_id;
    save(tx, "fulfilment", id, org->id.value, f->body, now);
    req["state"] = "completed";
    req["completed_at"] = time_json(now);
    save(tx, "request", str(req, "id"), org->id.value, req, now);
    notify(tx, str(req, "owner"), org->id.value,
           "已开通 / delivered: " + str(req, "service_name") + " (" + str(req, "id") + ")",
           "/api/v1/resources/" + resource_id, now);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{"fulfilment.complete",
                   id,
                   org->id.value,
                   "success",
                   {{"request", str(req, "id")}, {"resource", resource_id}, {"action", action}}});
    return f->body;
  });
}

Result<Listing<Doc>> Workflow::list_resources(const Principal& who, const std::string& state,
                                              const Page& page) {
  return store_.read([&](Tx& tx) -> Result<Listing<Doc>> {
    DocumentQuery q;
    q.kind = "resource";
    q.state = state;
    q.within_paths = who.paths_for(Action::kVdcRead);
    q.page = page;
    return to_listing(tx.list_documents(q));
  });
}

Result<Doc> Workflow::get_resource(const Principal& who, const std::string& id) {
  return store_.read([&](Tx& tx) -> Result<Doc> {
    auto r = load(tx, "resource", id);
    std::optional<Org> org = r ? tx.find_org(OrgId{r->meta.org_id}) : std::nullopt;
    if (!r || !org || !who.can(Action::kVdcRead, org->path)) return not_found("resource");
    return r->body;
  });
}

Result<Doc> Workflow::reclaim(const Principal& who, const std::string& id,
                              const std::string& reason, const RequestContext& ctx) {
  if (reason.empty() || reason.size() > 2000)
    return invalid("reason", "a reclamation gives its reason");
  return store_.transact([&](Tx& tx) -> Result<Doc> {
    TimeMs now = clock_.now();
    auto r = load(tx, "resource", id);
    std::optional<Org> org = r ? tx.find_org(OrgId{r->meta.org_id}) : std::nullopt;
    if (!r || !org ||
        !(who.can(Action::kVdcRead, org->path) || who.can(Action::kReclaim, org->path)))
      return not_found("resource");
    if (!who.can(Action::kReclaim, org->path)) return denied("not allowed: resource.reclaim");
    if (str(r->body, "state") != "active") return conflict("the resource is not active");
    if (r->body.at("reservation_id").is_string())
      GC_TRY(release_in_tx(tx, ReservationId{str(r->body, "reservation_id")},
                           {ReservationOwner::kResource, id}));
    r->body["reservation_id"] = nullptr;
    r->body["state"] = "reclaimed";
    r->body["reclaimed_by"] = who.user.value;
    r->body["reclaim_reason"] = reason;
    r->body["reclaimed_at"] = time_json(now);
    save(tx, "resource", id, org->id.value, r->body, now);
    record_usage(tx, "deleted", id, r->body, *org, str(r->body, "vdc_id"), now);
    notify(tx, str(r->body, "owner"), org->id.value,
           "资源已回收 / resource reclaimed: " + id + ": " + reason, "/api/v1/resources/" + id,
           now);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{
            "resource.reclaim", id, org->id.value, "success", {{"reason", reason.substr(0, 200)}}});
    return r->body;
  });
}

Result<Listing<Doc>> Workflow::notifications(const Principal& who, bool unread_only,
                                             const Page& page) {
  return store_.read([&](Tx& tx) -> Result<Listing<Doc>> {
    DocumentQuery q;
    q.kind = "notification";
    q.owner = who.user.value;
    q.within_paths = who.reach();  // about what the credential reaches
    q.state = unread_only ? "unread" : "";
    q.page = page;
    return to_listing(tx.list_documents(q));
  });
}

Status Workflow::mark_read(const Principal& who, const std::string& id) {
  return store_.transact([&](Tx& tx) -> Status {
    auto n = load(tx, "notification", id);
    if (!n || str(n->body, "owner") != who.user.value) return not_found("notification");
    if (who.narrowed) {
      auto org = tx.find_org(OrgId{n->meta.org_id});
      if (!org || !who.reaches(org->path)) return not_found("notification");
    }
    n->body["state"] = "read";
    save(tx, "notification", id, "", n->body, clock_.now());
    return ok_status();
  });
}

}  // namespace govcloud
