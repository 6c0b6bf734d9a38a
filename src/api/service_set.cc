#include "api/service_set.h"

#include <filesystem>

namespace govcloud {

ServiceSet::ServiceSet(Store& store, const Clock& clock, const Config& config,
                       const std::string& data_dir)
    : jobs(clock),
      checkpoints(store, clock,
                  CheckpointOptions{config.audit.checkpoint_file.empty()
                                        ? data_dir + "/audit-checkpoints.log"
                                        : config.audit.checkpoint_file,
                                    config.audit.syslog, config.audit.checkpoint_seconds * 1000LL}),
      iam(store, clock, config),
      tenancy(store, clock),
      audit(store, clock, config),
      catalog(store, clock),
      billing(store, clock, config.utc_offset_minutes),
      workflow(store, clock, data_dir),
      compute(store, clock),
      vms(store, clock, compute, workers, data_dir, storage_dir(data_dir)),
      volumes(store, clock, compute, vms, workers),
      metering(store, clock),
      view_{store,   clock,   config,   checkpoints, iam, tenancy, audit,   metrics,
            catalog, billing, workflow, compute,     vms, volumes, metering} {
  vms.set_cpu_floors({{Arch::kX86, config.cpu_floor_mhz_x86},
                      {Arch::kArm, config.cpu_floor_mhz_arm},
                      {Arch::kC86, config.cpu_floor_mhz_c86}});
}

std::string ServiceSet::storage_dir(const std::string& data_dir) {
  std::string abs = std::filesystem::absolute(data_dir).lexically_normal().string();
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  return abs + "-storage";
}

Status ServiceSet::start() {
  GC_TRY(checkpoints.start());
  GC_TRY(compute.start());
  GC_TRY(vms.start());
  GC_TRY(volumes.start());
  // Approved cloud-host requests become VMs, cloud-disk requests volumes; those a stop
  // interrupted are taken up again.
  workflow.set_provisioner(kCloudHostService, vms);
  workflow.set_provisioner(kCloudDiskService, volumes);
  workflow.resume_provisioning();
  // The reconciler: engines against the store, every minute (drift is shown, never "fixed").
  jobs.every("reconcile", kMinuteMs, [this] { vms.reconcile(); });
  // CMP-14: hosts are probed every 10 s; three misses in a row fence a host.
  // A fenced host's VMs are restarted elsewhere in the same tick, without an operator.
  jobs.every("host-heartbeat", 10 * kSecondMs, [this] {
    compute.heartbeat();
    vms.restart_fenced();
    vms.drain_maintenance();
  });
  jobs.every("audit-checkpoints", kSecondMs, [this] { checkpoints.tick(); });
  // Lifecycle events become usage intervals (issue 11); reads of usage also catch up first.
  GC_TRY(metering.collect());
  jobs.every("metering", 10 * kSecondMs, [this] { (void)metering.collect(); });
  // Contract quota schedules (TEN-06) start and end on dates: checked every minute.
  jobs.every("quota-schedules", kMinuteMs, [this] {
    (void)billing.apply_quota_schedules(RequestContext{"local", "quota-schedule"});
  });
  // Contract budget alerts at 80% and 100% of the contract's value, each sent once.
  jobs.every("budget-alerts", 10 * kMinuteMs, [this] {
    (void)metering.collect();
    (void)billing.send_budget_alerts(RequestContext{"local", "budget-alerts"});
  });
  return ok_status();
}

}  // namespace govcloud
