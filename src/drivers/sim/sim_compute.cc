#include "drivers/sim/sim_compute.h"

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "drivers/sim/state_file.h"

namespace govcloud {

namespace json = boost::json;

SimComputeDriver::SimComputeDriver(std::string state_file) : state_file_(std::move(state_file)) {
  if (!state_file_.empty()) load();
}

void SimComputeDriver::load() {
  auto state = sim::read_state(state_file_);
  if (!state) return;
  const json::value& root = *state;
  for (const auto& [host_id, v] : root.as_object()) {
    SimHost& h = hosts_[std::string(host_id)];
    for (const auto& d : v.at("domains").as_array()) {
      DomainSpec spec;
      spec.name = d.at("name").as_string();
      spec.vcpu = static_cast<int>(d.at("vcpu").as_int64());
      spec.memory_mb = d.at("memory_mb").as_int64();
      h.specs[spec.name] = spec;
      h.states[spec.name] =
          d.at("running").as_bool() ? DomainState::kRunning : DomainState::kShutOff;
    }
    for (const auto& n : v.at("networks").as_array())
      h.networks[std::string(n.as_string())] = NetworkSpec{std::string(n.as_string()), "", "", ""};
  }
}

void SimComputeDriver::save_locked() const {
  if (state_file_.empty()) return;
  json::object root;
  for (const auto& [host_id, h] : hosts_) {
    json::array domains, networks;
    for (const auto& [name, state] : h.states) {
      auto spec = h.specs.find(name);
      domains.push_back(
          json::object{{"name", name},
                       {"vcpu", spec == h.specs.end() ? 0 : spec->second.vcpu},
                       {"memory_mb", spec == h.specs.end() ? 0 : spec->second.memory_mb},
                       {"running", state == DomainState::kRunning}});
    }
    for (const auto& [name, net] : h.networks) networks.emplace_back(name);
    root[host_id] = json::object{{"domains", domains}, {"networks", networks}};
  }
  sim::write_state(state_file_, root);
}

void SimComputeDriver::pause(const Host& host) {
  auto at = host.uri.find("latency_ms=");
  if (at == std::string::npos) return;
  int ms = std::atoi(host.uri.c_str() + at + 11);
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 60000)));
}

Status SimComputeDriver::reach(const Host& host, SimHost*& out) {
  SimHost& h = hosts_[host.id.value];
  if (!h.reachable)
    return Error{ErrorCode::kInternal, "host " + host.name + " does not answer", {}};
  if (!h.fail_next.empty()) {
    std::string message = std::move(h.fail_next);
    h.fail_next.clear();
    return Error{ErrorCode::kInternal, message, {}};
  }
  out = &h;
  return ok_status();
}

Result<HostReport> SimComputeDriver::inventory(const Host& host) {
  HostReport r;
  r.arch = host.arch;
  r.cpu_model = host.cpu_model.empty() ? "sim" : host.cpu_model;
  r.cpu_mhz = host.cpu_mhz > 0 ? host.cpu_mhz : 2400;
  r.cores = host.cores > 0 ? host.cores : 32;
  r.memory_mb = host.memory_mb > 0 ? host.memory_mb : std::int64_t{128} * 1024;
  r.accelerators = host.accelerators;
  if (host.uri.rfind("sim://", 0) != 0)
    return invalid("uri", "a sim host's uri starts with sim://");
  auto q = host.uri.find('?');
  std::string rest = q == std::string::npos ? "" : host.uri.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string pair = rest.substr(0, amp);
    rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
    auto eq = pair.find('=');
    if (eq == std::string::npos) return invalid("uri", "expected key=value in " + host.uri);
    std::string k = pair.substr(0, eq), v = pair.substr(eq + 1);
    auto number = [&](long long lo, long long hi) -> std::optional<long long> {
      char* end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < lo || n > hi) return std::nullopt;
      return n;
    };
    if (k == "arch") {
      auto a = parse_arch(v);
      if (!a) return invalid("uri", "unknown arch '" + v + "' (x86, arm, c86)");
      r.arch = *a;
    } else if (k == "cores" && number(1, 1024)) {
      r.cores = static_cast<int>(*number(1, 1024));
    } else if (k == "memory_gb" && number(1, 1 << 20)) {
      r.memory_mb = *number(1, 1 << 20) * 1024;
    } else if (k == "mhz" && number(100, 10000)) {
      r.cpu_mhz = static_cast<int>(*number(100, 10000));
    } else if (k == "latency_ms" && number(0, 60000)) {
      // read by pause()
    } else if (k == "gpu") {
      auto colon = v.find(':');
      std::string cls = v.substr(0, colon);
      int count = colon == std::string::npos ? 1 : std::atoi(v.c_str() + colon + 1);
      if (cls.empty() || count < 1 || count > 16)
        return invalid("uri", "gpu=<class>:<count>, count 1–16");
      for (int i = 0; i < count; ++i)
        r.accelerators.push_back(
            Accelerator{host.name + "-" + cls + "-" + std::to_string(i), cls, "sim " + cls, 0});
    } else {
      return invalid("uri", "unknown or out-of-range sim setting '" + pair + "'");
    }
  }
  return r;
}

