// Quotas per VDC (TEN-05): a child's limit is carved out of what its parent has left, usage
// rolls up the tree, and reservations are checked and taken in one write transaction, so
// concurrent requests can never together exceed a limit.
#include <set>

#include "tenancy/tenancy.h"

namespace govcloud {
namespace {

Status validate_amounts(const Amounts& amounts, const char* field, bool allow_zero) {
  if (amounts.empty())
    return invalid(field, std::string(field) + " must name at least one resource");
  std::set<std::string> seen;
  for (const auto& [resource, amount] : amounts) {
    std::string f = std::string(field) + "." + resource;
    if (find_resource_kind(resource) == nullptr)
      return invalid(f, "unknown resource '" + resource + "'");
    if (!seen.insert(resource).second) return invalid(f, "resource given twice");
    if (amount < 0 || (!allow_zero && amount == 0))
      return invalid(f, allow_zero ? "must not be negative" : "must be positive");
    if (amount > (std::int64_t{1} << 40)) return invalid(f, "is too large");
  }
  return ok_status();
}

}  // namespace

QuotaLine quota_line_of(Tx& tx, const Vdc& vdc, const std::string& resource) {
  QuotaLine line;
  line.resource = resource;
  auto [limit, used] = tx.quota_row(vdc.id, resource);
  line.limit = limit;
  line.used = used;
  line.allocated = tx.sum_child_limits(vdc.id, resource);
  line.used_subtree = tx.used_in_subtree(vdc.path, resource);
  return line;
}

Result<Reservation> reserve_in_tx(Tx& tx, const Vdc& vdc, const Amounts& amounts,
                                  const ReservationOwnerRef& owner, const std::string& created_by,
                                  TimeMs now) {
  for (const auto& [resource, amount] : amounts) {
    QuotaLine line = quota_line_of(tx, vdc, resource);
    if (amount > line.available())
      return Error{ErrorCode::kQuotaExceeded,
                   "quota exceeded for " + resource + ": requested " + std::to_string(amount) +
                       ", available " + std::to_string(line.available()) + " of " +
                       std::to_string(line.limit) + " in VDC " + vdc.name,
                   "quota." + resource};
    tx.add_quota_used(vdc.id, resource, amount);
  }
  Reservation r;
  r.id = ReservationId{new_id("rsv")};
  r.vdc = vdc.id;
  r.owner_kind = owner.kind;
  r.owner_id = owner.id;
  r.ref = owner.id;
  r.amounts = amounts;
  r.created_by = created_by;
  r.created_at = now;
  tx.insert_reservation(r);
  return r;
}

std::string describe_owner(const Reservation& r) {
  switch (r.owner_kind) {
    case ReservationOwner::kHold:
      return "a hold; its tenant admin releases it";
    case ReservationOwner::kRequest:
      return "owned by request " + r.owner_id +
             "; it is released when the request is rejected or cancelled, or passes to the "
             "delivered resource";
    case ReservationOwner::kResource:
      return "owned by resource " + r.owner_id +
             "; it is released when the resource is reclaimed, changed or deleted";
    case ReservationOwner::kContract:
      return "owned by contract " + r.owner_id + "; it is released when the contract ends";
    case ReservationOwner::kVm:
      return "owned by VM " + r.owner_id + "; it is released when the VM is deleted";
    case ReservationOwner::kVolume:
      return "owned by volume " + r.owner_id + "; it is released when the volume is deleted";
  }
  return "owned";
}

namespace {

Result<Reservation> owned(Tx& tx, const ReservationId& id, const ReservationOwnerRef& owner) {
  auto r = tx.find_reservation(id);
  if (!r) return not_found("reservation");
  if (r->owner_kind != owner.kind || r->owner_id != owner.id)
    return conflict("reservation " + id.value + " is " + describe_owner(*r), "reservation_id");
  return *r;
}

void give_back(Tx& tx, const Reservation& r) {
  for (const auto& [resource, amount] : r.amounts) tx.add_quota_used(r.vdc, resource, -amount);
  tx.delete_reservation(r.id);
}

}  // namespace

Status release_in_tx(Tx& tx, const ReservationId& id, const ReservationOwnerRef& owner) {
  GC_ASSIGN_OR_RETURN(auto r, owned(tx, id, owner));
  give_back(tx, r);
  return ok_status();
}

Status transfer_in_tx(Tx& tx, const ReservationId& id, const ReservationOwnerRef& from,
                      const ReservationOwnerRef& to) {
  GC_ASSIGN_OR_RETURN(auto r, owned(tx, id, from));
  tx.set_reservation_owner(r.id, to.kind, to.id);
  return ok_status();
}

QuotaLine TenancyService::quota_line(Tx& tx, const Vdc& vdc, const std::string& resource) {
  return quota_line_of(tx, vdc, resource);
}

Status set_limit_checked(Tx& tx, const Vdc& vdc, const std::string& resource, std::int64_t limit) {
  std::string field = "limits." + resource;
  QuotaLine cur = quota_line_of(tx, vdc, resource);
  if (limit < cur.used + cur.allocated)
    return Error{ErrorCode::kConflict,
                 resource + ": limit " + std::to_string(limit) + " is below what is in use (" +
                     std::to_string(cur.used) + ") and given to sub-VDCs (" +
                     std::to_string(cur.allocated) + ")",
                 field};
  if (vdc.parent) {
    auto parent = tx.find_vdc(*vdc.parent);
    if (parent) {
      QuotaLine p = quota_line_of(tx, *parent, resource);
      std::int64_t parent_left = p.available() + cur.limit;  // our old limit returns first
      if (limit > parent_left)
        return Error{ErrorCode::kQuotaExceeded,
                     resource + ": limit " + std::to_string(limit) +
                         " exceeds what the parent VDC has left (" + std::to_string(parent_left) +
                         ")",
                     field};
    }
  }
  tx.set_quota_limit(vdc.id, resource, limit);
  return ok_status();
}

Result<std::vector<QuotaLine>> TenancyService::get_quota(const Principal& who, const VdcId& id) {
  return store_.read([&](Tx& tx) -> Result<std::vector<QuotaLine>> {
    GC_ASSIGN_OR_RETURN(auto pair, visible_vdc(tx, who, id, Action::kVdcRead));
    if (!who.can(Action::kQuotaRead, pair.second.path)) return denied("not allowed: quota.read");
    std::vector<QuotaLine> out;
    for (const auto& kind : resource_kinds()) out.push_back(quota_line(tx, pair.first, kind.code));
    return out;
  });
}

Result<std::vector<QuotaLine>> TenancyService::set_quota(const Principal& who, const VdcId& id,
                                                         const Amounts& limits,
                                                         const RequestContext& ctx) {
  GC_TRY(validate_amounts(limits, "limits", true));
  return store_.transact([&](Tx& tx) -> Result<std::vector<QuotaLine>> {
    GC_ASSIGN_OR_RETURN(auto pair, visible_vdc(tx, who, id, Action::kVdcRead));
    const Vdc& vdc = pair.first;
    // A VDC's limit is set by whoever manages the VDC it draws from: the parent's owner, or
    // the platform for root VDCs. A tenant cannot raise its own quota.
    std::optional<Vdc> parent = vdc.parent ? tx.find_vdc(*vdc.parent) : std::nullopt;
    std::optional<Org> grantor = parent ? tx.find_org(parent->org) : tx.find_root_org();
    if (!grantor || !who.can(Action::kQuotaWrite, grantor->path))
      return denied(parent ? "quota of a VDC is set by the owner of its parent VDC"
                           : "quota of a root VDC is set by the platform");
    std::vector<QuotaLine> out;
    std::map<std::string, std::string> detail;
    for (const auto& [resource, limit] : limits) {
      auto before = tx.quota_row(vdc.id, resource).first;
      GC_TRY(set_limit_checked(tx, vdc, resource, limit));
      detail[resource] = std::to_string(before) + "->" + std::to_string(limit);
    }
    for (const auto& [resource, limit] : limits) out.push_back(quota_line(tx, vdc, resource));
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"quota.set", vdc.id.value, vdc.org.value, "success", detail});
    return out;
  });
}

