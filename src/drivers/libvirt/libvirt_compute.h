// The libvirt driver (decision 0010): one control plane drives many hypervisors through their
// libvirt URIs — qemu:///system here, qemu+tls:// or qemu+ssh:// for other hosts. QEMU runs with
// KVM where the host has it and under TCG elsewhere, with the same code. System disks are
// copy-on-write volumes over the base image in a libvirt storage pool; VDC networks are libvirt
// networks (a bridge, dnsmasq DHCP) whose static entries are the addresses govcloud's IPAM chose.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "compute/compute.h"

struct _virConnect;

namespace govcloud {

struct LibvirtOptions {
  std::string pool;  // the storage pool for system disks; empty: named after pool_dir
  std::string pool_dir = "/var/lib/govcloud/disks";  // where it lives on each host
  std::string console_dir = "/var/log/govcloud";     // serial console logs, per guest
  std::chrono::seconds stop_timeout{30};             // graceful shutdown, then the plug is pulled
};

class LibvirtComputeDriver final : public ComputeDriver {
 public:
  explicit LibvirtComputeDriver(LibvirtOptions options = {});
  ~LibvirtComputeDriver() override;
  LibvirtComputeDriver(const LibvirtComputeDriver&) = delete;
  LibvirtComputeDriver& operator=(const LibvirtComputeDriver&) = delete;

  std::string kind() const override { return "libvirt"; }
  Result<HostReport> probe(const Host& host) override;
  Status ensure_network(const Host& host, const NetworkSpec& net) override;
  Status define(const Host& host, const DomainSpec& spec) override;
  Status start(const Host& host, const std::string& name) override;
  Status reboot(const Host& host, const std::string& name) override;
  Status stop(const Host& host, const std::string& name, bool force) override;
  Status remove(const Host& host, const std::string& name, bool wipe) override;
  Result<DomainInfo> inspect(const Host& host, const std::string& name) override;
  // In libvirt_changes.cc.
  Status resize(const Host& host, const std::string& name, int vcpu, std::int64_t memory_mb,
                std::int64_t disk_gb) override;
  Status snapshot(const Host& host, const std::string& name, const std::string& snapshot) override;
  Status revert(const Host& host, const std::string& name, const std::string& snapshot) override;
  Status delete_snapshot(const Host& host, const std::string& name,
                         const std::string& snapshot) override;
  Status clone(const Host& host, const std::string& source, const DomainSpec& spec) override;
  Status migrate(const Host& from, const Host& to, const std::string& name) override;
  // In libvirt_console.cc.
  Result<std::unique_ptr<ConsoleStream>> open_console(const Host& host, const std::string& name,
                                                      ConsoleKind kind, ConsoleSink sink) override;
  void set_event_sink(DomainEventSink sink) override;
  // Hands a guest event to the sink (libvirt's event thread calls it).
  void deliver(const DomainEvent& e);

  // The serial console log of a guest on this machine (tests read the ready line from it).
  std::string console_log(const std::string& name) const;
  // Whether libvirtd answers at `uri` (scripts/run falls back to sim when it does not).
  static bool reachable(const std::string& uri);
  // The storage driver shares the connections and the options (libvirt_storage.cc).
  Result<_virConnect*> connection(const std::string& uri) { return connect(uri); }
  const LibvirtOptions& options() const { return options_; }
  static bool is_local(const std::string& uri);

 private:
  // libvirt's event loop (streams, domain events) on one thread per process.
  static void start_event_loop();
  // Domain events of a new connection go to the sink (libvirt_console.cc).
  void watch_events(_virConnect* conn);
  Result<_virConnect*> connect(const std::string& uri);
  Status ensure_pool(_virConnect* conn);
  // Defines the domain of `spec` over the volume `volume`, which exists in the pool.
  Status define_domain(_virConnect* conn, const Host& host, const DomainSpec& spec,
                       const std::string& volume);
  std::string virt_type(_virConnect* conn);

  LibvirtOptions options_;
  std::mutex mu_;
  std::map<std::string, _virConnect*> conns_;
  std::mutex sink_mu_;
  DomainEventSink sink_;
};

}  // namespace govcloud
