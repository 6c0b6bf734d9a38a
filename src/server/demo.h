// Demo data for `scripts/run`: a management unit, a supervision unit, one tenant with a
// business system, VDCs with quotas, and two tenant users.
#pragma once

#include <string>

#include "billing/billing.h"
#include "compute/vms.h"
#include "iam/iam.h"
#include "tenancy/tenancy.h"

namespace govcloud {

// The installer acts once with the platform posts it needs; its actions are audited as
// 'installer'.
Principal demo_installer(const Org& root, const std::vector<Role>& roles);
// Returns the demo users' password (`password`, or a generated one when empty).
Result<std::string> seed_demo(IamService& iam, TenancyService& tenancy, Billing& billing,
                              Store& store, const std::string& password);
// A host (libvirt on this machine when libvirtd answers, else sim) and a bootable global image.
Status seed_demo_compute(ComputeService& compute, VmService& vms, Store& store,
                         const std::string& data_dir);

}  // namespace govcloud
