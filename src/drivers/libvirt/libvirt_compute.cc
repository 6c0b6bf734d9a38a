#include "drivers/libvirt/libvirt_compute.h"

#include <fcntl.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "drivers/libvirt/domain_xml.h"
#include "drivers/libvirt/libvirt_handles.h"
#include "drivers/libvirt/wipe.h"

namespace govcloud {

using namespace libvirt;

namespace {

// Domains that do not exist are not errors for idempotent calls; libvirt logs them, we don't.
void quiet(void*, virErrorPtr) {}

DomainState state_of(int s) {
  switch (s) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return DomainState::kRunning;
    case VIR_DOMAIN_PAUSED:
    case VIR_DOMAIN_PMSUSPENDED:
      return DomainState::kPaused;
    case VIR_DOMAIN_CRASHED:
      return DomainState::kCrashed;
    default:
      return DomainState::kShutOff;
  }
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  auto a = text.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  auto b = text.find(close, a);
  return b == std::string::npos ? "" : text.substr(a, b - a);
}

}  // namespace

LibvirtComputeDriver::LibvirtComputeDriver(LibvirtOptions options) : options_(std::move(options)) {
  virSetErrorFunc(nullptr, quiet);
  start_event_loop();
  if (options_.pool.empty()) {
    // One pool per installation: two govcloud servers on one host never share disks.
    unsigned h = 2166136261U;
    for (char c : options_.pool_dir) h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
    char name[24];
    std::snprintf(name, sizeof name, "gc-pool-%08x", h);
    options_.pool = name;
  }
}

LibvirtComputeDriver::~LibvirtComputeDriver() {
  for (auto& [uri, c] : conns_) virConnectClose(c);
}

bool LibvirtComputeDriver::is_local(const std::string& uri) {
  return uri.find("://") != std::string::npos && uri.find(":///") != std::string::npos;
}

bool LibvirtComputeDriver::reachable(const std::string& uri) {
  virSetErrorFunc(nullptr, quiet);
  virConnectPtr c = virConnectOpen(uri.c_str());
  if (c == nullptr) return false;
  virConnectClose(c);
  return true;
}

Result<virConnectPtr> LibvirtComputeDriver::connect(const std::string& uri) {
  std::lock_guard lock(mu_);
  if (auto it = conns_.find(uri); it != conns_.end()) {
    if (virConnectIsAlive(it->second) == 1) return it->second;
    virConnectClose(it->second);
    conns_.erase(it);
  }
  virConnectPtr c = virConnectOpen(uri.c_str());
  if (c == nullptr) return engine_error("cannot reach libvirt at " + uri);
  watch_events(c);
  conns_[uri] = c;
  return c;
}

std::string LibvirtComputeDriver::virt_type(virConnectPtr conn) {
  char* caps = virConnectGetCapabilities(conn);
  std::string text = caps ? caps : "";
  free(caps);  // NOLINT(cppcoreguidelines-no-malloc): libvirt allocates with malloc
  return text.find("<domain type='kvm'") != std::string::npos ? "kvm" : "qemu";
}

std::string LibvirtComputeDriver::console_log(const std::string& name) const {
  return options_.console_dir + "/" + name + ".console.log";
}

Result<HostReport> LibvirtComputeDriver::probe(const Host& host) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  virNodeInfo info{};
  if (virNodeGetInfo(conn, &info) != 0) return engine_error("node info");
  HostReport r;
  std::string model = info.model;
  r.arch = model == "aarch64" ? Arch::kArm : Arch::kX86;
  r.cpu_model = model;
  r.cpu_mhz = static_cast<int>(info.mhz);
  r.cores = static_cast<int>(info.cpus);
  auto total_mb = static_cast<std::int64_t>(info.memory / 1024);
  // The host keeps a quarter of its memory, at most 4 GiB, for itself.
  r.memory_mb = total_mb - std::min<std::int64_t>(4096, total_mb / 4);
  virDomainPtr* doms = nullptr;
  int n = virConnectListAllDomains(conn, &doms, 0);
  for (int i = 0; i < n; ++i) {
    Domain d(doms[i]);
    virDomainInfo di{};
    DomainInfo out;
    out.name = virDomainGetName(d.get());
    if (virDomainGetInfo(d.get(), &di) == 0) {
      out.state = state_of(di.state);
      out.vcpu = di.nrVirtCpu;
      out.memory_mb = static_cast<std::int64_t>(di.maxMem / 1024);
    }
    r.domains.push_back(out);
  }
  free(doms);  // NOLINT(cppcoreguidelines-no-malloc)
  return r;
}

