#include "compute/scheduler.h"

#include <algorithm>
#include <tuple>

namespace govcloud {

const char* policy_name(PlacementPolicy p) {
  switch (p) {
    case PlacementPolicy::kPack:
      return "pack";
    case PlacementPolicy::kSpread:
      return "spread";
    case PlacementPolicy::kLoadAware:
      return "load-aware";
  }
  return "pack";
}

namespace {

constexpr int kDefaultOvercommitPercent = 400;  // CMP-08: at most 4 vCPU per physical core

std::string shape_key(const Host& h) {
  return std::string(arch_name(h.arch)) + "|" + h.pool + "|" + h.site + "|" + h.domain;
}

std::string mb_text(std::int64_t mb) {
  return mb % 1024 == 0 ? std::to_string(mb / 1024) + " GB" : std::to_string(mb) + " MB";
}

}  // namespace

struct Scheduler::Node {
  Host host;
  HostLoad load;
  int vcpu_cap = 0;
  std::uint64_t ordinal = 0;
  Shape* shape = nullptr;
  std::map<std::string, std::vector<std::string>> free_accelerators;  // class → device ids

  std::int64_t free_memory() const { return host.memory_mb - load.memory_mb; }
  // Counts a claim in the load, keeping the node's place in its shape's ordered indexes.
  void charge(const Demand& d);
  int load_permille() const { return vcpu_cap > 0 ? load.vcpu * 1000 / vcpu_cap : 1000; }
};

// Hosts of one architecture, pool, site and domain, ordered for each policy.
struct Scheduler::Shape {
  Arch arch = Arch::kX86;
  std::string pool, site, domain;
  std::set<std::tuple<std::int64_t, std::uint64_t, Node*>> by_free_memory;
  std::set<std::tuple<int, std::uint64_t, Node*>> by_load;

  bool matches(const Demand& d) const {
    return (!d.arch || *d.arch == arch) && (d.pool.empty() || d.pool == pool) &&
           (d.site.empty() || d.site == site) && (d.domain.empty() || d.domain == domain);
  }
  void index(Node* n) {
    by_free_memory.emplace(n->free_memory(), n->ordinal, n);
    by_load.emplace(n->load_permille(), n->ordinal, n);
  }
  void unindex(Node* n) {
    by_free_memory.erase({n->free_memory(), n->ordinal, n});
    by_load.erase({n->load_permille(), n->ordinal, n});
  }
};

void Scheduler::Node::charge(const Demand& d) {
  shape->unindex(this);
  load.vcpu += d.vcpu;
  load.memory_mb += d.memory_mb;
  load.disk_gb += d.disk_gb;
  load.vms += 1;
  shape->index(this);
}

Scheduler::Scheduler(PlacementPolicy policy) : policy_(policy) {}
Scheduler::~Scheduler() = default;

Status Scheduler::set_overcommit(const std::string& pool, int percent) {
  if (percent < 100 || percent > 400)
    return invalid("overcommit_percent",
                   "vCPU overcommit must be between 100 (1:1) and 400 (4:1, CMP-08)");
  std::lock_guard lock(mu_);
  overcommit_[pool] = percent;
  for (auto& [id, n] : nodes_) {
    if (n->host.pool != pool) continue;
    n->shape->unindex(n.get());
    n->vcpu_cap = n->host.cores * percent / 100;
    n->shape->index(n.get());
  }
  return ok_status();
}

int Scheduler::overcommit(const std::string& pool) const {
  std::lock_guard lock(mu_);
  auto it = overcommit_.find(pool);
  return it == overcommit_.end() ? kDefaultOvercommitPercent : it->second;
}

void Scheduler::put_host(const Host& host, const HostLoad& load) {
  std::lock_guard lock(mu_);
  auto& slot = nodes_[host.id.value];
  auto node = std::make_unique<Node>();
  node->host = host;
  node->load = load;
  auto oc = overcommit_.find(host.pool);
  node->vcpu_cap =
      host.cores * (oc == overcommit_.end() ? kDefaultOvercommitPercent : oc->second) / 100;
  node->ordinal = slot ? slot->ordinal : next_ordinal_++;
  // A device stays handed out across a re-registration; a new device starts free.
  for (const auto& a : host.accelerators) {
    bool taken = false;
    if (slot) {
      bool known = std::any_of(slot->host.accelerators.begin(), slot->host.accelerators.end(),
                               [&](const Accelerator& o) { return o.id == a.id; });
      const auto& free = slot->free_accelerators[a.cls];
      taken = known && std::find(free.begin(), free.end(), a.id) == free.end();
    }
    if (!taken) node->free_accelerators[a.cls].push_back(a.id);
  }
  if (slot) slot->shape->unindex(slot.get());
  auto& shape = shapes_[shape_key(host)];
  if (!shape) {
    shape = std::make_unique<Shape>();
    shape->arch = host.arch;
    shape->pool = host.pool;
    shape->site = host.site;
    shape->domain = host.domain;
  }
  node->shape = shape.get();
  shape->index(node.get());
  slot = std::move(node);
}

void Scheduler::set_state(const HostId& host, HostState state) {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(host.value);
  if (it != nodes_.end()) it->second->host.state = state;
}

void Scheduler::remove_host(const HostId& host) {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(host.value);
  if (it == nodes_.end()) return;
  it->second->shape->unindex(it->second.get());
  nodes_.erase(it);
}

std::optional<HostLoad> Scheduler::load(const HostId& host) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(host.value);
  if (it == nodes_.end()) return std::nullopt;
  return it->second->load;
}

