// The compute facet of the SQLite store: hosts (VMs and the rest: sqlite_tx_vms.cc).
#include <boost/json.hpp>

#include "store/sqlite_compute_tx.h"

namespace govcloud::sqlite {
namespace {

namespace json = boost::json;

constexpr const char* kHostColumns =
    "id, name, site, pool, domain, arch, cpu_model, cpu_mhz, cores, memory_mb, disk_gb, "
    "accelerators, bare_metal, driver, uri, state, heartbeat_at, missed_heartbeats, created_at";

std::string accelerators_json(const std::vector<Accelerator>& list) {
  json::array a;
  for (const auto& x : list)
    a.push_back(json::object{
        {"id", x.id}, {"class", x.cls}, {"model", x.model}, {"memory_gb", x.memory_gb}});
  return json::serialize(a);
}

std::vector<Accelerator> accelerators_from(const std::string& text) {
  std::vector<Accelerator> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (!e.is_object()) continue;
    const auto& o = e.as_object();
    Accelerator a;
    if (const auto* f = o.if_contains("id"); f && f->is_string()) a.id = f->as_string();
    if (const auto* f = o.if_contains("class"); f && f->is_string()) a.cls = f->as_string();
    if (const auto* f = o.if_contains("model"); f && f->is_string()) a.model = f->as_string();
    if (const auto* f = o.if_contains("memory_gb"); f && f->is_int64())
      a.memory_gb = static_cast<int>(f->as_int64());
    out.push_back(std::move(a));
  }
  return out;
}

Host host_from(const Stmt& s) {
  Host h;
  h.id = HostId{s.text(0)};
  h.name = s.text(1);
  h.site = s.text(2);
  h.pool = s.text(3);
  h.domain = s.text(4);
  h.arch = parse_arch(s.text(5)).value_or(Arch::kX86);
  h.cpu_model = s.text(6);
  h.cpu_mhz = static_cast<int>(s.i64(7));
  h.cores = static_cast<int>(s.i64(8));
  h.memory_mb = s.i64(9);
  h.disk_gb = s.i64(10);
  h.accelerators = accelerators_from(s.text(11));
  h.bare_metal = s.boolean(12);
  h.driver = s.text(13);
  h.uri = s.text(14);
  h.state = parse_host_state(s.text(15)).value_or(HostState::kDown);
  h.heartbeat_at = s.i64(16);
  h.missed_heartbeats = static_cast<int>(s.i64(17));
  h.created_at = s.i64(18);
  return h;
}

Stmt& bind_all(Stmt& s, const Host& h) {
  return s.bind(h.id.value)
      .bind(h.name)
      .bind(h.site)
      .bind(h.pool)
      .bind(h.domain)
      .bind(arch_name(h.arch))
      .bind(h.cpu_model)
      .bind(h.cpu_mhz)
      .bind(h.cores)
      .bind(h.memory_mb)
      .bind(h.disk_gb)
      .bind(accelerators_json(h.accelerators))
      .bind(h.bare_metal)
      .bind(h.driver)
      .bind(h.uri)
      .bind(host_state_name(h.state))
      .bind(h.heartbeat_at)
      .bind(h.missed_heartbeats)
      .bind(h.created_at);
}

}  // namespace

void SqliteComputeTx::insert_host(const Host& h) {
  auto s = db_.prepare(std::string("INSERT INTO hosts (") + kHostColumns +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  bind_all(s, h).run();
}

void SqliteComputeTx::update_host(const Host& h) {
  auto s = db_.prepare(
      "UPDATE hosts SET id = ?, name = ?, site = ?, pool = ?, domain = ?, arch = ?, "
      "cpu_model = ?, cpu_mhz = ?, cores = ?, memory_mb = ?, disk_gb = ?, accelerators = ?, "
      "bare_metal = ?, driver = ?, uri = ?, state = ?, heartbeat_at = ?, "
      "missed_heartbeats = ?, created_at = ? WHERE id = ?");
  bind_all(s, h).bind(h.id.value).run();
}

std::optional<Host> SqliteComputeTx::find_host(const HostId& id) {
  auto s = db_.prepare(std::string("SELECT ") + kHostColumns + " FROM hosts WHERE id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  return host_from(s);
}

std::optional<Host> SqliteComputeTx::find_host_by_name(const std::string& name) {
  auto s = db_.prepare(std::string("SELECT ") + kHostColumns + " FROM hosts WHERE name = ?");
  s.bind(name);
  if (!s.step()) return std::nullopt;
  return host_from(s);
}

Listing<Host> SqliteComputeTx::list_hosts(const HostQuery& q) {
  std::string where = "1";
  std::vector<std::string> args;
  if (!q.pool.empty()) {
    where += " AND pool = ?";
    args.push_back(q.pool);
  }
  if (q.state) {
    where += " AND state = ?";
    args.push_back(host_state_name(*q.state));
  }
  if (q.arch) {
    where += " AND arch = ?";
    args.push_back(arch_name(*q.arch));
  }
  Listing<Host> out;
  out.total = count_of(db_, "SELECT COUNT(*) FROM hosts WHERE " + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kHostColumns + " FROM hosts WHERE " + where +
                       " ORDER BY name LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(q.page.limit).bind(q.page.offset);
  while (s.step()) out.items.push_back(host_from(s));
  return out;
}

std::vector<Host> SqliteComputeTx::all_hosts() {
  std::vector<Host> out;
  auto s = db_.prepare(std::string("SELECT ") + kHostColumns + " FROM hosts ORDER BY name");
  while (s.step()) out.push_back(host_from(s));
  return out;
}

ComputeTx& SqliteTx::compute() {
  if (!compute_) compute_ = std::make_unique<SqliteComputeTx>(db_);
  return *compute_;
}

}  // namespace govcloud::sqlite
