// The service catalog (政务云服务目录, CAT-01–03, 07, 08). Prices and contracts, which the
// billing side reads and writes, are in model/billing.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/money.h"

namespace govcloud {

// One orderable service. Parts that vary in shape travel as JSON text and are checked by the
// catalog module: params (the request schema), policy (approval chains), quota (what a
// request reserves), details (specs and source references as the documents give them).
struct CatalogService {
  std::string code;  // our own id, "<category>-<slug>"; source codes are kept in details
  std::string category;
  std::string name_zh;
  std::string name_en;
  std::string unit;    // billing unit: vcpu, gb, host, system, …
  std::string period;  // month, year, once, traffic; empty for free platform capabilities
  bool free = false;   // CAT-02: included, never billed
  std::optional<Money> price_ceiling;  // 最高限价 per unit and period (CAT-04)
  std::string ceiling_basis;
  std::string details_json = "{}";
  std::string origin = "catalog";  // "catalog" (procurement documents) or "custom" (CAT-07)
  std::string params_json = "[]";
  std::string policy_json = "{}";
  std::string fulfilment = "manual";  // auto (a driver) or manual (an ops work order, CAT-09)
  std::string quota_json = "{}";      // resource code → integer param, times "quantity"
  bool retired = false;
  std::string created_by;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

}  // namespace govcloud
