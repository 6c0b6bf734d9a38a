// The owner rule of every route, reviewed once by hand (issue 7 §1) for the class of defect
// where a right granted per route lets a lower role undo or bypass an object another workflow
// owns. The right (x-permission) comes from the route table; this is the other half: on which
// objects, and which lifecycle decides. Both go into /api/v1/openapi.json as x-govcloud-access
// and into docs/route-rights.md. A route without a rule does not start (Router's constructor).
#include "api/route_rules.h"

namespace govcloud {

const std::map<std::string, std::string>& route_owner_rules() {
  static const std::map<std::string, std::string> kRules = {
      // System
      {"GET /healthz", "public; no data"},
      {"GET /metrics", "public; counters only, no tenant data"},
      {"GET /api/v1/openapi.json", "public; the route table"},
      {"POST /api/v1/test/clock", "test builds started with --test-clock only"},
      {"GET /api/v1/resource-kinds", "shared reference data"},
      {"GET /api/v1/roles", "shared reference data"},
      // Hosts: the platform's; tenants never see them (IAM-06)
      {"GET /api/v1/hosts",
       "platform.monitor at the platform root (ops, sysadmin); no tenant data"},
      {"POST /api/v1/hosts", "host.manage at the platform root (ops, sysadmin); audited"},
      {"GET /api/v1/hosts/{id:host}", "as GET /api/v1/hosts"},
      {"POST /api/v1/hosts/{id:host}/state",
       "host.manage at the platform root; maintenance or up, never fenced by hand; audited"},
      {"GET /api/v1/compute/drift",
       "platform.monitor at the platform root; engine and store differences, never fixed"},
      {"POST /api/v1/compute/reconcile",
       "host.manage at the platform root (it probes every host); reports, never fixes"},
      // VMs: the business system's (vm.read to see, vm.operate to act); created only by an
      // approved cloud-host request, and their quota released only by their own deletion
      {"GET /api/v1/vms", "VMs in the caller's vm.read subtrees (narrowed grants)"},
      {"GET /api/v1/vms/{id:vm}", "vm.read at the VM's system; others get 404"},
      {"POST /api/v1/vms/{id:vm}/start",
       "vm.operate at the VM's system; one operation at a time; audited"},
      {"POST /api/v1/vms/{id:vm}/stop", "as start"},
      {"POST /api/v1/vms/{id:vm}/reboot", "as start"},
      {"POST /api/v1/vms/{id:vm}/resize",
       "vm.operate and quota.hold at the VM's system (it takes quota without a request); the "
       "VM's reservation is resized in the same transaction; audited"},
      {"POST /api/v1/vms/{id:vm}/snapshots", "as start"},
      {"GET /api/v1/vms/{id:vm}/snapshots", "vm.read at the VM's system"},
      {"POST /api/v1/vms/{id:vm}/revert", "as start; only the VM's own snapshots"},
      {"DELETE /api/v1/vms/{id:vm}/snapshots/{sid:snap}", "as start; only the VM's own snapshots"},
      {"POST /api/v1/vms/{id:vm}/clone",
       "vm.operate and quota.hold at the VM's system; the copy owns its own reservation; "
       "audited"},
      {"POST /api/v1/vms/{id:vm}/migrate",
       "host.manage at the platform root (ops, sysadmin): hosts are the provider's; the target "
       "stays in the VM's pool, site and network domain; tenants get 404 or 403; audited"},
      {"DELETE /api/v1/vms/{id:vm}",
       "vm.operate at the VM's system; the VM's deletion is the only release of its quota, "
       "address and host capacity; audited"},
      {"PUT /api/v1/vms/{id:vm}/tags", "vm.operate at the VM's system; audited"},
      {"GET /api/v1/vms/{id:vm}/operations", "vm.read at the VM's system"},
      {"GET /api/v1/operations/{id:op}", "vm.read at the operation's system; others get 404"},
      {"GET /api/v1/vms/{id:vm}/events", "vm.read at the VM's system; others get 404"},
      {"POST /api/v1/vms/{id:vm}/console",
       "vm.operate at the VM's system (a console is a keyboard on the guest); the VM runs; "
       "audited; the ticket is random, single-use and lives a minute, in memory only"},
      {"GET /api/v1/consoles/{ticket}",
       "public: the ticket is the credential, redeemed once within its minute; unknown, used "
       "and expired tickets all get 404"},
      // Volumes: the business system's, with the VM rights (vm.read to see, vm.operate to act);
      // created only by an approved cloud-disk request, their quota released only by their
      // own deletion; attached only to VMs of the same tenant
      {"GET /api/v1/volumes", "volumes in the caller's vm.read subtrees (narrowed grants)"},
      {"GET /api/v1/volumes/{id:vol}", "vm.read at the volume's system; others get 404"},
      {"POST /api/v1/volumes/{id:vol}/attach",
       "vm.operate at the volume's system and the VM's; the VM of the same tenant (else 404); a "
       "non-shareable volume on one VM, enforced by a unique index; audited"},
      {"POST /api/v1/volumes/{id:vol}/detach", "as attach"},
      {"POST /api/v1/volumes/{id:vol}/expand",
       "vm.operate and quota.hold at the volume's system (it takes quota without a request); "
       "the volume's reservation is resized in the same transaction; audited"},
      {"POST /api/v1/volumes/{id:vol}/snapshots", "vm.operate at the volume's system; audited"},
      {"GET /api/v1/volumes/{id:vol}/snapshots", "vm.read at the volume's system"},
      {"POST /api/v1/volumes/{id:vol}/restore",
       "vm.operate at the volume's system; only its own snapshots; detached only"},
      {"DELETE /api/v1/volumes/{id:vol}/snapshots/{sid:vsn}",
       "vm.operate at the volume's system; only its own snapshots"},
      {"DELETE /api/v1/volumes/{id:vol}",
       "vm.operate at the volume's system; detached only; the deletion is the only release of "
       "its quota; audited"},
      {"GET /api/v1/volumes/{id:vol}/operations", "vm.read at the volume's system"},
      // Usage (issue 11): intervals belong to the business system they were used by
      {"GET /api/v1/usage",
       "usage.read: intervals of the systems in the caller's usage.read subtrees (narrowed "
       "grants)"},
      {"POST /api/v1/usage/events",
       "usage.report (sysadmin, ops: the provider's metering systems) over each event's system; "
       "a system outside the caller's reach is refused as unknown; a batch is kept whole or not "
       "at all; deduplicated by the sender's event id per tenant; audited"},
      {"POST /api/v1/usage/import",
       "as POST /api/v1/usage/events, for a CSV file; every bad row is named by its line"},
      {"GET /api/v1/bills/{id:org}/{month}",
       "usage.read at the tenant: its own admins and members, its management unit, the "
       "supervision unit; others get 404; an issued month is served as issued"},
      {"GET /api/v1/bills/closed", "usage.read or bill.manage anywhere: which months are closed"},
      {"POST /api/v1/bills/close",
       "bill.manage at the platform root (sysadmin): a month closes for every tenant at once, "
       "in order, once ended; issued bills never change (store triggers); audited"},
      {"POST /api/v1/bills/{id:org}/adjustments",
       "bill.manage at the tenant's management unit (its unit's admins, sysadmin), never the "
       "tenant's own admins: a tenant cannot credit itself; open months only; audited"},
      {"GET /api/v1/contracts/{id:ct}/settlement",
       "contract.read at the contract's tenant; others get 404"},
      {"POST /api/v1/price-lists/{list}/default",
       "price.write at the list's unit; one default per unit; audited"},
      {"GET /api/v1/storage/tiers", "any signed-in caller: tiers are part of the catalog"},
      {"PUT /api/v1/storage/tiers/{name}",
       "host.manage at the platform root (ops, sysadmin); re-applied to every attached disk; "
       "audited"},
      {"GET /api/v1/storage/online-expansion", "any signed-in caller: published facts"},
      {"POST /api/v1/storage/reconcile",
       "host.manage at the platform root (it probes every host); reports, never fixes"},
      // Images: global ones the platform's (image.manage), private ones an org's subtree's
      {"GET /api/v1/images", "global images, and private ones of orgs the caller reads VMs in"},
      {"GET /api/v1/images/{id:img}", "as GET /api/v1/images; others get 404"},
      {"POST /api/v1/images",
       "image.manage at the platform root (ops, sysadmin); files only from the import folder; "
       "audited"},
      {"DELETE /api/v1/images/{id:img}",
       "image.manage at the platform root; refused while a VM uses it; audited"},
      // Authentication: the person's own credentials; only a full login session changes them
      {"POST /api/v1/auth/login", "public; one answer for unknown, wrong, locked, disabled"},
      {"POST /api/v1/auth/logout", "ends the caller's own session"},
      {"GET /api/v1/auth/me", "the caller's effective principal (narrowed grants)"},
      {"POST /api/v1/auth/password", "public; the old password proves the person"},
      {"POST /api/v1/auth/assume-role",
       "own login session only (not an API key or an assumed role); own grants"},
      {"POST /api/v1/auth/totp", "own login session only; the person's own second factor"},
      {"POST /api/v1/auth/totp/confirm", "own login session only; the person's own second factor"},
      {"GET /api/v1/auth/api-keys", "the person's own keys"},
      {"POST /api/v1/auth/api-keys",
       "own login session only; a key is never wider than the person, scope inside the person's"},
      {"DELETE /api/v1/auth/api-keys/{id:key}", "own login session only; the person's own keys"},
      // Accounts and rights (secadmin; tenant admins within their subtree)
      {"GET /api/v1/users", "users homed in the caller's subtrees"},
      {"POST /api/v1/users",
       "home org inside the caller's user.write subtree; platform accounts "
       "by the security administrator (after the 三员 bootstrap)"},
      {"GET /api/v1/users/{id:usr}", "self, or a user homed in the caller's subtree"},
      {"PATCH /api/v1/users/{id:usr}",
       "a user homed in the caller's subtree; platform accounts "
       "by the security administrator"},
      {"DELETE /api/v1/users/{id:usr}", "as PATCH; never oneself"},
      {"POST /api/v1/users/{id:usr}/reset-password", "as PATCH; the user must change it"},
      {"POST /api/v1/users/{id:usr}/unlock", "as PATCH"},
      {"POST /api/v1/users/{id:usr}/reset-totp", "as PATCH"},
      {"POST /api/v1/users/{id:usr}/disable", "as PATCH; never oneself; ends sessions and keys"},
      {"POST /api/v1/users/{id:usr}/enable", "as PATCH; never oneself"},
      {"GET /api/v1/role-bindings",
       "grants scoped in the caller's subtrees; own grants as far as "
       "the credential reaches"},
      {"POST /api/v1/role-bindings",
       "scope inside the caller's role.grant subtree, never above the granter's own rank, never "
       "to oneself; provider staff get assume-only expiring grants on tenant nodes"},
      {"DELETE /api/v1/role-bindings/{id:rb}",
       "as POST; never one's own; provider staff never revoke a tenant's own admins"},
      // Organisations and VDCs
      {"GET /api/v1/orgs", "nodes in the caller's subtrees"},
      {"POST /api/v1/orgs",
       "units by sysadmin under the platform; tenants by the management "
       "unit's admin; systems by the tenant's admin"},
      {"GET /api/v1/orgs/{id:org}", "a node in the caller's subtree"},
      {"PATCH /api/v1/orgs/{id:org}", "a node in the caller's org.update subtree"},
      {"DELETE /api/v1/orgs/{id:org}", "as PATCH; only an empty node (no children, VDCs, users)"},
      {"GET /api/v1/vdcs", "VDCs of nodes in the caller's subtrees"},
      {"POST /api/v1/vdcs", "under a parent VDC the caller manages"},
      {"GET /api/v1/vdcs/{id:vdc}", "a VDC of a node in the caller's subtree"},
      {"DELETE /api/v1/vdcs/{id:vdc}", "as POST; only without sub-VDCs and reservations"},
      {"GET /api/v1/vdcs/{id:vdc}/quota", "a VDC in the caller's quota.read subtree"},
      {"PUT /api/v1/vdcs/{id:vdc}/quota",
       "set by the owner of the parent VDC (the platform for roots), never below what is in use"},
      {"GET /api/v1/vdcs/{id:vdc}/reservations", "a VDC in the caller's subtree"},
      {"POST /api/v1/vdcs/{id:vdc}/reservations",
       "a hold, owned by the hold itself: tenant admin of the VDC's node, with a reason"},
      {"GET /api/v1/reservations/{id:rsv}", "a reservation on a VDC in the caller's subtree"},
      {"DELETE /api/v1/reservations/{id:rsv}",
       "holds only, by a tenant admin of the VDC's node; a reservation owned by a request, "
       "resource or contract is a 409 naming the owner, whose lifecycle alone releases it"},
      // Audit (auditadmin, supervisor)
      {"GET /api/v1/audit", "records of nodes in the caller's audit.read subtree"},
      {"GET /api/v1/audit/export", "as GET /api/v1/audit; the export is itself audited"},
      {"GET /api/v1/audit/verify", "the whole chain; reveals no records"},
      {"POST /api/v1/audit/purge", "audit administrator; never within the retention period"},
      // Catalog and prices: shared, published
      {"GET /api/v1/catalog", "shared: the catalog every tenant orders from"},
      {"GET /api/v1/catalog/{code}", "shared"},
      {"POST /api/v1/catalog", "sysadmin"},
      {"PATCH /api/v1/catalog/{code}", "sysadmin"},
      {"POST /api/v1/catalog/{code}/retire", "sysadmin; what was delivered stays"},
      {"GET /api/v1/price-lists", "shared: published prices"},
      {"POST /api/v1/price-lists", "price.write on the management unit"},
      {"GET /api/v1/price-lists/{list}/prices", "shared: published prices"},
      {"POST /api/v1/price-lists/{list}/prices",
       "price.write on the list's management unit; insert-only, a version never changes"},
      {"POST /api/v1/price-lists/{list}/import", "as POST prices; all rows or none"},
      {"GET /api/v1/price-lists/{list}/export", "shared: published prices"},
      // Contracts and quotes
      {"GET /api/v1/contracts", "contracts of tenants in the caller's contract.read subtree"},
      {"POST /api/v1/contracts",
       "the management unit above the tenant (contract.write there); the contract owns its "
       "quota grants"},
      {"GET /api/v1/contracts/{id:ct}", "as GET /api/v1/contracts"},
      {"GET /api/v1/contracts/{id:ct}/quote", "as GET /api/v1/contracts"},
      {"POST /api/v1/quotes", "computed from the package the caller sends; shared prices"},
      // Requests → approvals → fulfilment → resources
      {"GET /api/v1/requests",
       "requests in the caller's request/approve/reclaim subtrees; own requests as far as the "
       "credential reaches"},
      {"GET /api/v1/requests/export", "as GET /api/v1/requests"},
      {"POST /api/v1/requests",
       "for a business system in the caller's request.create subtree; the request owns the quota "
       "it reserves"},
      {"GET /api/v1/requests/{id:rq}", "as GET /api/v1/requests"},
      {"POST /api/v1/requests/{id:rq}/approve",
       "the step's role at the step's org, never the requester, one step per person; the "
       "request's own reservation must still be held"},
      {"POST /api/v1/requests/{id:rq}/reject", "as approve; releases the request's reservation"},
      {"POST /api/v1/requests/{id:rq}/cancel",
       "the requester (within the credential's reach) or an approver; pending only; releases "
       "the request's reservation"},
      {"GET /api/v1/fulfilments", "operations staff (ops)"},
      {"POST /api/v1/fulfilments/{id:ful}/complete",
       "operations staff; the request's reservation passes to the resource"},
      {"GET /api/v1/resources", "resources of nodes in the caller's subtrees"},
      {"GET /api/v1/resources/{id:res}", "as GET /api/v1/resources"},
      {"POST /api/v1/resources/{id:res}/reclaim",
       "resource.reclaim on the resource's node; releases the resource's own reservation"},
      {"GET /api/v1/notifications", "the person's own, as far as the credential reaches"},
      {"POST /api/v1/notifications/{id:ntf}/read",
       "the person's own, as far as the credential reaches"},
      // Work orders
      {"GET /api/v1/workorders", "work orders of nodes in the caller's subtrees; ops all"},
      {"POST /api/v1/workorders", "for a node in the caller's workorder.use subtree"},
      {"GET /api/v1/workorders/{id:wo}", "as GET /api/v1/workorders"},
      {"POST /api/v1/workorders/{id:wo}/assign", "operations staff; to operations staff"},
      {"POST /api/v1/workorders/{id:wo}/transition",
       "operations move work along; the requesting side cancels, closes or reopens"},
      {"POST /api/v1/workorders/{id:wo}/comments", "as GET /api/v1/workorders/{id}"},
      {"POST /api/v1/workorders/{id:wo}/attachments", "as GET /api/v1/workorders/{id}"},
      {"GET /api/v1/workorders/{id:wo}/attachments/{n}", "as GET /api/v1/workorders/{id}"},
  };
  return kRules;
}

}  // namespace govcloud
