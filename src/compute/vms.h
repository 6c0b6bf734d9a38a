// Virtual machines (云主机, CMP-01–05, 10, 14–15): created by approved requests through the
// workflow (a VM owns the quota its request reserved), then started, stopped, rebooted and
// deleted as operations. Every long action is begin (transaction) → driver call on a worker
// (no transaction held) → finish (transaction), recorded as an Operation (decision 0010).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/workers.h"
#include "compute/compute.h"
#include "store/operations_tx.h"
#include "workflow/workflow.h"

namespace govcloud {

// The catalog code of the service whose approved requests become VMs.
inline constexpr const char* kCloudHostService = "cloud-host";

// Lifecycle actions a user asks for on an existing VM.
enum class VmAction {
  kStart,
  kStop,
  kReboot,
  kDelete,
  kResize,          // vCPU, memory, system disk (grows only); a running VM is restarted
  kSnapshot,        // takes a named snapshot
  kRevert,          // goes back to a snapshot
  kDeleteSnapshot,  // removes a snapshot
  kClone,           // a new VM with a full copy of a stopped VM's disk
  kMigrate,         // to another host, live when it runs (the provider's: host.manage)
};
std::optional<VmAction> parse_vm_action(std::string_view text);
const char* vm_action_name(VmAction a);
// The state machine: what the VM is while the action runs, or why it cannot run now.
Result<VmState> vm_transition(VmState from, VmAction action);

struct VmActionInput {
  VmAction action = VmAction::kStart;
  bool force = false;   // stop: pull the plug at once
  bool secure = false;  // delete: overwrite the disk before it is released (CMP-03)
  std::string idempotency_key;
  // resize: the new sizes (0: unchanged)
  int vcpu = 0;
  std::int64_t memory_gb = 0;
  std::int64_t disk_gb = 0;
  std::string snapshot;  // revert, delete-snapshot: id or name
  std::string name;      // snapshot: its name; clone: the new VM's name
  std::string host;      // migrate: the target host, id or name (empty: the scheduler's choice)
};

struct NewImage {
  std::string name;
  std::string source;  // a file on the server (qcow2, raw, vmdk, vhd), converted with qemu-img
  std::string format;  // of the source; empty: detected
  std::string scope = "private";  // private to `org`, or global (image.manage)
  std::optional<OrgId> org;
  std::string arch = "x86";
  std::string os_type = "linux";
  std::string kernel, initrd, cmdline;  // direct kernel boot, optional
};

// What the reconciler found: the engine and the store disagree (shown to ops, never "fixed").
struct Drift {
  std::string host;
  std::string domain;
  std::string vm;    // empty for a domain govcloud does not know
  std::string kind;  // missing, state, unknown
  std::string detail;
};

// A one-time pass to a VM's serial console. A browser's WebSocket cannot send the
// Authorization header, so the signed-in caller asks for a ticket (its rights checked and
// audited then) and the socket presents it within a minute, once (decision 0010).
struct ConsoleTicket {
  std::string ticket;
  VmId vm;
  ConsoleKind kind = ConsoleKind::kSerial;
  TimeMs expires_at = 0;
};

class VmService final : public Provisioner {
 public:
  // data_dir: the server's (image-imports/ is read from it); storage_dir: where imported images
  // are kept for the hypervisor to read.
  VmService(Store& store, const Clock& clock, ComputeService& compute, Workers& workers,
            std::string data_dir, std::string storage_dir);
  ~VmService() override;  // stops taking engine events
  VmService(const VmService&) = delete;
  VmService& operator=(const VmService&) = delete;

  // CMP-07: the platform's CPU frequency floor per architecture (MHz; absent or 0: none).
  void set_cpu_floors(std::map<Arch, int> floors) { cpu_floors_ = std::move(floors); }

  // Other modules' part in a VM's life (storage, decision 0011): a guard may refuse an action
  // in its begin transaction; a deletion hook runs in the finish transaction of a deletion.
  // Wired before start().
  using ActionGuard = std::function<Status(Tx&, const Vm&, VmAction)>;
  using DeletionHook = std::function<void(Tx&, const Vm&, TimeMs)>;
  void add_action_guard(ActionGuard g) { guards_.push_back(std::move(g)); }
  void add_deletion_hook(DeletionHook h) { deletion_hooks_.push_back(std::move(h)); }

  // At start: every operation a stop interrupted is finished or failed with a reason.
  Status start();
  // Provisioner: an approved cloud-host request becomes a VM (begin here, engine on a worker).
  Status validate(Tx& tx, const Org& system, const boost::json::object& params) override;
  void provision(const std::string& request_id) override;

  Result<Listing<Vm>> list(const Principal& who, VmQuery q);
  Result<Vm> get(const Principal& who, const VmId& id);
  Result<Operation> act(const Principal& who, const VmId& id, const VmActionInput& in,
                        const RequestContext& ctx);
  Result<Vm> set_tags(const Principal& who, const VmId& id, const std::vector<std::string>& tags,
                      const RequestContext& ctx);
  Result<Operation> get_operation(const Principal& who, const std::string& id);
  Result<std::vector<Operation>> operations_of(const Principal& who, const VmId& id);
  Result<std::vector<Snapshot>> snapshots_of(const Principal& who, const VmId& id);

