// The one place a VM is given a host (CMP-06–09, 13, 17–19). Filters: state, architecture,
// pool, site and network domain, CPU frequency floor, free vCPU under the pool's overcommit
// (at most 4:1), free memory (never overcommitted), GPU/NPU class and count, and affinity or
// anti-affinity groups, hard or soft. Policies: pack (best fit on memory), spread (most free
// memory) and load-aware (least vCPU load). A refusal explains itself.
//
// The scheduler keeps its own capacity view of every host and claims capacity in it under one
// lock, so concurrent placements never double-book a host; callers persist the claim in the
// same transaction that records the operation, and release it through the owner's lifecycle.
// Candidate hosts are kept in ordered indexes per host shape (architecture, pool, site, domain),
// so a placement looks at a handful of hosts, not all of them (bench/scheduler).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "model/compute.h"

namespace govcloud {

enum class PlacementPolicy { kPack, kSpread, kLoadAware };
const char* policy_name(PlacementPolicy p);

enum class GroupRule { kNone, kAffinity, kAntiAffinity };

struct Demand {
  int vcpu = 0;
  std::int64_t memory_mb = 0;
  std::int64_t disk_gb = 0;
  std::optional<Arch> arch;        // none: any
  std::string pool, site, domain;  // empty: any
  int min_cpu_mhz = 0;             // CMP-07
  std::string accelerator_class;   // e.g. "gpu-16g"; empty: none
  int accelerators = 0;
  std::string group;  // affinity group id; empty: none
  GroupRule rule = GroupRule::kNone;
  bool hard = true;         // a soft rule is a preference, a hard one a filter
  bool bare_metal = false;  // CMP-20: a whole empty bare-metal host
  std::string except_host;  // a migration's source: any host but this one
};

struct Placement {
  HostId host;
  std::vector<std::string> accelerators;  // device ids taken on that host
};

// What a host has in use, as the scheduler counts it.
struct HostLoad {
  int vcpu = 0;
  std::int64_t memory_mb = 0;
  std::int64_t disk_gb = 0;
  int vms = 0;
};

class Scheduler {
 public:
  explicit Scheduler(PlacementPolicy policy = PlacementPolicy::kPack);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // vCPU per physical core allowed in a pool, as a percentage (400 = 4:1, the CMP-08 bound).
  Status set_overcommit(const std::string& pool, int percent);
  int overcommit(const std::string& pool) const;

  // Adds or replaces a host; its load starts at `load` (claims already recorded).
  void put_host(const Host& host, const HostLoad& load = {});
  void set_state(const HostId& host, HostState state);
  void remove_host(const HostId& host);

  // Finds a host and claims the demand on it, or explains why none fits.
  Result<Placement> place(const Demand& demand, const std::string& vm);
  Result<Placement> place(const Demand& demand, const std::string& vm, PlacementPolicy policy);
  // Claims on a given host (migration target, restore after restart) with the same filters.
  Result<Placement> place_on(const HostId& host, const Demand& demand, const std::string& vm);
  // Counts what `vm` already holds on `host` (recorded claims, read back after a restart)
  // without filtering: the claim was checked when it was made.
  void restore(const HostId& host, const Demand& demand, const std::string& vm,
               const std::vector<std::string>& accelerators);
  // Gives back what `vm` held on `host`.
  void release(const HostId& host, const Demand& demand, const std::string& vm,
               const std::vector<std::string>& accelerators);

  std::optional<HostLoad> load(const HostId& host) const;
  std::size_t host_count() const;

 private:
  struct Node;
  struct Shape;
  Result<Placement> place_locked(const Demand& d, const std::string& vm, PlacementPolicy policy,
                                 const HostId* only);
  std::string explain_locked(const Demand& d) const;

  PlacementPolicy policy_;
  mutable std::mutex mu_;
  std::uint64_t next_ordinal_ = 0;
  std::map<std::string, int> overcommit_;                               // pool → percent
  std::unordered_map<std::string, std::unique_ptr<Node>> nodes_;        // host id → node
  std::map<std::string, std::unique_ptr<Shape>> shapes_;                // shape key → its hosts
  std::unordered_map<std::string, std::map<std::string, int>> groups_;  // group → host → VMs
};

}  // namespace govcloud