std::size_t Scheduler::host_count() const {
  std::lock_guard lock(mu_);
  return nodes_.size();
}

Result<Placement> Scheduler::place(const Demand& demand, const std::string& vm) {
  return place(demand, vm, policy_);
}

Result<Placement> Scheduler::place(const Demand& demand, const std::string& vm,
                                   PlacementPolicy policy) {
  std::lock_guard lock(mu_);
  return place_locked(demand, vm, policy, nullptr);
}

Result<Placement> Scheduler::place_on(const HostId& host, const Demand& demand,
                                      const std::string& vm) {
  std::lock_guard lock(mu_);
  return place_locked(demand, vm, policy_, &host);
}

namespace {

// Does the node take the demand, leaving aside group rules?
bool fits(const Host& h, const HostLoad& load, int vcpu_cap,
          const std::map<std::string, std::vector<std::string>>& free_acc, const Demand& d) {
  if (h.state != HostState::kUp) return false;
  if (h.id.value == d.except_host) return false;
  if (h.bare_metal != d.bare_metal) return false;
  if (d.bare_metal) return load.vms == 0;
  if (h.cpu_mhz < d.min_cpu_mhz) return false;
  if (load.vcpu + d.vcpu > vcpu_cap) return false;
  if (load.memory_mb + d.memory_mb > h.memory_mb) return false;
  if (h.disk_gb > 0 && load.disk_gb + d.disk_gb > h.disk_gb) return false;
  if (d.accelerators > 0) {
    auto it = free_acc.find(d.accelerator_class);
    if (it == free_acc.end() || static_cast<int>(it->second.size()) < d.accelerators) return false;
  }
  return true;
}

}  // namespace

