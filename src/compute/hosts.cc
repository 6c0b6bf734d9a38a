// Host registration, state and heartbeat (CMP-06, CMP-14). Engine calls (probe) run outside
// any transaction: probe first, then record what was learnt in one transaction (decision 0010).
#include <spdlog/spdlog.h>

#include "common/ids.h"
#include "compute/compute.h"

namespace govcloud {
namespace {

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

}  // namespace

ComputeService::ComputeService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

void ComputeService::add_driver(ComputeDriver& driver) {
  drivers_[driver.kind()] = &driver;
}

ComputeDriver* ComputeService::driver(const std::string& kind) {
  auto it = drivers_.find(kind);
  return it == drivers_.end() ? nullptr : it->second;
}

std::vector<ComputeDriver*> ComputeService::drivers() const {
  std::vector<ComputeDriver*> out;
  for (const auto& kv : drivers_) out.push_back(kv.second);
  return out;
}

Status ComputeService::start() {
  GC_ASSIGN_OR_RETURN(auto hosts, store_.read([&](Tx& tx) -> Result<std::vector<Host>> {
    return tx.compute().all_hosts();
  }));
  for (const auto& h : hosts) scheduler_.put_host(h);
  return ok_status();
}

Status ComputeService::check(Tx& tx, const Principal& who, Action action) {
  auto root = tx.find_root_org();
  if (!root || !who.can(action, root->path))
    return denied(std::string("not allowed: ") + action_name(action) +
                  " (hosts are the platform's; tenants never see them)");
  return ok_status();
}

Result<Host> ComputeService::register_host(const Principal& who, const NewHost& in,
                                           const RequestContext& ctx) {
  if (!valid_name(in.name))
    return invalid("name", "a host name is 1–63 letters, digits, '-', '_' or '.'");
  for (const auto& [field, value] :
       {std::pair{"site", in.site}, {"pool", in.pool}, {"domain", in.domain}})
    if (!valid_name(value))
      return invalid(field,
                     std::string(field) + " is required (1–63 letters, digits, '-', '_' or '.')");
  ComputeDriver* d = driver(in.driver);
  if (d == nullptr)
    return invalid(
        "driver", "unknown driver '" + in.driver + "' (this server has: " + [&] {
          std::string names;
          for (const auto& [k, v] : drivers_) names += (names.empty() ? "" : ", ") + k;
          return names;
        }() + ")");
  if (in.uri.empty() || in.uri.size() > 512) return invalid("uri", "uri is required");
  // Rights first, so no one without them can make the platform dial an address.
  GC_TRY(store_.read([&](Tx& tx) { return check(tx, who, Action::kHostManage); }));
  Host h;
  h.id = HostId{new_id("host")};
  h.name = in.name;
  h.site = in.site;
  h.pool = in.pool;
  h.domain = in.domain;
  h.driver = in.driver;
  h.uri = in.uri;
  h.bare_metal = in.bare_metal;
  auto report = d->probe(h);  // outside any transaction
  if (!report.ok())
    return Error{ErrorCode::kConflict,
                 "host did not answer at " + in.uri + ": " + report.error().message, "uri"};
  h.arch = report->arch;
  h.cpu_model = report->cpu_model;
  h.cpu_mhz = report->cpu_mhz;
  h.cores = report->cores;
  h.memory_mb = report->memory_mb;
  h.accelerators = report->accelerators;
  h.state = HostState::kUp;
  h.heartbeat_at = clock_.now();
  h.created_at = clock_.now();
  auto saved = store_.transact([&](Tx& tx) -> Result<Host> {
    GC_TRY(check(tx, who, Action::kHostManage));
    if (tx.compute().find_host_by_name(h.name))
      return conflict("a host named '" + h.name + "' is registered", "name");
    tx.compute().insert_host(h);
    auto root = tx.find_root_org();
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"host.register",
                           h.id.value,
                           root ? root->id.value : "",
                           "success",
                           {{"name", h.name}, {"driver", h.driver}, {"pool", h.pool}}});
    return h;
  });
  if (saved.ok()) scheduler_.put_host(saved.value());
  return saved;
}

Result<Listing<Host>> ComputeService::list_hosts(const Principal& who, HostQuery q) {
  return store_.read([&](Tx& tx) -> Result<Listing<Host>> {
    GC_TRY(check(tx, who, Action::kPlatformMonitor));
    return tx.compute().list_hosts(q);
  });
}

Result<Host> ComputeService::get_host(const Principal& who, const HostId& id) {
  return store_.read([&](Tx& tx) -> Result<Host> {
    GC_TRY(check(tx, who, Action::kPlatformMonitor));
    auto h = tx.compute().find_host(id);
    if (!h) return not_found("host");
    return *h;
  });
}

Result<Host> ComputeService::set_host_state(const Principal& who, const HostId& id, HostState state,
                                            const RequestContext& ctx) {
  if (state != HostState::kUp && state != HostState::kMaintenance)
    return invalid("state", "a host is put in maintenance or back up; fencing is automatic");
  auto saved = store_.transact([&](Tx& tx) -> Result<Host> {
    GC_TRY(check(tx, who, Action::kHostManage));
    auto h = tx.compute().find_host(id);
    if (!h) return not_found("host");
    HostState from = h->state;
    h->state = state;
    if (state == HostState::kUp) h->missed_heartbeats = 0;
    tx.compute().update_host(*h);
    auto root = tx.find_root_org();
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"host.state",
                           h->id.value,
                           root ? root->id.value : "",
                           "success",
                           {{"from", host_state_name(from)}, {"to", host_state_name(state)}}});
    return *h;
  });
  if (saved.ok()) scheduler_.set_state(id, state);
  return saved;
}

void ComputeService::heartbeat() {
  auto hosts =
      store_.read([&](Tx& tx) -> Result<std::vector<Host>> { return tx.compute().all_hosts(); });
  if (!hosts.ok()) return;
  for (const auto& h : hosts.value()) {
    ComputeDriver* d = driver(h.driver);
    bool answered = d != nullptr && d->probe(h).ok();  // outside any transaction
    (void)store_.transact([&](Tx& tx) -> Status {
      auto now = tx.compute().find_host(h.id);
      if (!now) return ok_status();
      if (answered) {
        now->heartbeat_at = clock_.now();
        now->missed_heartbeats = 0;
        if (now->state == HostState::kDown) now->state = HostState::kUp;
      } else {
        now->missed_heartbeats += 1;
        if (now->state == HostState::kUp) now->state = HostState::kDown;
        if (now->missed_heartbeats >= kMissesBeforeFence && now->state != HostState::kFenced &&
            now->state != HostState::kMaintenance) {
          now->state = HostState::kFenced;
          auto root = tx.find_root_org();
          write_audit(tx, clock_, nullptr, RequestContext{"local", "heartbeat"},
                      AuditEvent{"host.fence",
                                 now->id.value,
                                 root ? root->id.value : "",
                                 "success",
                                 {{"name", now->name},
                                  {"missed", std::to_string(now->missed_heartbeats)}}});
          spdlog::warn("host {} fenced after {} missed heartbeats", now->name,
                       now->missed_heartbeats);
        }
      }
      tx.compute().update_host(*now);
      scheduler_.set_state(now->id, now->state);
      return ok_status();
    });
  }
}

}  // namespace govcloud
