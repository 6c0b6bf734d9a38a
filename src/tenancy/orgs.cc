// The organisation tree (TEN-01), business systems (TEN-02), tenant creation by the management
// unit only (TEN-10).
#include "tenancy/tenancy.h"

namespace govcloud {
namespace {

Status validate_name(const std::string& name) {
  if (name.empty()) return invalid("name", "name is required");
  if (name.size() > 200) return invalid("name", "name must be at most 200 bytes");
  return ok_status();
}

Status validate_profile(const BusinessSystemProfile& p) {
  if (p.dengbao_level < 1 || p.dengbao_level > 4)
    return invalid("dengbao_level", "dengbao_level (等保 level) must be 1-4");
  if (!is_network_domain(p.network_domain))
    return invalid("network_domain",
                   "network_domain must be one of egov_extranet, internet, egov_intranet, "
                   "private");
  return ok_status();
}

// The right needed to create (or delete) a node of this type.
Action create_action(OrgType type) {
  return (type == OrgType::kManagementUnit || type == OrgType::kSupervisionUnit)
             ? Action::kOrgCreateUnit
             : Action::kOrgCreateChild;
}

}  // namespace

TenancyService::TenancyService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<Org> TenancyService::visible_org(Tx& tx, const Principal& who, const OrgId& id,
                                        Action action) {
  auto org = tx.find_org(id);
  if (!org || !who.can(Action::kOrgRead, org->path)) return not_found("org");
  if (action != Action::kOrgRead && !who.can(action, org->path))
    return denied(std::string("not allowed: ") + action_name(action));
  return *org;
}

Result<Org> TenancyService::create_org(const Principal& who, const NewOrg& in,
                                       const RequestContext& ctx) {
  GC_TRY(validate_name(in.name));
  if (in.description.size() > 2000)
    return invalid("description", "description must be at most 2000 bytes");
  if (in.type == OrgType::kPlatform)
    return invalid("type", "the platform root exists once and is created at first start");
  if (!in.parent) return invalid("parent_id", "parent_id is required");
  if (in.type == OrgType::kBusinessSystem) {
    if (!in.system)
      return invalid("network_domain",
                     "a business system needs its 等保 level and network "
                     "domain");
    GC_TRY(validate_profile(*in.system));
  } else if (in.system) {
    return invalid("dengbao_level", "only business systems carry 等保 and network attributes");
  }
  return store_.transact([&](Tx& tx) -> Result<Org> {
    auto parent = tx.find_org(*in.parent);
    if (!parent || !who.can(Action::kOrgRead, parent->path))
      return Error{ErrorCode::kNotFound, "parent org not found", "parent_id"};
    if (!can_parent(parent->type, in.type))
      return invalid("type", std::string("a ") + org_type_name(in.type) +
                                 " cannot be placed under a " + org_type_name(parent->type));
    if (!who.can(create_action(in.type), parent->path))
      return denied(in.type == OrgType::kTenant
                        ? "only the management unit creates tenants (TEN-10)"
                        : std::string("not allowed to create a ") + org_type_name(in.type) +
                              " here");
    if (tx.org_name_taken(parent->id, in.name))
      return conflict("an org named '" + in.name + "' already exists here", "name");
    TimeMs now = clock_.now();
    Org org;
    org.id = OrgId{new_id("org")};
    org.parent = parent->id;
    org.type = in.type;
    org.name = in.name;
    org.description = in.description;
    org.path = parent->path + org.id.value + "/";
    org.created_by = who.user.value;
    org.created_at = now;
    org.updated_at = now;
    org.system = in.system;
    tx.insert_org(org);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"org.create",
                           org.id.value,
                           org.id.value,
                           "success",
                           {{"type", org_type_name(org.type)}, {"name", org.name}}});
    return org;
  });
}

Result<Org> TenancyService::get_org(const Principal& who, const OrgId& id) {
  return store_.read([&](Tx& tx) { return visible_org(tx, who, id, Action::kOrgRead); });
}

Result<Listing<Org>> TenancyService::list_orgs(const Principal& who, OrgQuery q) {
  q.within_paths = who.paths_for(Action::kOrgRead);
  return store_.read([&](Tx& tx) -> Result<Listing<Org>> { return tx.list_orgs(q); });
}

Result<Org> TenancyService::update_org(const Principal& who, const OrgId& id, const OrgPatch& patch,
                                       const RequestContext& ctx) {
  if (patch.name) GC_TRY(validate_name(*patch.name));
  if (patch.description && patch.description->size() > 2000)
    return invalid("description", "description must be at most 2000 bytes");
  return store_.transact([&](Tx& tx) -> Result<Org> {
    GC_ASSIGN_OR_RETURN(Org org, visible_org(tx, who, id, Action::kOrgUpdate));
    bool touches_profile =
        patch.dengbao_level || patch.internet_facing || patch.important || patch.network_domain;
    if (touches_profile && !org.system)
      return invalid("dengbao_level", "only business systems carry 等保 and network attributes");
    if (patch.name && *patch.name != org.name && tx.org_name_taken(org.parent, *patch.name))
      return conflict("an org named '" + *patch.name + "' already exists here", "name");
    if (patch.name) org.name = *patch.name;
    if (patch.description) org.description = *patch.description;
    if (org.system) {
      if (patch.dengbao_level) org.system->dengbao_level = *patch.dengbao_level;
      if (patch.internet_facing) org.system->internet_facing = *patch.internet_facing;
      if (patch.important) org.system->important = *patch.important;
      if (patch.network_domain) org.system->network_domain = *patch.network_domain;
      GC_TRY(validate_profile(*org.system));
    }
    org.updated_at = clock_.now();
    tx.update_org(org);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"org.update", org.id.value, org.id.value, "success", {}});
    return org;
  });
}

Status TenancyService::delete_org(const Principal& who, const OrgId& id,
                                  const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Status {
    GC_ASSIGN_OR_RETURN(Org org, visible_org(tx, who, id, Action::kOrgRead));
    if (!org.parent) return invalid("id", "the platform root cannot be deleted");
    auto parent = tx.find_org(*org.parent);
    if (!parent || !who.can(create_action(org.type), parent->path))
      return denied("not allowed to delete this org");
    if (tx.count_child_orgs(org.id) > 0)
      return conflict("the org still has child orgs; delete them first");
    if (tx.count_users_in_subtree(org.path) > 0)
      return conflict("the org still has users; move or delete them first");
    if (tx.count_vdcs_of_org(org.id) > 0)
      return conflict("the org still owns VDCs; delete them first");
    BindingQuery bq;
    bq.within_paths = {org.path};
    if (!tx.list_bindings(bq).empty())
      return conflict("roles are still granted on this org; revoke them first");
    tx.delete_org(org.id);
    write_audit(
        tx, clock_, &who, ctx,
        AuditEvent{"org.delete", org.id.value, org.id.value, "success", {{"name", org.name}}});
    return ok_status();
  });
}

}  // namespace govcloud
