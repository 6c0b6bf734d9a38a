#include "api/service_set.h"

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
      view_{store, clock,   config,  checkpoints, iam,      tenancy,
            audit, metrics, catalog, billing,     workflow, compute} {}

Status ServiceSet::start() {
  GC_TRY(checkpoints.start());
  GC_TRY(compute.start());
  // CMP-14: hosts are probed every 10 s; three misses in a row fence a host.
  jobs.every("host-heartbeat", 10 * kSecondMs, [this] { compute.heartbeat(); });
  jobs.every("audit-checkpoints", kSecondMs, [this] { checkpoints.tick(); });
  // Contract quota schedules (TEN-06) start and end on dates: checked every minute.
  jobs.every("quota-schedules", kMinuteMs, [this] {
    (void)billing.apply_quota_schedules(RequestContext{"local", "quota-schedule"});
  });
  return ok_status();
}

}  // namespace govcloud
