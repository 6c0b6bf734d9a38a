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
      view_{store, clock,   config,  checkpoints, iam,     tenancy,
            audit, metrics, catalog, billing,     workflow} {}

Status ServiceSet::start() {
  GC_TRY(checkpoints.start());
  jobs.every("audit-checkpoints", kSecondMs, [this] { checkpoints.tick(); });
  // Contract quota schedules (TEN-06) start and end on dates: checked every minute.
  jobs.every("quota-schedules", kMinuteMs, [this] {
    (void)billing.apply_quota_schedules(RequestContext{"local", "quota-schedule"});
  });
  return ok_status();
}

}  // namespace govcloud
