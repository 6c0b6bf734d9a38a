// The in-process twin of the libvirt driver (decision 0010): hosts and guests held in memory,
// with injectable faults — a host that stops answering, an engine error on the next call, a
// call that hangs — for scheduler, scale and HA tests. It passes the same contract tests as the
// real driver (tests/drivers/compute_contract_test.cc) and holds 10,000 hosts and 100,000 guests.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "compute/compute.h"

namespace govcloud {

class SimComputeDriver final : public ComputeDriver {
 public:
  // With a state file the guests and networks outlive the process, as a real hypervisor's do
  // when the control plane is killed (crash tests); without one they live in memory only.
  explicit SimComputeDriver(std::string state_file = "");
  std::string kind() const override { return "sim"; }
  Result<HostReport> probe(const Host& host) override;
  Status define(const Host& host, const DomainSpec& spec) override;
  Status ensure_network(const Host& host, const NetworkSpec& net) override;
  Status start(const Host& host, const std::string& name) override;
  Status reboot(const Host& host, const std::string& name) override;
  Status stop(const Host& host, const std::string& name, bool force) override;
  Status remove(const Host& host, const std::string& name, bool wipe) override;
  Result<DomainInfo> inspect(const Host& host, const std::string& name) override;
  Status resize(const Host& host, const std::string& name, int vcpu, std::int64_t memory_mb,
                std::int64_t disk_gb) override;
  Status snapshot(const Host& host, const std::string& name, const std::string& snapshot) override;
  Status revert(const Host& host, const std::string& name, const std::string& snapshot) override;
  Status delete_snapshot(const Host& host, const std::string& name,
                         const std::string& snapshot) override;
  Status clone(const Host& host, const std::string& source, const DomainSpec& spec) override;
  Status migrate(const Host& from, const Host& to, const std::string& name) override;
  // In sim_console.cc: a line terminal that echoes (no guest OS behind it).
  Result<std::unique_ptr<ConsoleStream>> open_console(const Host& host, const std::string& name,
                                                      ConsoleKind kind, ConsoleSink sink) override;
  void set_event_sink(DomainEventSink sink) override;
  // The guest's watchdog fires and the engine takes `action` (CMP-15).
  void fire_watchdog(const HostId& host, const std::string& name, const std::string& action);
  // The snapshots a guest has, as the engine holds them.
  std::vector<std::string> snapshots_of(const HostId& host, const std::string& name) const;

  // Faults. A host that is down answers nothing; fail_next makes the host's next call fail with
  // `message`; a guest can be changed behind govcloud's back (for the reconciler).
  void set_reachable(const HostId& host, bool reachable);
  // A host that loses power: it stops answering and every guest on it is shut off, which is
  // what fencing (STONITH) guarantees on real hosts before HA restarts the guests elsewhere.
  void power_off(const HostId& host);
  // The guests running on a host, as the engine holds them (HA tests count duplicates).
  std::vector<std::string> running_on(const HostId& host) const;
  void fail_next(const HostId& host, const std::string& message);
  void set_state_behind_our_back(const HostId& host, const std::string& name, DomainState state);
  void add_foreign_domain(const HostId& host, const std::string& name);
  std::size_t domain_count() const;
  // Whether a removed guest's disk was overwritten first (secure delete).
  bool wiped(const std::string& name) const;

  // "latency_ms=N" in the host's uri: how long each guest call takes (a slow engine), spent
  // before the driver's lock so calls to other hosts go on meanwhile.
  static void pause(const Host& host);

 private:
  struct SimHost {
    bool reachable = true;
    std::string fail_next;
    std::map<std::string, DomainSpec> specs;
    std::map<std::string, DomainState> states;
    std::map<std::string, NetworkSpec> networks;
    // guest → snapshot → the state it was taken in
    std::map<std::string, std::map<std::string, DomainState>> snapshots;
  };
  Status reach(const Host& host, SimHost*& out);
  // A guest the host has and runs: not_found or conflict otherwise.
  static Status require_running(const SimHost& h, const std::string& name);
  // The host's inventory: from its uri ("sim://?arch=arm&cores=64&memory_gb=256&mhz=2600&
  // gpu=gpu-16g:2"), else from the host record, else a small x86 server.
  static Result<HostReport> inventory(const Host& host);
  void load();
  void save_locked() const;

  std::string state_file_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, SimHost> hosts_;
  std::map<std::string, bool> removed_;  // name → wiped
  std::mutex sink_mu_;
  DomainEventSink sink_;
};

}  // namespace govcloud
