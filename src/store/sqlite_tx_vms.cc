// The compute facet, continued: VMs, images, guest networks and their addresses (issue 9).
// Subtree and name-prefix filters are written as ranges so the (org_path, name) index serves
// them: listing a tenant's VMs by name prefix stays fast with 100,000 VMs stored.
#include "store/sqlite_compute_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kVmColumns =
    "id, name, org_id, org_path, vdc_id, owner, request_id, host_id, state, arch, vcpu, "
    "memory_mb, disk_gb, disk_tier, image_id, network_id, mac, ip, tags, reservation_id, "
    "reason, created_at, updated_at, anti_affinity_group, min_cpu_mhz";

constexpr const char* kImageColumns =
    "id, name, scope, org_id, org_path, arch, os_type, format, size_bytes, virtual_gb, sha256, "
    "path, kernel, initrd, cmdline, created_by, created_at";

constexpr const char* kNetworkColumns = "id, vdc_id, org_path, bridge, cidr, gateway, created_at";

// The smallest string greater than every string that starts with `prefix`.
std::string successor(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (prefix.empty()) return std::string(1, '\xff');
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

// "(col >= ? AND col < ?) OR …" for each prefix; an empty list matches nothing.
std::string prefix_ranges(const std::string& column, const std::vector<std::string>& prefixes,
                          std::vector<std::string>& args) {
  if (prefixes.empty()) return "0";
  std::string out = "(";
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    out.append(i ? " OR (" : "(")
        .append(column)
        .append(" >= ? AND ")
        .append(column)
        .append(" < ?)");
    args.push_back(prefixes[i]);
    args.push_back(successor(prefixes[i]));
  }
  return out + ")";
}

Vm vm_from(const Stmt& s) {
  Vm v;
  v.id = VmId{s.text(0)};
  v.name = s.text(1);
  v.org_id = s.text(2);
  v.org_path = s.text(3);
  v.vdc_id = s.text(4);
  v.owner = s.text(5);
  v.request_id = s.text(6);
  v.host_id = s.text(7);
  v.state = parse_vm_state(s.text(8)).value_or(VmState::kError);
  v.arch = parse_arch(s.text(9)).value_or(Arch::kX86);
  v.vcpu = static_cast<int>(s.i64(10));
  v.memory_mb = s.i64(11);
  v.disk_gb = s.i64(12);
  v.disk_tier = s.text(13);
  v.image_id = s.text(14);
  v.network_id = s.text(15);
  v.mac = s.text(16);
  v.ip = s.text(17);
  v.tags = tags_from(s.text(18));
  v.reservation_id = s.text(19);
  v.reason = s.text(20);
  v.created_at = s.i64(21);
  v.updated_at = s.i64(22);
  v.anti_affinity_group = s.text(23);
  v.min_cpu_mhz = static_cast<int>(s.i64(24));
  return v;
}

Stmt& bind_vm(Stmt& s, const Vm& v) {
  return s.bind(v.id.value)
      .bind(v.name)
      .bind(v.org_id)
      .bind(v.org_path)
      .bind(v.vdc_id)
      .bind(v.owner)
      .bind(v.request_id)
      .bind(v.host_id)
      .bind(vm_state_name(v.state))
      .bind(arch_name(v.arch))
      .bind(v.vcpu)
      .bind(v.memory_mb)
      .bind(v.disk_gb)
      .bind(v.disk_tier)
      .bind(v.image_id)
      .bind(v.network_id)
      .bind(v.mac)
      .bind(v.ip)
      .bind(tags_text(v.tags))
      .bind(v.reservation_id)
      .bind(v.reason)
      .bind(v.created_at)
      .bind(v.updated_at)
      .bind(v.anti_affinity_group)
      .bind(v.min_cpu_mhz);
}

