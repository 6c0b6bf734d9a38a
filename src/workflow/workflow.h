// The workflow module's face: one-stop request → approval → fulfilment (一点申请、审批、开通,
// CAT-07–09, IAM-09), reclamation (回收), in-app notifications, and work orders (工单, OPS-22)
// for onboarding, go-live, change and exit. Objects are JSON documents (decision 0005).
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>

#include "iam/authz.h"
#include "iam/context.h"
#include "store/store.h"

namespace govcloud {

struct NewRequest {
  std::string service;
  std::string action = "request";  // request, modify, delete
  OrgId org;                       // the business system (业务系统)
  std::optional<VdcId> vdc;        // default: the nearest VDC of the system or its tenant
  boost::json::object params;
  std::string resource_id;  // for modify and delete
  std::string comment;
};

struct WorkOrderInput {
  std::string type;  // onboarding, go_live, change, exit
  OrgId org;
  std::string title;
  std::string description;
};

using Doc = boost::json::object;

// Automatic fulfilment (a service whose fulfilment is "auto"): a module that provisions the
// service on real infrastructure registers a Provisioner for its catalog code. The workflow
// hands it each request that reaches fulfilment after the approving transaction has committed,
// so no engine call runs inside a transaction (decision 0010).
class Provisioner {
 public:
  virtual ~Provisioner() = default;
  // At submission, inside its transaction: refuses parameters the service cannot provision
  // (errors name "params.<name>").
  virtual Status validate(Tx& tx, const Org& system, const boost::json::object& params) = 0;
  virtual void provision(const std::string& request_id) = 0;
};

// What a provisioner needs of an approved request, claimed in its own transaction.
struct ProvisionOrder {
  std::string request_id;
  std::string service;
  std::string owner;   // the requester
  std::string org_id;  // the business system
  std::string vdc_id;
  boost::json::object params;
  std::string reservation_id;  // now owned by the new resource
};

// In the provisioner's begin transaction: passes the request's reservation to `resource` (the
// owner from now on) and marks the fulfilment order as provisioning it. Fails if the request is
// not waiting for automatic fulfilment (already claimed, cancelled, manual).
Result<ProvisionOrder> claim_provisioning(Tx& tx, const std::string& request_id,
                                          ReservationOwner kind, const std::string& resource,
                                          TimeMs now);
// In the provisioner's finish transaction: the request is completed with the resource, or failed
// with the reason (its quota was already given back by the resource's own lifecycle, or, if
// never claimed, is released here).
Status finish_provisioning(Tx& tx, const std::string& request_id, const std::string& resource,
                           const std::string& failure, TimeMs now);

struct RequestFilter {
  std::string state;
  bool mine = false;
  TimeMs from = 0;  // created at or after; 0: unbounded
  TimeMs to = 0;    // created before; 0: unbounded
};

class Workflow {
 public:
  Workflow(Store& store, const Clock& clock, std::string data_dir);

  Result<Doc> create_request(const Principal& who, const NewRequest& in, const RequestContext& ctx);
  Result<Doc> get_request(const Principal& who, const std::string& id);
  Result<Listing<Doc>> list_requests(const Principal& who, const RequestFilter& filter,
                                     const Page& page);
  // Every matching request with its approval steps and fulfilment, as CSV, for spot checks of
  // creation and approval records over a period (CAT-10).
  Result<std::string> export_requests(const Principal& who, const RequestFilter& filter);
  Result<Doc> decide(const Principal& who, const std::string& id, bool approve,
                     const std::string& comment, const RequestContext& ctx);
  Result<Doc> cancel(const Principal& who, const std::string& id, const RequestContext& ctx);

  // Wiring: the provisioner of a service (src/server, or the compute module's own start).
  void set_provisioner(const std::string& service_code, Provisioner& p);
  // Hands every request still waiting for automatic fulfilment to its provisioner (after a
  // restart); returns how many.
  int resume_provisioning();

  Result<Listing<Doc>> list_fulfilments(const Principal& who, const std::string& state,
                                        const Page& page);
  Result<Doc> complete_fulfilment(const Principal& who, const std::string& id,
                                  const std::string& delivery, const RequestContext& ctx);

  Result<Listing<Doc>> list_resources(const Principal& who, const std::string& state,
                                      const Page& page);
  Result<Doc> get_resource(const Principal& who, const std::string& id);
  Result<Doc> reclaim(const Principal& who, const std::string& id, const std::string& reason,
                      const RequestContext& ctx);

  Result<Listing<Doc>> notifications(const Principal& who, bool unread_only, const Page& page);
  Status mark_read(const Principal& who, const std::string& id);

  Result<Doc> create_work_order(const Principal& who, const WorkOrderInput& in,
                                const RequestContext& ctx);
  Result<Listing<Doc>> list_work_orders(const Principal& who, const std::string& state,
                                        const std::string& type, const Page& page);
  Result<Doc> get_work_order(const Principal& who, const std::string& id);
  Result<Doc> assign_work_order(const Principal& who, const std::string& id, const UserId& assignee,
                                const RequestContext& ctx);
  Result<Doc> transition_work_order(const Principal& who, const std::string& id,
                                    const std::string& state, const std::string& comment,
                                    const RequestContext& ctx);
  Result<Doc> comment_work_order(const Principal& who, const std::string& id,
                                 const std::string& body, const RequestContext& ctx);
  Result<Doc> attach_to_work_order(const Principal& who, const std::string& id,
                                   const std::string& filename, const std::string& content,
                                   const RequestContext& ctx);
  // Returns the attachment's bytes and its file name.
  Result<std::pair<std::string, std::string>> attachment(const Principal& who,
                                                         const std::string& id, int index);

 private:
  // After a commit: starts automatic fulfilment of the request if it reached it.
  void maybe_provision(const Doc& req);

  Store& store_;
  const Clock& clock_;
  std::string data_dir_;
  std::map<std::string, Provisioner*> provisioners_;
};

}  // namespace govcloud
