// The SQLite compute facet, declared here because its tables live in two files: hosts in
// sqlite_tx_compute.cc; VMs, images, guest networks and addresses in sqlite_tx_vms.cc;
// snapshots and VM events in sqlite_tx_snapshots.cc.
#pragma once

#include "store/sqlite_tx.h"

namespace govcloud::sqlite {

class SqliteComputeTx final : public ComputeTx {
 public:
  explicit SqliteComputeTx(Db& db) : db_(db) {}

  void insert_host(const Host& h) override;
  void update_host(const Host& h) override;
  std::optional<Host> find_host(const HostId& id) override;
  std::optional<Host> find_host_by_name(const std::string& name) override;
  Listing<Host> list_hosts(const HostQuery& q) override;
  std::vector<Host> all_hosts() override;

  void insert_snapshot(const Snapshot& snap) override;
  void update_snapshot(const Snapshot& snap) override;
  void delete_snapshot(const std::string& id) override;
  std::optional<Snapshot> find_snapshot(const std::string& id) override;
  std::vector<Snapshot> snapshots_of(const std::string& vm_id) override;
  void insert_vm_event(const VmEvent& e) override;
  std::vector<VmEvent> events_of(const std::string& vm_id, int limit) override;

  void insert_vm(const Vm& vm) override;
  void update_vm(const Vm& vm) override;
  std::optional<Vm> find_vm(const VmId& id) override;
  std::optional<Vm> find_vm_by_request(const std::string& request_id) override;
  bool vm_name_taken(const std::string& org_id, const std::string& name) override;
  Listing<Vm> list_vms(const VmQuery& q) override;
  std::vector<Vm> live_vms() override;
  std::vector<Vm> vms_on_host(const std::string& host_id) override;
  std::int64_t count_vms_with_image(const std::string& image_id) override;

  void insert_image(const Image& img) override;
  void delete_image(const std::string& id) override;
  std::optional<Image> find_image(const std::string& id) override;
  std::optional<Image> find_image_by_name(const std::string& name) override;
  Listing<Image> list_images(const std::vector<std::string>& within_paths,
                             const Page& page) override;

  void insert_network(const GuestNetwork& n) override;
  std::optional<GuestNetwork> find_network(const std::string& id) override;
  std::optional<GuestNetwork> find_network_of_vdc(const std::string& vdc_id) override;
  std::int64_t count_networks() override;
  bool cidr_taken(const std::string& cidr) override;
  void insert_address(const Address& a) override;
  void delete_addresses_of_vm(const std::string& vm_id) override;
  std::vector<Address> addresses_of_network(const std::string& network_id) override;

 private:
  void write_tags(const Vm& vm);
  Db& db_;
};

}  // namespace govcloud::sqlite