Status LibvirtComputeDriver::ensure_network(const Host& host, const NetworkSpec& net) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Network n(virNetworkLookupByName(conn, net.name.c_str()));
  if (!n) {
    n.reset(virNetworkDefineXML(conn, network_xml(net).c_str()));
    if (!n) return engine_error("defining network " + net.name);
    virNetworkSetAutostart(n.get(), 1);
  }
  if (virNetworkIsActive(n.get()) != 1 && virNetworkCreate(n.get()) != 0)
    return engine_error("starting network " + net.name);
  return ok_status();
}

Status LibvirtComputeDriver::ensure_pool(virConnectPtr conn) {
  Pool p(virStoragePoolLookupByName(conn, options_.pool.c_str()));
  if (!p) {
    p.reset(virStoragePoolDefineXML(conn, pool_xml(options_.pool, options_.pool_dir).c_str(), 0));
    if (!p) return engine_error("defining storage pool " + options_.pool);
    virStoragePoolBuild(p.get(), 0);
    virStoragePoolSetAutostart(p.get(), 1);
  }
  if (virStoragePoolIsActive(p.get()) != 1 && virStoragePoolCreate(p.get(), 0) != 0)
    return engine_error("starting storage pool " + options_.pool);
  virStoragePoolRefresh(p.get(), 0);
  return ok_status();
}

Status LibvirtComputeDriver::define(const Host& host, const DomainSpec& spec) {
  if (spec.name.empty() || spec.vcpu <= 0 || spec.memory_mb <= 0 || spec.disk_gb <= 0)
    return invalid("spec", "a guest needs a name, vCPU, memory and a disk");
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  if (Domain d(virDomainLookupByName(conn, spec.name.c_str())); d) {
    // Defined again after a restart: the same guest is fine, a different one is not.
    virDomainInfo di{};
    if (virDomainGetInfo(d.get(), &di) == 0 &&
        (static_cast<int>(di.nrVirtCpu) != spec.vcpu ||
         static_cast<std::int64_t>(di.maxMem / 1024) != spec.memory_mb))
      return Error{ErrorCode::kConflict, "a different guest named " + spec.name + " exists", {}};
    return ok_status();
  }
  GC_TRY(ensure_pool(conn));
  Pool pool(virStoragePoolLookupByName(conn, options_.pool.c_str()));
  std::string volume = spec.name + ".qcow2";
  Vol vol(virStorageVolLookupByName(pool.get(), volume.c_str()));
  if (!vol) {
    vol.reset(virStorageVolCreateXML(
        pool.get(), volume_xml(volume, spec.disk_gb, spec.image_path, spec.image_format).c_str(),
        0));
    if (!vol) return engine_error("creating the system disk " + volume);
  }
  return define_domain(conn, host, spec, volume);
}

Status LibvirtComputeDriver::define_domain(virConnectPtr conn, const Host& host,
                                           const DomainSpec& spec, const std::string& volume) {
  if (!spec.network.name.empty() && !spec.mac.empty() && !spec.ip.empty()) {
    Network n(virNetworkLookupByName(conn, spec.network.name.c_str()));
    if (!n) return engine_error("network " + spec.network.name);
    std::string entry = dhcp_host_xml(spec.mac, spec.ip, spec.name);
    unsigned flags = VIR_NETWORK_UPDATE_AFFECT_LIVE | VIR_NETWORK_UPDATE_AFFECT_CONFIG;
    virNetworkUpdate(n.get(), VIR_NETWORK_UPDATE_COMMAND_DELETE, VIR_NETWORK_SECTION_IP_DHCP_HOST,
                     -1, entry.c_str(), flags);
    if (virNetworkUpdate(n.get(), VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                         VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, entry.c_str(), flags) != 0)
      return engine_error("giving " + spec.mac + " the address " + spec.ip);
  }
  std::error_code ec;
  std::filesystem::create_directories(options_.console_dir, ec);
  std::string xml = domain_xml(spec, virt_type(conn), options_.pool, volume,
                               is_local(host.uri) ? console_log(spec.name) : "");
  // Where the guest's address is kept, for remove() to take its DHCP entry back.
  xml.insert(xml.find("  <memory"),
             "  <metadata><gc:vm xmlns:gc='https://govcloud.org/xmlns/vm/1'><gc:net>" +
                 xml_escape(spec.network.name) + "</gc:net><gc:mac>" + xml_escape(spec.mac) +
                 "</gc:mac><gc:ip>" + xml_escape(spec.ip) + "</gc:ip></gc:vm></metadata>\n");
  Domain d(virDomainDefineXML(conn, xml.c_str()));
  if (!d) return engine_error("defining " + spec.name);
  return ok_status();
}

