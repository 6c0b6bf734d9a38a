// Automatic fulfilment (decision 0010): requests for a service whose fulfilment is "auto" are
// handed to the module that provisions it, after the approving transaction commits; that module
// claims the request's reservation for the resource it creates and reports the outcome, each in
// its own transaction, with the engine call between them.
#include "tenancy/tenancy.h"
#include "workflow/documents.h"

namespace govcloud {

using namespace workflow;

void Workflow::set_provisioner(const std::string& service_code, Provisioner& p) {
  provisioners_[service_code] = &p;
}

void Workflow::maybe_provision(const Doc& req) {
  if (str(req, "state") != "fulfilling" || str(req, "fulfilment") != "auto" ||
      str(req, "action") != "request")
    return;
  auto it = provisioners_.find(str(req, "service"));
  if (it != provisioners_.end()) it->second->provision(str(req, "id"));
}

int Workflow::resume_provisioning() {
  auto open = store_.read([&](Tx& tx) -> Result<std::vector<Doc>> {
    std::vector<Doc> out;
    DocumentQuery q;
    q.kind = "request";
    q.state = "fulfilling";
    q.page.limit = 10000;
    for (const auto& d : tx.list_documents(q).items) {
      boost::system::error_code ec;
      auto v = json::parse(d.body, ec);
      if (!ec && v.is_object()) out.push_back(v.as_object());
    }
    return out;
  });
  if (!open.ok()) return 0;
  int n = 0;
  for (const auto& req : open.value()) {
    if (req.contains("provisioning")) continue;  // claimed: its resource's operation owns it
    auto it = provisioners_.find(str(req, "service"));
    if (str(req, "fulfilment") != "auto" || it == provisioners_.end()) continue;
    it->second->provision(str(req, "id"));
    ++n;
  }
  return n;
}

Result<ProvisionOrder> claim_provisioning(Tx& tx, const std::string& request_id,
                                          ReservationOwner kind, const std::string& resource,
                                          TimeMs now) {
  auto r = load(tx, "request", request_id);
  if (!r) return not_found("request");
  json::object& req = r->body;
  if (str(req, "state") != "fulfilling" || str(req, "fulfilment") != "auto" ||
      req.contains("provisioning"))
    return conflict("request " + request_id + " is not waiting for automatic fulfilment");
  ProvisionOrder order{request_id,
                       str(req, "service"),
                       str(req, "owner"),
                       str(req, "org_id"),
                       str(req, "vdc_id"),
                       req.at("params").as_object(),
                       ""};
  if (req.at("reservation_id").is_string()) {
    order.reservation_id = str(req, "reservation_id");
    GC_TRY(transfer_in_tx(tx, ReservationId{order.reservation_id},
                          {ReservationOwner::kRequest, request_id}, {kind, resource}));
  }
  req["provisioning"] = resource;
  req["ref"] = resource;
  save(tx, "request", request_id, r->meta.org_id, req, now);
  return order;
}

Status finish_provisioning(Tx& tx, const std::string& request_id, const std::string& resource,
                           const std::string& failure, TimeMs now) {
  auto r = load(tx, "request", request_id);
  if (!r) return not_found("request");
  json::object& req = r->body;
  if (str(req, "state") != "fulfilling") return ok_status();  // already finished
  // Claimed for another resource: that resource's operation reports, not this caller.
  if (req.contains("provisioning") && str(req, "provisioning") != resource) return ok_status();
  // Never claimed: the quota is still the request's, and goes back with it.
  if (!req.contains("provisioning") && req.at("reservation_id").is_string())
    GC_TRY(release_in_tx(tx, ReservationId{str(req, "reservation_id")},
                         {ReservationOwner::kRequest, request_id}));
  req["state"] = failure.empty() ? "completed" : "failed";
  if (!failure.empty()) req["failure"] = failure;
  req["completed_at"] = time_json(now);
  if (auto f = load(tx, "fulfilment", str(req, "fulfilment_id"))) {
    f->body["state"] = "done";
    f->body["resource_id"] = resource;
    f->body["delivery"] = failure.empty() ? "provisioned automatically: " + resource
                                          : "automatic provisioning failed: " + failure;
    f->body["completed_at"] = time_json(now);
    save(tx, "fulfilment", f->meta.id, f->meta.org_id, f->body, now);
  }
  save(tx, "request", request_id, r->meta.org_id, req, now);
  std::string what = str(req, "service_name") + " (" + request_id + ")";
  notify(tx, str(req, "owner"), r->meta.org_id,
         failure.empty() ? "已开通 / delivered: " + what
                         : "开通失败 / provisioning failed: " + what + ": " + failure,
         failure.empty() ? "/api/v1/vms/" + resource : "/api/v1/requests/" + request_id, now);
  return ok_status();
}

}  // namespace govcloud
