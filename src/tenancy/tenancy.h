// The tenancy module's face: the organisation tree (TEN-01, 02, 10), VDCs (TEN-03) and quotas
// with atomic reservations (TEN-05). Queries take the caller and see only what the caller's
// grants cover; anything else reads as "not found".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config.h"
#include "iam/authz.h"
#include "iam/context.h"
#include "store/store.h"

namespace govcloud {

struct NewOrg {
  std::optional<OrgId> parent;
  OrgType type = OrgType::kTenant;
  std::string name;
  std::string description;
  std::optional<BusinessSystemProfile> system;
};

struct OrgPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<int> dengbao_level;
  std::optional<bool> internet_facing;
  std::optional<bool> important;
  std::optional<std::string> network_domain;
};

struct NewVdc {
  OrgId org;
  std::optional<VdcId> parent;
  std::string name;
  std::string description;
};

using Amounts = std::vector<std::pair<std::string, std::int64_t>>;

// Sets one limit inside the caller's transaction with the same rules as set_quota: not below
// what is used and given to sub-VDCs, not above what the parent has left. For contract
// schedules (TEN-06), which decide limits themselves.
Status set_limit_checked(Tx& tx, const Vdc& vdc, const std::string& resource, std::int64_t limit);
QuotaLine quota_line_of(Tx& tx, const Vdc& vdc, const std::string& resource);
// The tenant (委办局) an org path lies in (the first node of type tenant), or "" above one.
std::string tenant_of_path(Tx& tx, const std::string& org_path);
// The org's own top VDC: one the org owns whose parent (if any) belongs to another org.
std::optional<Vdc> top_vdc_of(Tx& tx, const Org& org);
// Reserve / release inside the caller's transaction, for the workflow that owns the
// reservation (a service request, a resource). Errors name "quota.<resource>".
struct ReservationOwnerRef {
  ReservationOwner kind;
  std::string id;
};
Result<Reservation> reserve_in_tx(Tx& tx, const Vdc& vdc,
                                  const std::vector<std::pair<std::string, std::int64_t>>& amounts,
                                  const ReservationOwnerRef& owner, const std::string& created_by,
                                  TimeMs now);
// Releases a reservation only for its owner: another owner's reservation is a conflict, so one
// workflow can never give back what another holds.
Status release_in_tx(Tx& tx, const ReservationId& id, const ReservationOwnerRef& owner);
// Passes a reservation from one owner to the next (a request's to its delivered resource).
Status transfer_in_tx(Tx& tx, const ReservationId& id, const ReservationOwnerRef& from,
                      const ReservationOwnerRef& to);
// "owned by request rq-…; it is released when …": for 409s naming the owner.
std::string describe_owner(const Reservation& r);

class TenancyService {
 public:
  TenancyService(Store& store, const Clock& clock);

  Result<Org> create_org(const Principal& who, const NewOrg& in, const RequestContext& ctx);
  Result<Org> get_org(const Principal& who, const OrgId& id);
  Result<Listing<Org>> list_orgs(const Principal& who, OrgQuery q);
  Result<Org> update_org(const Principal& who, const OrgId& id, const OrgPatch& patch,
                         const RequestContext& ctx);
  Status delete_org(const Principal& who, const OrgId& id, const RequestContext& ctx);

  Result<Vdc> create_vdc(const Principal& who, const NewVdc& in, const RequestContext& ctx);
  Result<Vdc> get_vdc(const Principal& who, const VdcId& id);
  Result<Listing<Vdc>> list_vdcs(const Principal& who, VdcQuery q);
  Status delete_vdc(const Principal& who, const VdcId& id, const RequestContext& ctx);

  Result<std::vector<QuotaLine>> get_quota(const Principal& who, const VdcId& id);
  // Sets limits of several resources at once, all or none.
  Result<std::vector<QuotaLine>> set_quota(const Principal& who, const VdcId& id,
                                           const Amounts& limits, const RequestContext& ctx);
  // A hold (预留): a tenant admin sets capacity aside with a reason. All-or-nothing: either
  // every amount fits and is held, or nothing is. Holds are the only direct reservations.
  Result<Reservation> hold(const Principal& who, const VdcId& id, const Amounts& amounts,
                           const std::string& reason, const std::string& ref,
                           const RequestContext& ctx);
  // Releases a hold; a reservation owned by a request, resource or contract is a 409 naming
  // the owner, whose lifecycle alone releases it.
  Status release_hold(const Principal& who, const ReservationId& id, const RequestContext& ctx);
  Result<Reservation> get_reservation(const Principal& who, const ReservationId& id);
  Result<Listing<Reservation>> list_reservations(const Principal& who, const VdcId& id,
                                                 const Page& page);

 private:
  Result<Org> visible_org(Tx& tx, const Principal& who, const OrgId& id, Action action);
  Result<std::pair<Vdc, Org>> visible_vdc(Tx& tx, const Principal& who, const VdcId& id,
                                          Action action);
  QuotaLine quota_line(Tx& tx, const Vdc& vdc, const std::string& resource);

  Store& store_;
  const Clock& clock_;
};

}  // namespace govcloud
