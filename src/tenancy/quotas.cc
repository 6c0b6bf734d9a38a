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
                                  const std::string& ref, const std::string& created_by,
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
  r.ref = ref;
  r.amounts = amounts;
  r.created_by = created_by;
  r.created_at = now;
  tx.insert_reservation(r);
  return r;
}

Status release_in_tx(Tx& tx, const ReservationId& id) {
  auto r = tx.find_reservation(id);
  if (!r) return not_found("reservation");
  for (const auto& [resource, amount] : r->amounts) tx.add_quota_used(r->vdc, resource, -amount);
  tx.delete_reservation(r->id);
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

Result<Reservation> TenancyService::reserve(const Principal& who, const VdcId& id,
                                            const Amounts& amounts, const std::string& ref,
                                            const RequestContext& ctx) {
  GC_TRY(validate_amounts(amounts, "amounts", false));
  if (ref.size() > 200) return invalid("ref", "ref must be at most 200 bytes");
  return store_.transact([&](Tx& tx) -> Result<Reservation> {
    GC_ASSIGN_OR_RETURN(auto pair, visible_vdc(tx, who, id, Action::kVdcRead));
    if (!who.can(Action::kQuotaReserve, pair.second.path))
      return denied("not allowed: quota.reserve");
    const Vdc& vdc = pair.first;
    std::map<std::string, std::string> detail;
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
    r.ref = ref;
    r.amounts = amounts;
    r.created_by = who.user.value;
    r.created_at = clock_.now();
    tx.insert_reservation(r);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"quota.reserve", r.id.value, vdc.org.value, "success", detail});
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

Status TenancyService::release(const Principal& who, const ReservationId& id,
                               const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Status {
    auto r = tx.find_reservation(id);
    if (!r) return not_found("reservation");
    auto vis = visible_vdc(tx, who, r->vdc, Action::kVdcRead);
    if (!vis.ok()) return not_found("reservation");
    if (!who.can(Action::kQuotaReserve, vis->second.path))
      return denied("not allowed: quota.reserve");
    for (const auto& [resource, amount] : r->amounts) tx.add_quota_used(r->vdc, resource, -amount);
    tx.delete_reservation(r->id);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"quota.release", r->id.value, vis->second.id.value, "success", {}});
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
