// What is paid by: price lists with history (CAT-04, 05) and contracts from procurement
// packages (TEN-06, BIL-05, BIL-07). Metering and bills (issue 11) join them here.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "common/money.h"

namespace govcloud {

// 一套服务目录（含单价）: the prices of one management unit's cloud (CAT-05).
struct PriceList {
  std::string id;  // "pl-…"
  OrgId org;       // the management unit (or the platform)
  std::string name;
  std::string description;
  TimeMs created_at = 0;
  std::string created_by;
  bool is_default = false;  // the unit's list for tenants whose contract names none
};

// One version of one price. Never updated: a change is a new row with a later effective_from.
struct Price {
  std::string price_list_id;
  std::string service_code;
  TimeMs effective_from = 0;
  Money amount;          // yuan per `per` units per period
  std::int64_t per = 1;  // e.g. 100 for a price per 100 GB
  std::string unit;      // the catalog unit the price is in (gb, tb, vcpu, …)
  std::string period;    // month, year, once, traffic
  std::string created_by;
  TimeMs created_at = 0;
};

// 采购合同: a procurement package imported for a tenant.
struct Contract {
  std::string id;  // "ct-…"
  OrgId tenant;
  std::optional<VdcId> vdc;  // where its quotas go
  std::string package_id;
  std::string name;
  std::string buyer;
  std::optional<Money> budget;  // 采购包预算金额
  std::string service_period_text;
  std::optional<int> months;
  TimeMs starts_at = 0;
  int free_headroom_pct = 20;             // 免费扩展 clause, BIL-08
  std::string payment_json = "[]";        // milestones as written
  std::string uninterpreted_json = "[]";  // what the import could not read, kept visible
  std::string created_by;
  TimeMs created_at = 0;
  std::string price_list_id;  // the list its usage is rated with; empty: the unit's default
};

struct ContractItem {
  std::string contract_id;
  int line = 0;
  std::string service_code;
  std::string name_zh;
  std::string quantity;         // as a decimal, e.g. "65.24"
  std::string unit_text;        // 计价单位 as written: "100GB", "1 系统"
  std::string price_unit_text;  // 报价单位 as written: "元/月"
  std::optional<int> months;
  std::string months_text;  // when not a number: "/", "一年做四次"
  std::optional<int> batch;
  std::string system;
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // 0: open-ended
  std::string note;
};

// A quota increase a contract line grants from its start date to its end (TEN-06).
struct QuotaGrant {
  std::string contract_id;
  VdcId vdc;
  std::string resource;
  std::int64_t amount = 0;
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // 0: open-ended
};

// A month whose bills are issued (decision 0012): its usage and the prices it used are frozen.
// Months close in order, so the last closed month's end is the frontier of what may change.
struct ClosedMonth {
  std::string month;  // "2026-11"
  TimeMs start = 0, end = 0;
  std::string closed_by;
  TimeMs closed_at = 0;
};

// An issued bill, kept as the document the tenant received; never updated.
struct IssuedBill {
  std::string tenant_id;
  std::string month;
  std::string price_list;
  Money total;
  std::string body;  // the bill as JSON, exactly as issued
  std::string issued_by;
  TimeMs issued_at = 0;
};

// A line of a bill's adjustments section: credits, SLA penalties, corrections of closed months.
struct BillAdjustment {
  std::string id;  // "adj-…"
  std::string tenant_id;
  std::string month;  // the open month whose bill carries it
  std::string kind;   // credit, penalty, correction
  Money amount;       // signed: negative lowers what the tenant pays
  std::string reason;
  std::string refers_to;  // e.g. the closed month corrected
  std::string created_by;
  TimeMs created_at = 0;
};

}  // namespace govcloud
