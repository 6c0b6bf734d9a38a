// The compute module's face (CMP-*): the driver interface every hypervisor engine implements,
// and the types it speaks. Implementations live in src/drivers/<engine>/ (libvirt, sim) and are
// wired by src/server; this module never includes a driver (decision 0010).
//
// Every call is idempotent by domain name, so an operation interrupted by a crash can simply be
// run again: defining an existing identical domain, starting a running one, stopping a stopped
// one or removing a missing one succeeds. Driver calls never run inside a store transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "compute/scheduler.h"
#include "iam/authz.h"
#include "iam/context.h"
#include "model/compute.h"
#include "store/compute_tx.h"

namespace govcloud {

// The host side of a guest network (issue 9 §7): until VPCs arrive, one isolated network per
// VDC — a bridge with DHCP (dnsmasq) handing out the addresses govcloud's IPAM chose.
struct NetworkSpec {
  std::string name;     // "gc-<network id>"
  std::string bridge;   // "gcbr<n>"
  std::string cidr;     // "10.<a>.<b>.0/24"
  std::string gateway;  // the host's address on the bridge
};

// What a driver creates on a host: one guest (a libvirt domain).
struct DomainSpec {
  std::string name;  // unique on the host: "gc-<vm id>"
  std::string uuid;
  int vcpu = 0;
  std::int64_t memory_mb = 0;
  Arch arch = Arch::kX86;
  std::string image_path;    // the base image the system disk is a copy-on-write layer over
  std::string image_format;  // qcow2, raw
  std::string kernel, initrd, cmdline;    // direct kernel boot (appliance and test images)
  std::int64_t disk_gb = 0;               // system disk size
  NetworkSpec network;                    // the network the NIC joins
  std::string mac;                        // the NIC's address (CMP-10: one per VM)
  std::string ip;                         // what DHCP hands that MAC
  std::vector<std::string> accelerators;  // host device ids passed through (CMP-17)
  bool watchdog = true;                   // CMP-15: i6300esb, action reset
};

enum class DomainState { kRunning, kShutOff, kPaused, kCrashed };
const char* domain_state_name(DomainState s);

struct DomainInfo {
  std::string name;
  DomainState state = DomainState::kShutOff;
  int vcpu = 0;
  std::int64_t memory_mb = 0;
};

// Where a guest's serial console output goes. The driver calls these from its own thread, in
// order; `closed` comes once, last (the guest stopped, the engine hung up, or close()).
struct ConsoleSink {
  std::function<void(std::string bytes)> output;
  std::function<void(std::string reason)> closed;
};

// Something an engine reports on its own about a guest (CMP-15).
struct DomainEvent {
  std::string domain;  // the guest's name
  std::string kind;    // "watchdog"
  std::string detail;  // the action the engine took: reset, poweroff, shutdown, pause, none …
};
using DomainEventSink = std::function<void(const DomainEvent&)>;

// Which console: the serial line, or the graphical screen as a raw RFB (VNC) byte stream, which
// noVNC in the browser speaks over the WebSocket.
enum class ConsoleKind { kSerial, kVnc };

// An open console of a running guest: bytes typed (or RFB messages) go in through write().
class ConsoleStream {
 public:
  virtual ~ConsoleStream() = default;
  virtual Status write(std::string_view bytes) = 0;
  // Idempotent; once it returns the sink is called no more.
  virtual void close() = 0;
};

// A host as its engine reports it: the heartbeat and the reconciler read this.
struct HostReport {
  Arch arch = Arch::kX86;
  std::string cpu_model;
  int cpu_mhz = 0;
  int cores = 0;
  std::int64_t memory_mb = 0;
  std::vector<Accelerator> accelerators;  // devices free for passthrough
  std::vector<DomainInfo> domains;        // every guest the engine knows, ours or not
};

class ComputeDriver {
 public:
  virtual ~ComputeDriver() = default;
  virtual std::string kind() const = 0;  // "libvirt", "sim"

