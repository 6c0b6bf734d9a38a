// Virtual data centres and sub-VDCs (TEN-03).
#include "tenancy/tenancy.h"

namespace govcloud {

Result<std::pair<Vdc, Org>> TenancyService::visible_vdc(Tx& tx, const Principal& who,
                                                        const VdcId& id, Action action) {
  auto vdc = tx.find_vdc(id);
  std::optional<Org> org = vdc ? tx.find_org(vdc->org) : std::nullopt;
  if (!vdc || !org || !who.can(Action::kVdcRead, org->path)) return not_found("vdc");
  if (action != Action::kVdcRead && !who.can(action, org->path))
    return denied(std::string("not allowed: ") + action_name(action));
  return std::make_pair(*vdc, *org);
}

Result<Vdc> TenancyService::create_vdc(const Principal& who, const NewVdc& in,
                                       const RequestContext& ctx) {
  if (in.name.empty() || in.name.size() > 200)
    return invalid("name", "name is required (at most 200 bytes)");
  if (in.description.size() > 2000)
    return invalid("description", "description must be at most 2000 bytes");
  return store_.transact([&](Tx& tx) -> Result<Vdc> {
    auto org = tx.find_org(in.org);
    if (!org || !who.can(Action::kVdcRead, org->path))
      return Error{ErrorCode::kNotFound, "org not found", "org_id"};
    if (!who.can(Action::kVdcWrite, org->path)) return denied("not allowed to create VDCs here");
    Vdc v;
    v.id = VdcId{new_id("vdc")};
    v.org = org->id;
    v.name = in.name;
    v.description = in.description;
    v.created_at = clock_.now();
    if (in.parent) {
      // A sub-VDC draws on its parent's quota, so its creator needs rights on the parent too.
      auto parent = tx.find_vdc(*in.parent);
      std::optional<Org> parent_org = parent ? tx.find_org(parent->org) : std::nullopt;
      if (!parent || !parent_org || !who.can(Action::kVdcRead, parent_org->path))
        return Error{ErrorCode::kNotFound, "parent VDC not found", "parent_id"};
      if (!who.can(Action::kVdcWrite, parent_org->path))
        return denied("not allowed to create sub-VDCs of this VDC");
      if (!path_within(org->path, parent_org->path))
        return invalid("parent_id",
                       "the parent VDC must belong to the same org or one of its ancestors");
      v.parent = parent->id;
      v.path = parent->path + v.id.value + "/";
    } else {
      if (org->parent)
        return invalid("parent_id", "only the platform owns root VDCs; give a parent_id");
      v.path = "/" + v.id.value + "/";
    }
    tx.insert_vdc(v);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"vdc.create",
                           v.id.value,
                           org->id.value,
                           "success",
                           {{"name", v.name}, {"parent_id", v.parent ? v.parent->value : ""}}});
    return v;
  });
}

Result<Vdc> TenancyService::get_vdc(const Principal& who, const VdcId& id) {
  return store_.read([&](Tx& tx) -> Result<Vdc> {
    GC_ASSIGN_OR_RETURN(auto pair, visible_vdc(tx, who, id, Action::kVdcRead));
    return pair.first;
  });
}

Result<Listing<Vdc>> TenancyService::list_vdcs(const Principal& who, VdcQuery q) {
  q.within_org_paths = who.paths_for(Action::kVdcRead);
  return store_.read([&](Tx& tx) -> Result<Listing<Vdc>> { return tx.list_vdcs(q); });
}

Status TenancyService::delete_vdc(const Principal& who, const VdcId& id,
                                  const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Status {
    GC_ASSIGN_OR_RETURN(auto pair, visible_vdc(tx, who, id, Action::kVdcWrite));
    const Vdc& v = pair.first;
    if (tx.count_child_vdcs(v.id) > 0)
      return conflict("the VDC has sub-VDCs; delete them first (TEN-03)");
    if (tx.count_reservations(v.id) > 0)
      return conflict("the VDC still holds quota reservations; release them first");
    tx.delete_vdc(v.id);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"vdc.delete", v.id.value, v.org.value, "success", {{"name", v.name}}});
    return ok_status();
  });
}

std::string tenant_of_path(Tx& tx, const std::string& org_path) {
  // The path is "/<root>/<unit>/<tenant>/…/<system>/".
  std::size_t start = 1;
  while (start < org_path.size()) {
    std::size_t end = org_path.find('/', start);
    if (end == std::string::npos) break;
    std::string id = org_path.substr(start, end - start);
    if (auto org = tx.find_org(OrgId{id}); org && org->type == OrgType::kTenant) return id;
    start = end + 1;
  }
  return "";
}

std::optional<Vdc> top_vdc_of(Tx& tx, const Org& org) {
  VdcQuery q;
  q.org = org.id;
  q.within_org_paths = {org.path};
  q.page.limit = 100;
  for (const auto& v : tx.list_vdcs(q).items) {
    auto parent = v.parent ? tx.find_vdc(*v.parent) : std::nullopt;
    if (!parent || parent->org != org.id) return v;
  }
  return std::nullopt;
}

}  // namespace govcloud