Image image_from(const Stmt& s) {
  Image i;
  i.id = s.text(0);
  i.name = s.text(1);
  i.scope = s.text(2);
  i.org_id = s.text(3);
  i.org_path = s.text(4);
  i.arch = parse_arch(s.text(5)).value_or(Arch::kX86);
  i.os_type = s.text(6);
  i.format = s.text(7);
  i.size_bytes = s.i64(8);
  i.virtual_gb = s.i64(9);
  i.sha256 = s.text(10);
  i.path = s.text(11);
  i.kernel = s.text(12);
  i.initrd = s.text(13);
  i.cmdline = s.text(14);
  i.created_by = s.text(15);
  i.created_at = s.i64(16);
  return i;
}

GuestNetwork network_from(const Stmt& s) {
  return GuestNetwork{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.i64(6)};
}

}  // namespace

std::string tags_text(const std::vector<std::string>& tags) {
  if (tags.empty()) return "";
  std::string out = ",";
  for (const auto& t : tags) out += t + ",";
  return out;
}

std::vector<std::string> tags_from(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}


// The tag index mirrors a live VM's tags; a deleted VM leaves it.
void SqliteComputeTx::write_tags(const Vm& vm) {
  db_.prepare("DELETE FROM vm_tags WHERE vm_id = ?").bind(vm.id.value).run();
  if (vm.state == VmState::kDeleted) return;
  for (const auto& tag : vm.tags)
    db_.prepare(
           "INSERT OR IGNORE INTO vm_tags (tag, org_path, name, vm_id, state) VALUES (?,?,?,?,?)")
        .bind(tag)
        .bind(vm.org_path)
        .bind(vm.name)
        .bind(vm.id.value)
        .bind(vm_state_name(vm.state))
        .run();
}