Result<HostReport> SimComputeDriver::probe(const Host& host) {
  GC_ASSIGN_OR_RETURN(HostReport r, inventory(host));
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  for (const auto& [name, state] : h->states) {
    DomainInfo d{name, state, 0, 0};
    if (auto it = h->specs.find(name); it != h->specs.end()) {
      d.vcpu = it->second.vcpu;
      d.memory_mb = it->second.memory_mb;
    }
    r.domains.push_back(d);
  }
  return r;
}

Status SimComputeDriver::define(const Host& host, const DomainSpec& spec) {
  pause(host);
  if (spec.name.empty() || spec.vcpu <= 0 || spec.memory_mb <= 0)
    return invalid("spec", "a guest needs a name, vCPU and memory");
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (!spec.network.name.empty() && !h->networks.count(spec.network.name))
    return not_found("network " + spec.network.name + " on the host");
  if (auto it = h->specs.find(spec.name); it != h->specs.end()) {
    if (it->second.vcpu == spec.vcpu && it->second.memory_mb == spec.memory_mb) return ok_status();
    return Error{ErrorCode::kConflict, "a different guest named " + spec.name + " exists", {}};
  }
  h->specs[spec.name] = spec;
  h->states[spec.name] = DomainState::kShutOff;
  save_locked();
  return ok_status();
}

Status SimComputeDriver::start(const Host& host, const std::string& name) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->states.find(name);
  if (it == h->states.end()) return not_found("guest " + name);
  it->second = DomainState::kRunning;
  save_locked();
  return ok_status();
}

Status SimComputeDriver::reboot(const Host& host, const std::string& name) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  return require_running(*h, name);
}

Status SimComputeDriver::require_running(const SimHost& h, const std::string& name) {
  auto it = h.states.find(name);
  if (it == h.states.end()) return not_found("guest " + name);
  if (it->second != DomainState::kRunning) return conflict("guest " + name + " is not running");
  return ok_status();
}

Status SimComputeDriver::ensure_network(const Host& host, const NetworkSpec& net) {
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  h->networks[net.name] = net;
  save_locked();
  return ok_status();
}

Status SimComputeDriver::stop(const Host& host, const std::string& name, bool /*force*/) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->states.find(name);
  if (it == h->states.end()) return not_found("guest " + name);
  it->second = DomainState::kShutOff;
  save_locked();
  return ok_status();
}

Status SimComputeDriver::remove(const Host& host, const std::string& name, bool wipe) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (h->states.erase(name) > 0) removed_[name] = wipe;
  h->specs.erase(name);
  h->snapshots.erase(name);
  save_locked();
  return ok_status();
}

Result<DomainInfo> SimComputeDriver::inspect(const Host& host, const std::string& name) {
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->states.find(name);
  if (it == h->states.end()) return not_found("guest " + name);
  DomainInfo d{name, it->second, 0, 0};
  if (auto s = h->specs.find(name); s != h->specs.end()) {
    d.vcpu = s->second.vcpu;
    d.memory_mb = s->second.memory_mb;
  }
  return d;
}

void SimComputeDriver::set_reachable(const HostId& host, bool reachable) {
  std::lock_guard lock(mu_);
  hosts_[host.value].reachable = reachable;
}

void SimComputeDriver::power_off(const HostId& host) {
  std::lock_guard lock(mu_);
  SimHost& h = hosts_[host.value];
  h.reachable = false;
  for (auto& [name, state] : h.states) state = DomainState::kShutOff;
  save_locked();
}

std::vector<std::string> SimComputeDriver::running_on(const HostId& host) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto it = hosts_.find(host.value);
  if (it == hosts_.end()) return out;
  for (const auto& [name, state] : it->second.states)
    if (state == DomainState::kRunning) out.push_back(name);
  return out;
}

