#include "api/service_set.h"

namespace govcloud {

ServiceSet::ServiceSet(Store& store, const Clock& clock, const Config& config,
                       const std::string& data_dir)
    : iam(store, clock, config),
      tenancy(store, clock),
      audit(store, clock, config),
      catalog(store, clock),
      billing(store, clock, config.utc_offset_minutes),
      workflow(store, clock, data_dir),
      view_{store, clock, config, iam, tenancy, audit, metrics, catalog, billing, workflow} {}

}  // namespace govcloud