Result<Placement> Scheduler::place_locked(const Demand& d, const std::string& vm,
                                          PlacementPolicy policy, const HostId* only) {
  if (d.vcpu < 0 || d.memory_mb < 0 || d.disk_gb < 0 || d.accelerators < 0)
    return invalid("demand", "a placement demand cannot be negative");
  if (!d.bare_metal && (d.vcpu == 0 || d.memory_mb == 0))
    return invalid("demand", "a VM needs at least 1 vCPU and some memory");
  const std::map<std::string, int>* members = nullptr;
  if (!d.group.empty() && d.rule != GroupRule::kNone) {
    auto g = groups_.find(d.group);
    if (g != groups_.end() && !g->second.empty()) members = &g->second;
  }
  auto in_group = [&](const Node* n) {
    return members != nullptr && members->count(n->host.id.value) > 0;
  };
  auto ok = [&](const Node* n, bool avoid_group) {
    if (avoid_group && in_group(n)) return false;
    return fits(n->host, n->load, n->vcpu_cap, n->free_accelerators, d);
  };
  // Which of two candidates the policy prefers (ties: the earlier registered host).
  auto better = [&](const Node* a, const Node* b) {
    if (b == nullptr) return true;
    switch (policy) {
      case PlacementPolicy::kPack:
        return std::make_pair(a->free_memory(), a->ordinal) <
               std::make_pair(b->free_memory(), b->ordinal);
      case PlacementPolicy::kSpread:
        return std::make_pair(-a->free_memory(), a->ordinal) <
               std::make_pair(-b->free_memory(), b->ordinal);
      case PlacementPolicy::kLoadAware:
        return std::make_pair(a->load_permille(), a->ordinal) <
               std::make_pair(b->load_permille(), b->ordinal);
    }
    return false;
  };
  // The policy's best host of one shape, scanning its index from the policy's end.
  auto best_in = [&](Shape& s, bool avoid_group) -> Node* {
    switch (policy) {
      case PlacementPolicy::kPack: {
        for (auto it = s.by_free_memory.lower_bound({d.memory_mb, 0, nullptr});
             it != s.by_free_memory.end(); ++it)
          if (ok(std::get<2>(*it), avoid_group)) return std::get<2>(*it);
        return nullptr;
      }
      case PlacementPolicy::kSpread: {
        for (auto it = s.by_free_memory.rbegin(); it != s.by_free_memory.rend(); ++it) {
          if (std::get<0>(*it) < d.memory_mb) break;
          if (ok(std::get<2>(*it), avoid_group)) return std::get<2>(*it);
        }
        return nullptr;
      }
      case PlacementPolicy::kLoadAware: {
        for (const auto& entry : s.by_load)
          if (ok(std::get<2>(entry), avoid_group)) return std::get<2>(entry);
        return nullptr;
      }
    }
    return nullptr;
  };
  auto search = [&](bool avoid_group) -> Node* {
    Node* best = nullptr;
    for (auto& [key, shape] : shapes_) {
      if (!shape->matches(d)) continue;
      Node* n = best_in(*shape, avoid_group);
      if (n != nullptr && better(n, best)) best = n;
    }
    return best;
  };
  auto among_members = [&]() -> Node* {
    Node* best = nullptr;
    if (members == nullptr) return nullptr;
    for (const auto& [host, count] : *members) {
      auto it = nodes_.find(host);
      if (it == nodes_.end()) continue;
      Node* n = it->second.get();
      if (n->shape->matches(d) && ok(n, false) && better(n, best)) best = n;
    }
    return best;
  };

  Node* chosen = nullptr;
  if (only != nullptr) {
    auto it = nodes_.find(only->value);
    if (it == nodes_.end()) return not_found("host " + only->value);
    Node* n = it->second.get();
    bool avoid = d.rule == GroupRule::kAntiAffinity && d.hard;
    bool must_join = d.rule == GroupRule::kAffinity && d.hard && members != nullptr;
    if (n->shape->matches(d) && ok(n, avoid) && (!must_join || in_group(n))) chosen = n;
  } else if (d.rule == GroupRule::kAffinity && members != nullptr) {
    chosen = among_members();
    if (chosen == nullptr && !d.hard) chosen = search(false);
  } else if (d.rule == GroupRule::kAntiAffinity && members != nullptr) {
    chosen = search(true);
    if (chosen == nullptr && !d.hard) chosen = search(false);
  } else {
    chosen = search(false);
  }
  if (chosen == nullptr) return Error{ErrorCode::kConflict, explain_locked(d), "placement"};

  // Claim.
  Node* n = chosen;
  n->charge(d);
  Placement p;
  p.host = n->host.id;
  if (d.accelerators > 0) {
    auto& ids = n->free_accelerators[d.accelerator_class];
    p.accelerators.assign(ids.end() - d.accelerators, ids.end());
    ids.resize(ids.size() - static_cast<std::size_t>(d.accelerators));
  }
  if (!d.group.empty() && d.rule != GroupRule::kNone) groups_[d.group][n->host.id.value] += 1;
  (void)vm;
  return p;
}

void Scheduler::restore(const HostId& host, const Demand& d, const std::string& vm,
                        const std::vector<std::string>& accelerators) {
  std::lock_guard lock(mu_);
  (void)vm;
  auto it = nodes_.find(host.value);
  if (it == nodes_.end()) return;
  Node* n = it->second.get();
  n->charge(d);
  auto& free = n->free_accelerators[d.accelerator_class];
  for (const auto& a : accelerators) std::erase(free, a);
  if (!d.group.empty() && d.rule != GroupRule::kNone) groups_[d.group][host.value] += 1;
}

void Scheduler::release(const HostId& host, const Demand& d, const std::string& vm,
                        const std::vector<std::string>& accelerators) {
  std::lock_guard lock(mu_);
  (void)vm;
  auto it = nodes_.find(host.value);
  if (it != nodes_.end()) {
    Node* n = it->second.get();
    n->shape->unindex(n);
    n->load.vcpu = std::max(0, n->load.vcpu - d.vcpu);
    n->load.memory_mb = std::max<std::int64_t>(0, n->load.memory_mb - d.memory_mb);
    n->load.disk_gb = std::max<std::int64_t>(0, n->load.disk_gb - d.disk_gb);
    n->load.vms = std::max(0, n->load.vms - 1);
    n->shape->index(n);
    auto& free = n->free_accelerators[d.accelerator_class];
    for (const auto& a : accelerators) free.push_back(a);
  }
  if (!d.group.empty() && d.rule != GroupRule::kNone) {
    auto g = groups_.find(d.group);
    if (g != groups_.end()) {
      auto h = g->second.find(host.value);
      if (h != g->second.end() && --h->second <= 0) g->second.erase(h);
      if (g->second.empty()) groups_.erase(g);
    }
  }
}

