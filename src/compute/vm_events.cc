// What engines report about VMs on their own (CMP-15): a guest's watchdog firing is kept on the
// VM as an event, audited, and named in the VM's reason.
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "compute/vm_internal.h"

namespace govcloud {

using namespace vm_detail;

namespace {
constexpr int kEventsShown = 100;
}  // namespace

VmService::~VmService() {
  stop_events();
}

void VmService::stop_events() {
  std::lock_guard lock(events_->mu);
  events_->service = nullptr;
}

// Called from start(): every driver reports to this service through the gate.
void VmService::listen_to_engines() {
  {
    std::lock_guard lock(events_->mu);
    events_->service = this;
  }
  for (ComputeDriver* d : compute_.drivers()) {
    d->set_event_sink([gate = events_](const DomainEvent& e) {
      std::lock_guard lock(gate->mu);
      if (gate->service == nullptr) return;
      VmService* self = gate->service;
      // Off the engine's thread: recording takes a transaction.
      self->workers_.submit([self, e] { self->record_engine_event(e); });
    });
  }
}

void VmService::record_engine_event(const DomainEvent& e) {
  if (e.domain.rfind("gc-", 0) != 0) return;  // not one of ours
  VmId id{e.domain.substr(3)};
  auto done = store_.transact([&](Tx& tx) -> Status {
    auto vm = tx.compute().find_vm(id);
    if (!vm) return not_found("VM");
    TimeMs now = clock_.now();
    tx.compute().insert_vm_event(
        VmEvent{new_id("vev"), vm->id.value, vm->org_path, e.kind, e.detail, now});
    if (e.kind == "watchdog") {
      vm->reason = "the guest's watchdog fired at " + format_iso8601(now) + "; the hypervisor " +
                   "took action: " + e.detail;
      vm->updated_at = now;
      tx.compute().update_vm(*vm);
    }
    audit_vm(tx, clock_, nullptr, RequestContext{"local", "engine"}, "vm." + e.kind, *vm, "success",
             {{"action", e.detail}});
    return ok_status();
  });
  if (!done.ok())
    spdlog::warn("engine event {} on {} not recorded: {}", e.kind, e.domain, done.error().message);
}

Result<std::vector<VmEvent>> VmService::events_of(const Principal& who, const VmId& id) {
  return store_.read([&](Tx& tx) -> Result<std::vector<VmEvent>> {
    auto vm = tx.compute().find_vm(id);
    if (!vm || !who.can(Action::kVmRead, vm->org_path)) return not_found("VM");
    return tx.compute().events_of(id.value, kEventsShown);
  });
}

}  // namespace govcloud
