// The consoles of a VM, serial line and screen: one-time tickets, then the driver's stream.
#include "common/digest.h"
#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;

Result<ConsoleTicket> VmService::console_ticket(const Principal& who, const VmId& id,
                                                ConsoleKind kind, const RequestContext& ctx) {
  ConsoleTicket t;
  t.ticket = base64url(random_bytes(32));
  t.vm = id;
  t.kind = kind;
  GC_TRY(store_.transact([&](Tx& tx) -> Status {
    auto vm = tx.compute().find_vm(id);
    if (!vm || !who.can(Action::kVmRead, vm->org_path)) return not_found("VM");
    if (!who.can(Action::kVmOperate, vm->org_path)) return denied("not allowed: vm.operate");
    if (vm->state != VmState::kRunning)
      return Error{
          ErrorCode::kConflict,
          std::string("the console needs a running VM; this one is ") + vm_state_name(vm->state),
          "state"};
    t.expires_at = clock_.now() + kConsoleTicketMs;
    audit_vm(tx, clock_, &who, ctx, "vm.console", *vm, "success",
             {{"type", kind == ConsoleKind::kVnc ? "vnc" : "serial"}});
    return ok_status();
  }));
  std::lock_guard lock(console_mu_);
  TimeMs now = clock_.now();
  std::erase_if(console_tickets_, [&](const auto& kv) { return kv.second.expires_at <= now; });
  console_tickets_[t.ticket] = t;
  return t;
}

Result<std::unique_ptr<ConsoleStream>> VmService::open_console(const std::string& ticket,
                                                               ConsoleSink sink) {
  ConsoleTicket t;
  {
    std::lock_guard lock(console_mu_);
    auto it = console_tickets_.find(ticket);
    // Unknown, used or expired look the same: the caller learns nothing about other tickets.
    if (it == console_tickets_.end() || it->second.expires_at <= clock_.now()) {
      if (it != console_tickets_.end()) console_tickets_.erase(it);
      return not_found("console ticket");
    }
    t = it->second;
    console_tickets_.erase(it);
  }
  auto where = store_.read([&](Tx& tx) -> Result<std::pair<Vm, Host>> {
    auto vm = tx.compute().find_vm(t.vm);
    if (!vm) return not_found("VM");
    if (vm->state != VmState::kRunning || vm->host_id.empty())
      return conflict(std::string("the VM is ") + vm_state_name(vm->state));
    auto host = tx.compute().find_host(HostId{vm->host_id});
    if (!host) return not_found("host");
    return std::pair{*vm, *host};
  });
  if (!where.ok()) return where.error();
  ComputeDriver* driver = compute_.driver(where->second.driver);
  if (driver == nullptr) return conflict("no driver for host " + where->second.name);
  return driver->open_console(where->second, domain_name(where->first), t.kind, std::move(sink));
}

}  // namespace govcloud