// Why nothing fits: how many hosts each filter turned away, in filter order, and the closest
// host with what it lacks ("closest: host h3 lacks 4 vCPU").
std::string Scheduler::explain_locked(const Demand& d) const {
  std::string want = std::to_string(d.vcpu) + " vCPU and " + mb_text(d.memory_mb) + " memory";
  if (d.arch) want += ", " + std::string(arch_name(*d.arch));
  if (!d.pool.empty()) want += " in pool " + d.pool;
  if (!d.site.empty()) want += " at site " + d.site;
  if (!d.domain.empty()) want += " in domain " + d.domain;
  if (d.min_cpu_mhz > 0) want += ", CPU ≥ " + std::to_string(d.min_cpu_mhz) + " MHz";
  if (d.accelerators > 0)
    want += ", " + std::to_string(d.accelerators) + "× " + d.accelerator_class;
  if (d.bare_metal) want = "a free bare-metal server" + want.substr(want.find(" memory") + 7);

  int not_up = 0, elsewhere = 0, kind = 0, slow = 0, no_device = 0, grouped = 0, own = 0;
  const Node* closest = nullptr;
  std::int64_t closest_gap = 0;
  auto g = d.group.empty() ? groups_.end() : groups_.find(d.group);
  for (const auto& [id, node] : nodes_) {
    const Node* n = node.get();
    const Host& h = n->host;
    if (!n->shape->matches(d)) {
      ++elsewhere;
      continue;
    }
    if (h.state != HostState::kUp) {
      ++not_up;
      continue;
    }
    if (id == d.except_host) {
      ++own;
      continue;
    }
    if (h.bare_metal != d.bare_metal) {
      ++kind;
      continue;
    }
    if (h.cpu_mhz < d.min_cpu_mhz) {
      ++slow;
      continue;
    }
    if (d.accelerators > 0) {
      auto it = n->free_accelerators.find(d.accelerator_class);
      if (it == n->free_accelerators.end() ||
          static_cast<int>(it->second.size()) < d.accelerators) {
        ++no_device;
        continue;
      }
    }
    if (d.hard && g != groups_.end() &&
        ((d.rule == GroupRule::kAntiAffinity && g->second.count(id) > 0) ||
         (d.rule == GroupRule::kAffinity && g->second.count(id) == 0))) {
      ++grouped;
      continue;
    }
    std::int64_t vcpu_short = std::max(0, n->load.vcpu + d.vcpu - n->vcpu_cap);
    std::int64_t mem_short =
        std::max<std::int64_t>(0, n->load.memory_mb + d.memory_mb - h.memory_mb);
    std::int64_t gap = vcpu_short * 4096 + mem_short;  // a vCPU weighs like 4 GB
    if (d.bare_metal) gap = n->load.vms;
    if (closest == nullptr || gap < closest_gap) {
      closest = n;
      closest_gap = gap;
    }
  }
  std::string out = "no host can take " + want;
  std::vector<std::string> why;
  auto add = [&](int count, const std::string& what) {
    if (count > 0) why.push_back(std::to_string(count) + " " + what);
  };
  add(elsewhere, "in another architecture, pool, site or domain");
  add(not_up, "down, fenced or in maintenance");
  add(own, "the VM's own host");
  add(kind, d.bare_metal ? "not bare-metal servers" : "bare-metal servers");
  add(slow, "below the CPU frequency floor");
  add(no_device, "without free " + d.accelerator_class);
  add(grouped, d.rule == GroupRule::kAntiAffinity ? "already holding a member of group " + d.group
                                                  : "outside group " + d.group);
  if (nodes_.empty()) why.push_back("no hosts are registered");
  if (!why.empty()) {
    out += " (hosts turned away: ";
    for (std::size_t i = 0; i < why.size(); ++i) out += (i ? "; " : "") + why[i];
    out += ")";
  }
  if (closest != nullptr) {
    const Node* n = closest;
    std::vector<std::string> lacks;
    int vcpu_short = n->load.vcpu + d.vcpu - n->vcpu_cap;
    std::int64_t mem_short = n->load.memory_mb + d.memory_mb - n->host.memory_mb;
    if (d.bare_metal && n->load.vms > 0) {
      out += "; closest: host " + n->host.name + " is rented out";
      return out;
    }
    if (vcpu_short > 0 && !d.bare_metal) lacks.push_back(std::to_string(vcpu_short) + " vCPU");
    if (mem_short > 0 && !d.bare_metal) lacks.push_back(mb_text(mem_short) + " memory");
    if (n->host.disk_gb > 0 && n->load.disk_gb + d.disk_gb > n->host.disk_gb)
      lacks.push_back(std::to_string(n->load.disk_gb + d.disk_gb - n->host.disk_gb) +
                      " GB local disk");
    if (!lacks.empty()) {
      out += "; closest: host " + n->host.name + " lacks ";
      for (std::size_t i = 0; i < lacks.size(); ++i) out += (i ? " and " : "") + lacks[i];
    }
  }
  return out;
}

}  // namespace govcloud
