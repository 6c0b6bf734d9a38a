// Virtual data centres and their quotas (TEN-03, TEN-05).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"

namespace govcloud {

// 虚拟数据中心: owned by an org node; nests under a parent VDC owned by the same node or an
// ancestor of it.
struct Vdc {
  VdcId id;
  OrgId org;
  std::optional<VdcId> parent;
  std::string name;
  std::string description;
  std::string path;  // "/<root vdc>/…/<self>/"
  TimeMs created_at = 0;
};

// A quota-able resource. Amounts are integers in `unit`.
struct ResourceKind {
  const char* code;
  const char* unit;
  const char* name_zh;
  const char* name_en;
};

const std::vector<ResourceKind>& resource_kinds();
const ResourceKind* find_resource_kind(std::string_view code);

// One resource of one VDC. `limit` is what the VDC may use; part of it may be carved out for
// child VDCs (`allocated`), part is used directly (`used`). The rest is `available`.
struct QuotaLine {
  std::string resource;
  std::int64_t limit = 0;
  std::int64_t used = 0;          // held by reservations placed on this VDC
  std::int64_t allocated = 0;     // sum of the child VDCs' limits
  std::int64_t used_subtree = 0;  // used here and in every descendant (usage roll-up)
  std::int64_t available() const { return limit - used - allocated; }
};

// Who holds a reservation. Only the owner's lifecycle releases it (reject, cancel, reclaim,
// delete, contract end); a hold is the one kind a person places and releases directly.
enum class ReservationOwner {
  kHold,      // a tenant admin sets capacity aside, with a reason
  kRequest,   // a service request, from submission until rejection, cancellation or delivery
  kResource,  // a delivered resource, until it is reclaimed, changed or deleted
  kContract,  // a contract's grant, until the contract ends
  kVm,        // a virtual machine, from its creation until it is deleted (issue 9)
  kVolume,    // a volume (云硬盘), from its creation until it is deleted (issue 10)
};
const char* reservation_owner_name(ReservationOwner o);
bool parse_reservation_owner(std::string_view s, ReservationOwner& out);

// Quota held by its owner.
struct Reservation {
  ReservationId id;
  VdcId vdc;
  ReservationOwner owner_kind = ReservationOwner::kHold;
  std::string owner_id;  // the request, resource or contract id; empty for holds
  std::string ref;       // caller's reference
  std::string reason;    // why a hold sets capacity aside
  std::vector<std::pair<std::string, std::int64_t>> amounts;
  std::string created_by;
  TimeMs created_at = 0;
};

}  // namespace govcloud