Result<Reservation> TenancyService::hold(const Principal& who, const VdcId& id,
                                         const Amounts& amounts, const std::string& reason,
                                         const std::string& ref, const RequestContext& ctx) {
  GC_TRY(validate_amounts(amounts, "amounts", false));
  if (reason.empty() || reason.size() > 500)
    return invalid("reason", "a hold gives its reason (at most 500 bytes)");
  if (ref.size() > 200) return invalid("ref", "ref must be at most 200 bytes");
  return store_.transact([&](Tx& tx) -> Result<Reservation> {
    GC_ASSIGN_OR_RETURN(auto pair, visible_vdc(tx, who, id, Action::kVdcRead));
    if (!who.can(Action::kQuotaHold, pair.second.path))
      return denied(
          "not allowed: quota.hold (a tenant admin of the VDC's node sets capacity "
          "aside; members consume quota through requests)");
    const Vdc& vdc = pair.first;
    std::map<std::string, std::string> detail{{"reason", reason.substr(0, 200)}};
    for (const auto& [resource, amount] : amounts) {
      QuotaLine line = quota_line(tx, vdc, resource);
      if (amount > line.available())
        return Error{ErrorCode::kQuotaExceeded,
                     "quota exceeded for " + resource + ": requested " + std::to_string(amount) +
                         ", available " + std::to_string(line.available()) + " of " +
                         std::to_string(line.limit),
                     "amounts." + resource};
      tx.add_quota_used(vdc.id, resource, amount);
      detail[resource] = std::to_string(amount);
    }
    Reservation r;
    r.id = ReservationId{new_id("rsv")};
    r.vdc = vdc.id;
    r.owner_kind = ReservationOwner::kHold;
    r.ref = ref;
    r.reason = reason;
    r.amounts = amounts;
    r.created_by = who.user.value;
    r.created_at = clock_.now();
    tx.insert_reservation(r);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"quota.hold", r.id.value, vdc.org.value, "success", detail});
    return r;
  });
}

