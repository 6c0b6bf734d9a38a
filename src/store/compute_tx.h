// The compute facet of a unit of work (decision 0010): hosts, VMs, images, the VDC guest
// networks and their addresses, each a typed table with the indexes its lists need.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/compute.h"
#include "model/vm.h"
#include "store/store.h"

namespace govcloud {

struct HostQuery {
  std::string pool;  // empty: any
  std::optional<HostState> state;
  std::optional<Arch> arch;
  Page page;
};

class ComputeTx {
 public:
  virtual ~ComputeTx() = default;
  virtual void insert_host(const Host& h) = 0;
  virtual void update_host(const Host& h) = 0;
  virtual std::optional<Host> find_host(const HostId& id) = 0;
  virtual std::optional<Host> find_host_by_name(const std::string& name) = 0;
  virtual Listing<Host> list_hosts(const HostQuery& q) = 0;
  virtual std::vector<Host> all_hosts() = 0;

  virtual void insert_vm(const Vm& vm) = 0;
  virtual void update_vm(const Vm& vm) = 0;
  virtual std::optional<Vm> find_vm(const VmId& id) = 0;
  virtual std::optional<Vm> find_vm_by_request(const std::string& request_id) = 0;
  // A live (not deleted) VM of this name in this org.
  virtual bool vm_name_taken(const std::string& org_id, const std::string& name) = 0;
  virtual Listing<Vm> list_vms(const VmQuery& q) = 0;
  // Every VM that is not deleted (the reconciler and the scheduler's start read these).
  virtual std::vector<Vm> live_vms() = 0;
  // The live VMs placed on a host (HA restarts them elsewhere when it is fenced).
  virtual std::vector<Vm> vms_on_host(const std::string& host_id) = 0;
  // Live VMs that use the image (an image in use cannot be deleted).
  virtual std::int64_t count_vms_with_image(const std::string& image_id) = 0;

  virtual void insert_snapshot(const Snapshot& snap) = 0;
  virtual void update_snapshot(const Snapshot& snap) = 0;
  virtual void delete_snapshot(const std::string& id) = 0;
  virtual std::optional<Snapshot> find_snapshot(const std::string& id) = 0;
  // A VM's snapshots, oldest first.
  virtual std::vector<Snapshot> snapshots_of(const std::string& vm_id) = 0;

  virtual void insert_vm_event(const VmEvent& e) = 0;
  // Newest first, at most `limit`.
  virtual std::vector<VmEvent> events_of(const std::string& vm_id, int limit) = 0;

  virtual void insert_image(const Image& img) = 0;
  virtual void delete_image(const std::string& id) = 0;
  virtual std::optional<Image> find_image(const std::string& id) = 0;
  virtual std::optional<Image> find_image_by_name(const std::string& name) = 0;
  // Global images and private ones whose org lies in the given subtrees.
  virtual Listing<Image> list_images(const std::vector<std::string>& within_paths,
                                     const Page& page) = 0;

  virtual void insert_network(const GuestNetwork& n) = 0;
  virtual std::optional<GuestNetwork> find_network(const std::string& id) = 0;
  virtual std::optional<GuestNetwork> find_network_of_vdc(const std::string& vdc_id) = 0;
  virtual std::int64_t count_networks() = 0;
  virtual bool cidr_taken(const std::string& cidr) = 0;
  virtual void insert_address(const Address& a) = 0;
  virtual void delete_addresses_of_vm(const std::string& vm_id) = 0;
  virtual std::vector<Address> addresses_of_network(const std::string& network_id) = 0;
};

}  // namespace govcloud