  // Reaches the host and reports it; an error means the host did not answer.
  virtual Result<HostReport> probe(const Host& host) = 0;
  // Makes the network exist on the host (bridge, DHCP), idempotently.
  virtual Status ensure_network(const Host& host, const NetworkSpec& net) = 0;
  // Creates the guest (system disk from the image, its address in DHCP) without starting it.
  virtual Status define(const Host& host, const DomainSpec& spec) = 0;
  virtual Status start(const Host& host, const std::string& name) = 0;
  virtual Status reboot(const Host& host, const std::string& name) = 0;
  // Graceful shutdown; `force` pulls the plug.
  virtual Status stop(const Host& host, const std::string& name, bool force) = 0;
  // Removes the guest and its disk; `wipe` overwrites the disk first (CMP-03 secure delete).
  virtual Status remove(const Host& host, const std::string& name, bool wipe) = 0;
  virtual Result<DomainInfo> inspect(const Host& host, const std::string& name) = 0;
  // Sets a shut-off guest's vCPU and memory and grows its system disk to disk_gb (never shrinks).
  virtual Status resize(const Host& host, const std::string& name, int vcpu, std::int64_t memory_mb,
                        std::int64_t disk_gb) = 0;
  // Snapshots kept with the guest's disk: of the disk, and of the memory when it runs. A
  // snapshot that exists is taken; reverting a running snapshot leaves the guest running.
  virtual Status snapshot(const Host& host, const std::string& name,
                          const std::string& snapshot) = 0;
  virtual Status revert(const Host& host, const std::string& name, const std::string& snapshot) = 0;
  virtual Status delete_snapshot(const Host& host, const std::string& name,
                                 const std::string& snapshot) = 0;
  // Defines `spec` with a full copy of the shut-off guest `source`'s system disk.
  virtual Status clone(const Host& host, const std::string& source, const DomainSpec& spec) = 0;
  // Moves the guest and its system disk to another host of the same driver (CMP-14): a running
  // guest live, without stopping; the source forgets it once the target has it. A guest already
  // on `to` and gone from `from` has moved (the call is repeated after a server stop).
  virtual Status migrate(const Host& from, const Host& to, const std::string& name) = 0;
  // Connects to a running guest's console; for the serial one an earlier viewer is
  // disconnected, the screen may be watched by several.
  virtual Result<std::unique_ptr<ConsoleStream>> open_console(const Host& host,
                                                              const std::string& name,
                                                              ConsoleKind kind,
                                                              ConsoleSink sink) = 0;
  // Where guest events go from now on (called on the engine's thread; empty: nowhere). Once
  // this returns, the previous sink is called no more.
  virtual void set_event_sink(DomainEventSink sink) = 0;
};

// A host to register: where it sits and how to reach it. What it has (architecture, CPU,
// memory, devices) is what its engine reports, not what someone types.
struct NewHost {
  std::string name;
  std::string site;
  std::string pool;
  std::string domain;
  std::string driver;  // "libvirt" or "sim"
  std::string uri;     // qemu:///system, qemu+tls://h3/system, sim://?cores=64&memory_gb=256
  bool bare_metal = false;
};

// Hosts, their heartbeat and placement (CMP-06–09, 13–14). Tenants never see hosts: reading
// needs platform.monitor at the platform root, changing needs host.manage (ops, sysadmin).
class ComputeService {
 public:
  ComputeService(Store& store, const Clock& clock);
  // Wiring (src/server): one driver per kind.
  void add_driver(ComputeDriver& driver);
  // Loads every registered host into the scheduler.
  Status start();

  Result<Host> register_host(const Principal& who, const NewHost& in, const RequestContext& ctx);
  Result<Listing<Host>> list_hosts(const Principal& who, HostQuery q);
  Result<Host> get_host(const Principal& who, const HostId& id);
  // Maintenance and back up; fencing is the heartbeat's, and ending it a person's decision.
  Result<Host> set_host_state(const Principal& who, const HostId& id, HostState state,
                              const RequestContext& ctx);
  // A job (every few seconds): probes every host outside any transaction, records answers, and
  // fences a host that missed kMissesBeforeFence probes in a row.
  void heartbeat();
  static constexpr int kMissesBeforeFence = 3;

  Scheduler& scheduler() { return scheduler_; }
  ComputeDriver* driver(const std::string& kind);
  std::vector<ComputeDriver*> drivers() const;

 private:
  Status check(Tx& tx, const Principal& who, Action action);

  Store& store_;
  const Clock& clock_;
  std::map<std::string, ComputeDriver*> drivers_;
  Scheduler scheduler_;
};

}  // namespace govcloud
