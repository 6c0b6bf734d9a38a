// The domain services the API dispatches to; wired by src/server.
#pragma once

#include "audit/audit.h"
#include "billing/billing.h"
#include "catalog/catalog.h"
#include "common/config.h"
#include "compute/compute.h"
#include "compute/vms.h"
#include "iam/iam.h"
#include "metering/metering.h"
#include "storage/storage.h"
#include "tenancy/tenancy.h"
#include "workflow/workflow.h"

namespace govcloud {

class Metrics;

struct Services {
  Store& store;
  const Clock& clock;
  const Config& config;
  AuditCheckpointer& checkpoints;
  IamService& iam;
  TenancyService& tenancy;
  AuditService& audit;
  Metrics& metrics;
  Catalog& catalog;
  Billing& billing;
  Workflow& workflow;
  ComputeService& compute;
  VmService& vms;
  VolumeService& volumes;
  Metering& metering;
  // Set only by a test build started with --test-clock: exposes POST /api/v1/test/clock.
  AdjustableClock* test_clock = nullptr;
};

}  // namespace govcloud