Result<Reservation> TenancyService::get_reservation(const Principal& who, const ReservationId& id) {
  return store_.read([&](Tx& tx) -> Result<Reservation> {
    auto r = tx.find_reservation(id);
    if (!r) return not_found("reservation");
    auto vis = visible_vdc(tx, who, r->vdc, Action::kVdcRead);
    if (!vis.ok()) return not_found("reservation");
    return *r;
  });
}

Status TenancyService::release_hold(const Principal& who, const ReservationId& id,
                                    const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Status {
    auto r = tx.find_reservation(id);
    if (!r) return not_found("reservation");
    auto vis = visible_vdc(tx, who, r->vdc, Action::kVdcRead);
    if (!vis.ok()) return not_found("reservation");
    if (r->owner_kind != ReservationOwner::kHold)
      return conflict("reservation " + r->id.value + " is " + describe_owner(*r), "reservation_id");
    if (!who.can(Action::kQuotaHold, vis->second.path))
      return denied("not allowed: quota.hold (a tenant admin of the VDC's node releases holds)");
    give_back(tx, *r);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{
            "quota.release", r->id.value, vis->second.id.value, "success", {{"owner", "hold"}}});
    return ok_status();
  });
}

Result<Listing<Reservation>> TenancyService::list_reservations(const Principal& who,
                                                               const VdcId& id, const Page& page) {
  return store_.read([&](Tx& tx) -> Result<Listing<Reservation>> {
    GC_ASSIGN_OR_RETURN(auto pair, visible_vdc(tx, who, id, Action::kVdcRead));
    return tx.list_reservations(pair.first.id, page);
  });
}

}  // namespace govcloud