void SqliteComputeTx::insert_vm(const Vm& vm) {
  auto s = db_.prepare(std::string("INSERT INTO vms (") + kVmColumns +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  bind_vm(s, vm).run();
  write_tags(vm);
}

void SqliteComputeTx::update_vm(const Vm& vm) {
  auto s = db_.prepare(
      "UPDATE vms SET id = ?, name = ?, org_id = ?, org_path = ?, vdc_id = ?, owner = ?, "
      "request_id = ?, host_id = ?, state = ?, arch = ?, vcpu = ?, memory_mb = ?, disk_gb = ?, "
      "disk_tier = ?, image_id = ?, network_id = ?, mac = ?, ip = ?, tags = ?, "
      "reservation_id = ?, reason = ?, created_at = ?, updated_at = ?, anti_affinity_group = ?, "
      "min_cpu_mhz = ? "
      "WHERE id = ?");
  bind_vm(s, vm).bind(vm.id.value).run();
  write_tags(vm);
}

std::optional<Vm> SqliteComputeTx::find_vm(const VmId& id) {
  auto s = db_.prepare(std::string("SELECT ") + kVmColumns + " FROM vms WHERE id = ?");
  s.bind(id.value);
  if (!s.step()) return std::nullopt;
  return vm_from(s);
}

std::optional<Vm> SqliteComputeTx::find_vm_by_request(const std::string& request_id) {
  auto s = db_.prepare(std::string("SELECT ") + kVmColumns +
                       " FROM vms WHERE request_id = ? AND request_id != '' LIMIT 1");
  s.bind(request_id);
  if (!s.step()) return std::nullopt;
  return vm_from(s);
}

std::vector<Vm> SqliteComputeTx::vms_on_host(const std::string& host_id) {
  auto s = db_.prepare(std::string("SELECT ") + kVmColumns +
                       " FROM vms WHERE host_id = ? AND state != 'deleted' ORDER BY id");
  s.bind(host_id);
  std::vector<Vm> out;
  while (s.step()) out.push_back(vm_from(s));
  return out;
}

bool SqliteComputeTx::vm_name_taken(const std::string& org_id, const std::string& name) {
  auto s =
      db_.prepare("SELECT 1 FROM vms WHERE org_id = ? AND name = ? AND state != 'deleted' LIMIT 1");
  s.bind(org_id).bind(name);
  return s.step();
}

// The visible subtrees become the exact org paths inside them, so every index below is searched
// by equality on org_path (a range would scan the whole tenant); the page is chosen on the
// narrow index first and only its 50 rows are read whole.
Listing<Vm> SqliteComputeTx::list_vms(const VmQuery& q) {
  std::vector<std::string> args;
  std::string paths =
      "(SELECT path FROM orgs WHERE " + prefix_ranges("path", q.within_paths, args) + ")";
  // vm_tags mirrors live VMs only (write_tags) with their name and state, so a tag search reads
  // the VM rows only for the page, or for filters it does not carry (IP, host).
  const bool by_tag = !q.tag.empty();
  const std::string t = by_tag ? "vm_tags." : "vms.";
  std::string from = by_tag ? "vm_tags" : "vms";
  std::string where = t + "org_path IN " + paths;
  if (by_tag) {
    where = "vm_tags.tag = ? AND " + where;
    args.insert(args.begin(), q.tag);
  }
  if (!q.name_prefix.empty()) where += " AND " + prefix_ranges(t + "name", {q.name_prefix}, args);
  if (q.state) {
    where += " AND " + t + "state = ?";
    args.emplace_back(vm_state_name(*q.state));
  } else if (!q.include_deleted && !by_tag) {
    where += " AND vms.state != 'deleted'";
  }
  if (!q.ip.empty() || !q.host_id.empty()) {
    if (by_tag) from += " JOIN vms ON vms.id = vm_tags.vm_id";
    if (!q.ip.empty()) {
      where += " AND vms.ip = ? AND vms.ip != ''";  // the second term lets the partial index serve
      args.push_back(q.ip);
    }
    if (!q.host_id.empty()) {
      where += " AND vms.host_id = ?";
      args.push_back(q.host_id);
    }
  }
  const std::string id = by_tag ? "vm_tags.vm_id" : "vms.id";
  Listing<Vm> out;
  out.total = count_of(db_, "SELECT COUNT(*) FROM " + from + " WHERE " + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kVmColumns + " FROM vms WHERE id IN (SELECT " + id +
                       " FROM " + from + " WHERE " + where + " ORDER BY " + t + "name, " + id +
                       " LIMIT ? OFFSET ?) ORDER BY name, id");
  for (const auto& a : args) s.bind(a);
  s.bind(q.limit).bind(q.offset);
  while (s.step()) out.items.push_back(vm_from(s));
  return out;
}

std::vector<Vm> SqliteComputeTx::live_vms() {
  std::vector<Vm> out;
  auto s = db_.prepare(std::string("SELECT ") + kVmColumns +
                       " FROM vms WHERE state != 'deleted' ORDER BY id");
  while (s.step()) out.push_back(vm_from(s));
  return out;
}

std::int64_t SqliteComputeTx::count_vms_with_image(const std::string& image_id) {
  return count_of(db_, "SELECT COUNT(*) FROM vms WHERE image_id = ? AND state != 'deleted'",
                  {image_id});
}

void SqliteComputeTx::insert_image(const Image& i) {
  auto s = db_.prepare(std::string("INSERT INTO images (") + kImageColumns +
                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(i.id)
      .bind(i.name)
      .bind(i.scope)
      .bind(i.org_id)
      .bind(i.org_path)
      .bind(arch_name(i.arch))
      .bind(i.os_type)
      .bind(i.format)
      .bind(i.size_bytes)
      .bind(i.virtual_gb)
      .bind(i.sha256)
      .bind(i.path)
      .bind(i.kernel)
      .bind(i.initrd)
      .bind(i.cmdline)
      .bind(i.created_by)
      .bind(i.created_at)
      .run();
}

void SqliteComputeTx::delete_image(const std::string& id) {
  auto s = db_.prepare("DELETE FROM images WHERE id = ?");
  s.bind(id).run();
}

std::optional<Image> SqliteComputeTx::find_image(const std::string& id) {
  auto s = db_.prepare(std::string("SELECT ") + kImageColumns + " FROM images WHERE id = ?");
  s.bind(id);
  if (!s.step()) return std::nullopt;
  return image_from(s);
}

std::optional<Image> SqliteComputeTx::find_image_by_name(const std::string& name) {
  auto s = db_.prepare(std::string("SELECT ") + kImageColumns + " FROM images WHERE name = ?");
  s.bind(name);
  if (!s.step()) return std::nullopt;
  return image_from(s);
}

Listing<Image> SqliteComputeTx::list_images(const std::vector<std::string>& within_paths,
                                            const Page& page) {
  std::vector<std::string> args;
  std::string where = "scope = 'global' OR " + prefix_ranges("org_path", within_paths, args);
  Listing<Image> out;
  out.total = count_of(db_, "SELECT COUNT(*) FROM images WHERE " + where, args);
  auto s = db_.prepare(std::string("SELECT ") + kImageColumns + " FROM images WHERE " + where +
                       " ORDER BY name LIMIT ? OFFSET ?");
  for (const auto& a : args) s.bind(a);
  s.bind(page.limit).bind(page.offset);
  while (s.step()) out.items.push_back(image_from(s));
  return out;
}

void SqliteComputeTx::insert_network(const GuestNetwork& n) {
  auto s = db_.prepare(std::string("INSERT INTO guest_networks (") + kNetworkColumns +
                       ") VALUES (?,?,?,?,?,?,?)");
  s.bind(n.id).bind(n.vdc_id).bind(n.org_path).bind(n.bridge).bind(n.cidr).bind(n.gateway);
  s.bind(n.created_at).run();
}

std::optional<GuestNetwork> SqliteComputeTx::find_network(const std::string& id) {
  auto s =
      db_.prepare(std::string("SELECT ") + kNetworkColumns + " FROM guest_networks WHERE id = ?");
  s.bind(id);
  if (!s.step()) return std::nullopt;
  return network_from(s);
}

std::optional<GuestNetwork> SqliteComputeTx::find_network_of_vdc(const std::string& vdc_id) {
  auto s = db_.prepare(std::string("SELECT ") + kNetworkColumns +
                       " FROM guest_networks WHERE vdc_id = ?");
  s.bind(vdc_id);
  if (!s.step()) return std::nullopt;
  return network_from(s);
}

std::int64_t SqliteComputeTx::count_networks() {
  return count_of(db_, "SELECT COUNT(*) FROM guest_networks", {});
}

bool SqliteComputeTx::cidr_taken(const std::string& cidr) {
  return count_of(db_, "SELECT COUNT(*) FROM guest_networks WHERE cidr = ?", {cidr}) > 0;
}

void SqliteComputeTx::insert_address(const Address& a) {
  auto s = db_.prepare(
      "INSERT INTO addresses (network_id, ip, mac, vm_id, allocated_at) VALUES (?,?,?,?,?)");
  s.bind(a.network_id).bind(a.ip).bind(a.mac).bind(a.vm_id).bind(a.allocated_at).run();
}

void SqliteComputeTx::delete_addresses_of_vm(const std::string& vm_id) {
  auto s = db_.prepare("DELETE FROM addresses WHERE vm_id = ?");
  s.bind(vm_id).run();
}

std::vector<Address> SqliteComputeTx::addresses_of_network(const std::string& network_id) {
  std::vector<Address> out;
  auto s = db_.prepare(
      "SELECT network_id, ip, mac, vm_id, allocated_at FROM addresses WHERE network_id = ? "
      "ORDER BY ip");
  s.bind(network_id);
  while (s.step()) out.push_back(Address{s.text(0), s.text(1), s.text(2), s.text(3), s.i64(4)});
  return out;
}

}  // namespace govcloud::sqlite
