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
// The org's own top VDC: one the org owns whose parent (if any) belongs to another org.
std::optional<Vdc> top_vdc_of(Tx& tx, const Org& org);
// Reserve / release inside the caller's transaction, for workflows that hold quota as part of
// a larger change (a service request). Errors name "quota.<resource>".
Result<Reservation> reserve_in_tx(Tx& tx, const Vdc& vdc,
                                  const std::vector<std::pair<std::string, std::int64_t>>& amounts,
                                  const std::string& ref, const std::string& created_by,
                                  TimeMs now);
Status release_in_tx(Tx& tx, const ReservationId& id);

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
  // All-or-nothing: either every amount fits and is held, or nothing is.
  Result<Reservation> reserve(const Principal& who, const VdcId& id, const Amounts& amounts,
                              const std::string& ref, const RequestContext& ctx);
  Status release(const Principal& who, const ReservationId& id, const RequestContext& ctx);
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
