// The in-process twin of the libvirt driver (decision 0010): hosts and guests held in memory,
// with injectable faults — a host that stops answering, an engine error on the next call, a
// call that hangs — for scheduler, scale and HA tests. It passes the same contract tests as the
// real driver (tests/drivers/compute_contract_test.cc) and holds 10,000 hosts and 100,000 guests.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "compute/compute.h"

namespace govcloud {

class SimComputeDriver final : public ComputeDriver {
 public:
  std::string kind() const override { return "sim"; }
  Result<HostReport> probe(const Host& host) override;
  Status define(const Host& host, const DomainSpec& spec) override;
  Status ensure_network(const Host& host, const NetworkSpec& net) override;
  Status start(const Host& host, const std::string& name) override;
  Status reboot(const Host& host, const std::string& name) override;
  Status stop(const Host& host, const std::string& name, bool force) override;
  Status remove(const Host& host, const std::string& name, bool wipe) override;
  Result<DomainInfo> inspect(const Host& host, const std::string& name) override;

  // Faults. A host that is down answers nothing; fail_next makes the host's next call fail with
  // `message`; a guest can be changed behind govcloud's back (for the reconciler).
  void set_reachable(const HostId& host, bool reachable);
  void fail_next(const HostId& host, const std::string& message);
  void set_state_behind_our_back(const HostId& host, const std::string& name, DomainState state);
  void add_foreign_domain(const HostId& host, const std::string& name);
  std::size_t domain_count() const;
  // Whether a removed guest's disk was overwritten first (secure delete).
  bool wiped(const std::string& name) const;

 private:
  struct SimHost {
    bool reachable = true;
    std::string fail_next;
    std::map<std::string, DomainSpec> specs;
    std::map<std::string, DomainState> states;
    std::map<std::string, NetworkSpec> networks;
  };
  Status reach(const Host& host, SimHost*& out);
  // The host's inventory: from its uri ("sim://?arch=arm&cores=64&memory_gb=256&mhz=2600&
  // gpu=gpu-16g:2"), else from the host record, else a small x86 server.
  static Result<HostReport> inventory(const Host& host);

  mutable std::mutex mu_;
  std::unordered_map<std::string, SimHost> hosts_;
  std::map<std::string, bool> removed_;  // name → wiped
};

}  // namespace govcloud
