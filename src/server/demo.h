// Demo data for `scripts/run`: a management unit, a supervision unit, one tenant with a
// business system, VDCs with quotas, and two tenant users.
#pragma once

#include <string>

#include "billing/billing.h"
#include "iam/iam.h"
#include "tenancy/tenancy.h"

namespace govcloud {

// Returns the demo users' password (`password`, or a generated one when empty).
Result<std::string> seed_demo(IamService& iam, TenancyService& tenancy, Billing& billing,
                              Store& store, const std::string& password);

}  // namespace govcloud
