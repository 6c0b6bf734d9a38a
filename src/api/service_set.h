// One instance of every domain service over one store, and the Services view the router takes.
// `govcloud serve`, the fuzz target and the test fixtures all wire the platform through this.
#pragma once

#include <string>

#include "api/metrics.h"
#include "api/services.h"
#include "common/jobs.h"

namespace govcloud {

class ServiceSet {
 public:
  ServiceSet(Store& store, const Clock& clock, const Config& config, const std::string& data_dir);
  ServiceSet(const ServiceSet&) = delete;
  ServiceSet& operator=(const ServiceSet&) = delete;

  Services& view() { return view_; }
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

 private:
  Services view_;
};

}  // namespace govcloud