  // Engine events reach this service from start() until this (or the destructor).
  void stop_events();
  // What engines reported about the VM (CMP-15 watchdog firings), newest first; vm.read.
  Result<std::vector<VmEvent>> events_of(const Principal& who, const VmId& id);

  // The consoles (vm_console.cc), serial and screen: a ticket for a running VM (vm.operate: a
  // console is a keyboard on the guest), then the console itself for whoever presents the ticket in
  // time.
  static constexpr TimeMs kConsoleTicketMs = 60'000;
  Result<ConsoleTicket> console_ticket(const Principal& who, const VmId& id, ConsoleKind kind,
                                       const RequestContext& ctx);
  Result<std::unique_ptr<ConsoleStream>> open_console(const std::string& ticket, ConsoleSink sink);

  Result<Image> import_image(const Principal& who, const NewImage& in, const RequestContext& ctx);
  Result<Listing<Image>> list_images(const Principal& who, const Page& page);
  Result<Image> get_image(const Principal& who, const std::string& id);
  Status delete_image(const Principal& who, const std::string& id, const RequestContext& ctx);

  // A job, run right after the heartbeat (CMP-14 HA): every running or stopped VM of a fenced
  // host is placed on another host and restarted there; returns how many were begun.
  int restart_fenced();

  // A job, run after the heartbeat (CMP-14): every VM of a host in maintenance is migrated to
  // another host, live when it runs; returns how many migrations were begun. A VM that fits
  // nowhere stays and says why, and is tried again on the next tick.
  int drain_maintenance();

  // A job: compares what every reachable host's engine reports with the store.
  std::vector<Drift> reconcile();
  // What the last run found; platform.monitor at the platform root (ops, sysadmin).
  Result<std::vector<Drift>> last_drift(const Principal& who);
  // Runs the reconciler at once (host.manage at the platform root: it probes every host).
  Result<std::vector<Drift>> reconcile_now(const Principal& who);

 private:
  // What an operation's engine half reads, in one transaction: the operation, its VM, the VM's
  // host and, when asked, the domain the driver is to make.
  struct EngineWork {
    Operation op;
    Vm vm;
    Host host;
    DomainSpec spec;
  };
  Result<EngineWork> load_work(const std::string& op_id, bool with_spec);
  void create_on_engine(const std::string& op_id);
  void act_on_engine(const std::string& op_id);
  // Resize, snapshots and clone (vm_changes.cc): the begin half inside act()'s transaction,
  // the engine half, and the finish inside finish()'s transaction.
  // Scheduler claims change in memory beside the transaction: `undo` runs if it does not
  // commit, `after` once it has.
  using Deferred = std::vector<std::function<void()>>;
  Status begin_change(Tx& tx, const Principal& who, Vm& vm, const VmActionInput& in, Operation& op,
                      Deferred& undo);
  void change_on_engine(const std::string& op_id);
  Status finish_change(Tx& tx, Operation& op, Vm& vm, const std::string& action, VmState from,
                       const std::string& failure, TimeMs now, Deferred& after);
  void finish(const std::string& op_id, const std::string& failure);
  void finish_create(const std::string& op_id, const std::string& failure);
  // Migration (vm_migrate.cc): begin inside act()'s transaction, the engine half, the finish
  // inside finish()'s transaction.
  Status begin_migrate(Tx& tx, Vm& vm, const VmActionInput& in, Operation& op, Deferred& undo);
  void migrate_on_engine(const std::string& op_id);
  void finish_migrate(Vm& vm, const boost::json::object& params, VmState from,
                      const std::string& failure, Deferred& after);
  bool begin_ha_restart(const VmId& id);
  void ha_on_engine(const std::string& op_id);
  void finish_ha(Tx& tx, Vm& vm, VmState from, const std::string& failure, TimeMs now,
                 std::optional<std::pair<HostId, Vm>>& released);
  Result<DomainSpec> domain_spec(Tx& tx, const Vm& vm);
  void progress(const std::string& op_id, int percent, const std::string& step);
  // A guest event from an engine (vm_events.cc): kept on the VM, audited, shown in its reason.
  void record_engine_event(const DomainEvent& e);
  void listen_to_engines();
  void fail_request(const std::string& request_id, const std::string& reason);

  Store& store_;
  const Clock& clock_;
  ComputeService& compute_;
  Workers& workers_;
  std::string data_dir_;
  std::string storage_dir_;
  std::map<Arch, int> cpu_floors_;
  std::vector<ActionGuard> guards_;
  std::vector<DeletionHook> deletion_hooks_;
  // Shared with the drivers' event sinks, which may outlive this service: cleared when it stops.
  struct EventGate {
    std::mutex mu;
    VmService* service = nullptr;
  };
  std::shared_ptr<EventGate> events_ = std::make_shared<EventGate>();
  std::mutex console_mu_;
  std::map<std::string, ConsoleTicket> console_tickets_;  // by ticket, until redeemed or expired
  mutable std::mutex drift_mu_;
  std::vector<Drift> drift_;
};

}  // namespace govcloud
