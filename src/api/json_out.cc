#include "api/json_out.h"

#include <boost/json.hpp>

namespace govcloud {

namespace json = boost::json;

namespace {
json::value time_or_null(TimeMs t) {
  if (t == 0) return nullptr;
  return json::value(format_iso8601(t));
}
}  // namespace

json::value to_json(const Org& o) {
  json::object j{{"id", o.id.value},
                 {"parent_id", o.parent ? json::value(o.parent->value) : json::value(nullptr)},
                 {"type", org_type_name(o.type)},
                 {"name", o.name},
                 {"description", o.description},
                 {"path", o.path},
                 {"created_by", o.created_by},
                 {"created_at", format_iso8601(o.created_at)},
                 {"updated_at", format_iso8601(o.updated_at)}};
  if (o.system) {
    j["dengbao_level"] = o.system->dengbao_level;
    j["internet_facing"] = o.system->internet_facing;
    j["important"] = o.system->important;
    j["network_domain"] = o.system->network_domain;
  }
  return j;
}

json::value to_json(const User& u) {
  return json::object{{"id", u.id.value},
                      {"username", u.username},
                      {"display_name", u.display_name},
                      {"email", u.email},
                      {"phone", u.phone},
                      {"org_id", u.org.value},
                      {"disabled", u.disabled},
                      {"locked_until", time_or_null(u.locked_until)},
                      {"must_change_password", u.must_change_password},
                      {"password_changed_at", format_iso8601(u.password_changed_at)},
                      {"totp_enabled", u.totp_enabled},
                      {"created_at", format_iso8601(u.created_at)},
                      {"updated_at", format_iso8601(u.updated_at)}};
}

json::value to_json(const RoleBinding& b) {
  return json::object{{"id", b.id.value},
                      {"user_id", b.user.value},
                      {"role", role_name(b.role)},
                      {"scope_org_id", b.scope.value},
                      {"assume_only", b.assume_only},
                      {"expires_at", time_or_null(b.expires_at)},
                      {"granted_by", b.granted_by},
                      {"created_at", format_iso8601(b.created_at)}};
}

json::value to_json(const ApiKey& k) {
  return json::object{
      {"id", k.id.value},
      {"name", k.name},
      {"scope_org_id", k.scope ? json::value(k.scope->value) : json::value(nullptr)},
      {"expires_at", time_or_null(k.expires_at)},
      {"created_at", format_iso8601(k.created_at)},
      {"revoked", k.revoked}};
}

json::value to_json(const Vdc& v) {
  return json::object{{"id", v.id.value},
                      {"org_id", v.org.value},
                      {"parent_id", v.parent ? json::value(v.parent->value) : json::value(nullptr)},
                      {"name", v.name},
                      {"description", v.description},
                      {"path", v.path},
                      {"created_at", format_iso8601(v.created_at)}};
}

json::value to_json(const QuotaLine& q) {
  const ResourceKind* kind = find_resource_kind(q.resource);
  return json::object{{"resource", q.resource},
                      {"unit", kind ? kind->unit : ""},
                      {"limit", q.limit},
                      {"used", q.used},
                      {"allocated", q.allocated},
                      {"available", q.available()},
                      {"used_subtree", q.used_subtree}};
}

json::value to_json(const Reservation& r) {
  json::object amounts;
  for (const auto& [k, v] : r.amounts) amounts[k] = v;
  return json::object{{"id", r.id.value},
                      {"vdc_id", r.vdc.value},
                      {"owner_kind", reservation_owner_name(r.owner_kind)},
                      {"owner_id", r.owner_id},
                      {"ref", r.ref},
                      {"reason", r.reason},
                      {"amounts", std::move(amounts)},
                      {"created_by", r.created_by},
                      {"created_at", format_iso8601(r.created_at)}};
}

json::value to_json(const AuditRecord& r) {
  json::value detail;
  boost::system::error_code ec;
  detail = json::parse(r.detail, ec);
  if (ec) detail = r.detail;
  return json::object{{"seq", r.seq},
                      {"time", format_iso8601(r.at)},
                      {"actor_id", r.actor_id},
                      {"actor_name", r.actor_name},
                      {"assumed_role", r.assumed_role},
                      {"org_id", r.org_id},
                      {"action", r.action},
                      {"target", r.target},
                      {"result", r.result},
                      {"source_ip", r.source_ip},
                      {"request_id", r.request_id},
                      {"detail", std::move(detail)},
                      {"hash", r.hash}};
}

json::value to_json(const Principal& p) {
  json::array grants;
  for (const auto& g : p.grants) {
    grants.push_back(json::object{{"binding_id", g.binding.value},
                                  {"role", role_name(g.role)},
                                  {"scope_org_id", g.scope.value}});
  }
  return json::object{
      {"user_id", p.user.value},
      {"username", p.username},
      {"org_id", p.home_org.value},
      {"grants", std::move(grants)},
      {"assumed_role", p.assumed_role},
      {"api_key_id", p.api_key ? json::value(p.api_key->value) : json::value(nullptr)},
      {"expires_at", time_or_null(p.expires_at)},
      {"totp_enrolment_only", p.totp_enrolment_only}};
}

json::value to_json(const Operation& o) {
  return json::object{{"id", o.id},
                      {"kind", o.kind},
                      {"target_id", o.target_id},
                      {"state", op_state_name(o.state)},
                      {"progress", o.progress},
                      {"step", o.step},
                      {"error", o.error},
                      {"created_at", format_iso8601(o.created_at)},
                      {"updated_at", format_iso8601(o.updated_at)},
                      {"finished_at", o.finished_at ? format_iso8601(o.finished_at) : ""}};
}

}  // namespace govcloud
