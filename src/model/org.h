// The organisation tree (TEN-01): platform → management unit (云管理单位) → tenant departments
// (委办局) → business systems (业务系统), with the supervision unit (云监管单位) beside the
// management unit under the platform.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/ids.h"

namespace govcloud {

enum class OrgType {
  kPlatform,         // 云平台 (the service provider's root)
  kManagementUnit,   // 云管理单位
  kSupervisionUnit,  // 云监管单位
  kTenant,           // 委办局 / 政务云使用单位
  kBusinessSystem,   // 业务系统
};

const char* org_type_name(OrgType type);
bool parse_org_type(std::string_view text, OrgType& out);
// Which node types may hang under which (TEN-01).
bool can_parent(OrgType parent, OrgType child);

// TEN-02: the attributes SLA profiles key on later.
struct BusinessSystemProfile {
  int dengbao_level = 2;         // 等保 level, 1–4
  bool internet_facing = false;  // 面向互联网和大厅办事的系统
  bool important = false;        // 重要信息系统
  std::string network_domain;    // one of kNetworkDomains
};

inline constexpr const char* kNetworkDomains[] = {"egov_extranet", "internet", "egov_intranet",
                                                  "private"};
bool is_network_domain(std::string_view text);

struct Org {
  OrgId id;
  std::optional<OrgId> parent;
  OrgType type = OrgType::kTenant;
  std::string name;
  std::string description;
  // Materialised path of ids, "/<root>/<child>/…/<self>/", for subtree scoping.
  std::string path;
  std::string created_by;  // user id; TEN-10 shows who created each tenant
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::optional<BusinessSystemProfile> system;  // set for kBusinessSystem only
};

// True when node `path` lies in the subtree rooted at `scope_path` (inclusive).
inline bool path_within(std::string_view path, std::string_view scope_path) {
  return path.substr(0, scope_path.size()) == scope_path;
}

}  // namespace govcloud
