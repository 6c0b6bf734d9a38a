#include "model/org.h"

namespace govcloud {

const char* org_type_name(OrgType type) {
  switch (type) {
    case OrgType::kPlatform:
      return "platform";
    case OrgType::kManagementUnit:
      return "management_unit";
    case OrgType::kSupervisionUnit:
      return "supervision_unit";
    case OrgType::kTenant:
      return "tenant";
    case OrgType::kBusinessSystem:
      return "business_system";
  }
  return "tenant";
}

bool parse_org_type(std::string_view text, OrgType& out) {
  for (auto t : {OrgType::kPlatform, OrgType::kManagementUnit, OrgType::kSupervisionUnit,
                 OrgType::kTenant, OrgType::kBusinessSystem}) {
    if (text == org_type_name(t)) {
      out = t;
      return true;
    }
  }
  return false;
}

bool can_parent(OrgType parent, OrgType child) {
  switch (child) {
    case OrgType::kPlatform:
      return false;
    case OrgType::kManagementUnit:
    case OrgType::kSupervisionUnit:
      return parent == OrgType::kPlatform;
    case OrgType::kTenant:
      return parent == OrgType::kManagementUnit;
    case OrgType::kBusinessSystem:
      return parent == OrgType::kTenant;
  }
  return false;
}

bool is_network_domain(std::string_view text) {
  for (const char* d : kNetworkDomains) {
    if (text == d) return true;
  }
  return false;
}

}  // namespace govcloud