Status LibvirtComputeDriver::start(const Host& host, const std::string& name) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return not_found("guest " + name);
  if (virDomainIsActive(d.get()) == 1) return ok_status();
  if (virDomainCreate(d.get()) != 0) return engine_error("starting " + name);
  return ok_status();
}

Status LibvirtComputeDriver::reboot(const Host& host, const std::string& name) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return not_found("guest " + name);
  if (virDomainIsActive(d.get()) != 1) return conflict("guest " + name + " is not running");
  // A reset, like the button on a server: guests without ACPI handling reboot too.
  if (virDomainReset(d.get(), 0) != 0) return engine_error("rebooting " + name);
  return ok_status();
}

Status LibvirtComputeDriver::stop(const Host& host, const std::string& name, bool force) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return not_found("guest " + name);
  if (virDomainIsActive(d.get()) != 1) return ok_status();
  if (!force && virDomainShutdown(d.get()) == 0) {
    // The engine's own time, not the platform's clock: how long the guest takes to power off.
    auto deadline = std::chrono::steady_clock::now() + options_.stop_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (virDomainIsActive(d.get()) != 1) return ok_status();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (virDomainDestroy(d.get()) != 0 && virDomainIsActive(d.get()) == 1)
    return engine_error("stopping " + name);
  return ok_status();
}

Status LibvirtComputeDriver::remove(const Host& host, const std::string& name, bool wipe) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  if (Domain d(virDomainLookupByName(conn, name.c_str())); d) {
    if (virDomainIsActive(d.get()) == 1) virDomainDestroy(d.get());
    char* xml = virDomainGetXMLDesc(d.get(), 0);
    std::string text = xml ? xml : "";
    free(xml);  // NOLINT(cppcoreguidelines-no-malloc)
    std::string net = between(text, "<gc:net>", "</gc:net>");
    std::string mac = between(text, "<gc:mac>", "</gc:mac>");
    std::string ip = between(text, "<gc:ip>", "</gc:ip>");
    // Its snapshots live in its disk, which goes below; libvirt's record of them goes here.
    if (virDomainUndefineFlags(d.get(), VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) != 0)
      return engine_error("undefining " + name);
    if (!net.empty() && !mac.empty())
      if (Network n(virNetworkLookupByName(conn, net.c_str())); n)
        virNetworkUpdate(n.get(), VIR_NETWORK_UPDATE_COMMAND_DELETE,
                         VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, dhcp_host_xml(mac, ip, name).c_str(),
                         VIR_NETWORK_UPDATE_AFFECT_LIVE | VIR_NETWORK_UPDATE_AFFECT_CONFIG);
  }
  if (Pool pool(virStoragePoolLookupByName(conn, options_.pool.c_str())); pool) {
    virStoragePoolRefresh(pool.get(), 0);
    std::string volume = name + ".qcow2";
    if (Vol vol(virStorageVolLookupByName(pool.get(), volume.c_str())); vol) {
      if (wipe) {
        char* path = virStorageVolGetPath(vol.get());
        std::string p = path ? path : "";
        free(path);  // NOLINT(cppcoreguidelines-no-malloc)
        // Here the file is overwritten in place; a remote host's volume is wiped by libvirt.
        Status wiped = is_local(host.uri) && !p.empty() ? overwrite_with_zeros(p)
                       : virStorageVolWipe(vol.get(), 0) == 0
                           ? ok_status()
                           : Status{engine_error("wiping " + volume)};
        if (!wiped.ok()) return wiped;
      }
      if (virStorageVolDelete(vol.get(), 0) != 0) return engine_error("deleting " + volume);
    }
  }
  if (is_local(host.uri)) {
    std::error_code ec;
    std::filesystem::remove(console_log(name), ec);
  }
  return ok_status();
}

Result<DomainInfo> LibvirtComputeDriver::inspect(const Host& host, const std::string& name) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain d(virDomainLookupByName(conn, name.c_str()));
  if (!d) return not_found("guest " + name);
  virDomainInfo di{};
  if (virDomainGetInfo(d.get(), &di) != 0) return engine_error("inspecting " + name);
  return DomainInfo{name, state_of(di.state), di.nrVirtCpu,
                    static_cast<std::int64_t>(di.maxMem / 1024)};
}

}  // namespace govcloud
