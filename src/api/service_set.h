// One instance of every domain service over one store, and the Services view the router takes.
// `govcloud serve`, the fuzz target and the test fixtures all wire the platform through this.
#pragma once

#include <string>

#include "api/metrics.h"
#include "api/services.h"
#include "common/jobs.h"
#include "common/workers.h"

namespace govcloud {

class ServiceSet {
 public:
  ServiceSet(Store& store, const Clock& clock, const Config& config, const std::string& data_dir);
  // Lets queued engine work finish before the services it calls go away.
  ~ServiceSet() {
    vms.stop_events();
    workers.wait_idle();
  }
  ServiceSet(const ServiceSet&) = delete;
  ServiceSet& operator=(const ServiceSet&) = delete;

  Services& view() { return view_; }
  // Where images, system disks and guest consoles live: beside the data dir, not in it, because
  // the hypervisor's own user (libvirt-qemu) must reach them and the data dir is the server's
  // alone (issue 8 §10). Created 0711: others may pass through to a file they were given,
  // never list or read the folder.
  static std::string storage_dir(const std::string& data_dir);
  // Starts what runs beside the services: the audit checkpoints, and the periodic jobs
  // (checkpoint cadence, quota schedules) on `jobs`, which the caller runs (run_due).
  Status start();

  JobRunner jobs;
  AuditCheckpointer checkpoints;
  IamService iam;
  TenancyService tenancy;
  AuditService audit;
  Metrics metrics;
  Catalog catalog;
  Billing billing;
  Workflow workflow;
  // Drivers are added by the caller (src/server) before start().
  ComputeService compute;
  // The engine half of operations runs here, outside requests and transactions.
  Workers workers{2};
  VmService vms;
  // Drivers are added by the caller (src/server) before start(), like compute's.
  VolumeService volumes;
  Metering metering;

 private:
  Services view_;
};

}  // namespace govcloud