void SimComputeDriver::fail_next(const HostId& host, const std::string& message) {
  std::lock_guard lock(mu_);
  hosts_[host.value].fail_next = message;
}

void SimComputeDriver::set_state_behind_our_back(const HostId& host, const std::string& name,
                                                 DomainState state) {
  std::lock_guard lock(mu_);
  hosts_[host.value].states[name] = state;
}

void SimComputeDriver::add_foreign_domain(const HostId& host, const std::string& name) {
  std::lock_guard lock(mu_);
  hosts_[host.value].states[name] = DomainState::kRunning;
}

std::size_t SimComputeDriver::domain_count() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, h] : hosts_) n += h.states.size();
  return n;
}

bool SimComputeDriver::wiped(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = removed_.find(name);
  return it != removed_.end() && it->second;
}

}  // namespace govcloud

namespace govcloud {

Status SimComputeDriver::resize(const Host& host, const std::string& name, int vcpu,
                                std::int64_t memory_mb, std::int64_t disk_gb) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->specs.find(name);
  if (it == h->specs.end()) return not_found("guest " + name);
  if (h->states[name] != DomainState::kShutOff) return conflict("guest " + name + " is running");
  if (disk_gb < it->second.disk_gb) return conflict("a disk never shrinks");
  it->second.vcpu = vcpu;
  it->second.memory_mb = memory_mb;
  it->second.disk_gb = disk_gb;
  save_locked();
  return ok_status();
}

Status SimComputeDriver::snapshot(const Host& host, const std::string& name,
                                  const std::string& snapshot) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto it = h->states.find(name);
  if (it == h->states.end()) return not_found("guest " + name);
  h->snapshots[name].emplace(snapshot, it->second);
  return ok_status();
}

Status SimComputeDriver::revert(const Host& host, const std::string& name,
                                const std::string& snapshot) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  auto snaps = h->snapshots.find(name);
  if (snaps == h->snapshots.end() || !snaps->second.count(snapshot))
    return not_found("snapshot " + snapshot + " of " + name);
  h->states[name] = snaps->second[snapshot];
  save_locked();
  return ok_status();
}

Status SimComputeDriver::delete_snapshot(const Host& host, const std::string& name,
                                         const std::string& snapshot) {
  pause(host);
  std::lock_guard lock(mu_);
  SimHost* h = nullptr;
  GC_TRY(reach(host, h));
  if (auto snaps = h->snapshots.find(name); snaps != h->snapshots.end())
    snaps->second.erase(snapshot);
  return ok_status();
}

Status SimComputeDriver::clone(const Host& host, const std::string& source,
                               const DomainSpec& spec) {
  {
    std::lock_guard lock(mu_);
    SimHost* h = nullptr;
    GC_TRY(reach(host, h));
    auto it = h->states.find(source);
    if (it == h->states.end()) return not_found("guest " + source);
    if (it->second != DomainState::kShutOff) return conflict("guest " + source + " is running");
  }
  return define(host, spec);
}

Status SimComputeDriver::migrate(const Host& from, const Host& to, const std::string& name) {
  pause(from);
  std::lock_guard lock(mu_);
  SimHost* src = nullptr;
  SimHost* dst = nullptr;
  GC_TRY(reach(from, src));
  GC_TRY(reach(to, dst));
  if (src == dst) return conflict("the source and target are the same host");
  auto state = src->states.find(name);
  if (state == src->states.end()) {
    if (dst->states.count(name) > 0) return ok_status();  // moved before a restart
    return not_found("guest " + name);
  }
  const auto& net = src->specs.at(name).network.name;
  if (!net.empty() && dst->networks.count(net) == 0)
    return conflict("network " + net + " is not on " + to.name);
  dst->specs[name] = src->specs.at(name);
  dst->states[name] = state->second;  // a live migration keeps the guest running
  if (auto snaps = src->snapshots.find(name); snaps != src->snapshots.end()) {
    dst->snapshots[name] = snaps->second;
    src->snapshots.erase(snaps);
  }
  src->specs.erase(name);
  src->states.erase(state);
  save_locked();
  return ok_status();
}

std::vector<std::string> SimComputeDriver::snapshots_of(const HostId& host,
                                                        const std::string& name) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  auto h = hosts_.find(host.value);
  if (h == hosts_.end()) return out;
  auto snaps = h->second.snapshots.find(name);
  if (snaps == h->second.snapshots.end()) return out;
  for (const auto& [snap, state] : snaps->second) out.push_back(snap);
  return out;
}

}  // namespace govcloud
