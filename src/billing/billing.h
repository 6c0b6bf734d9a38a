// The billing module's face, contract side (BIL-05, BIL-07, CAT-04, CAT-05, TEN-06): price lists
// with price history and ceilings, procurement packages imported as contracts that set the
// tenant's quotas, and itemised quotes (分项报价表). Metering and settlement come later.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "billing/rating.h"
#include "iam/authz.h"
#include "iam/context.h"
#include "store/store.h"

namespace govcloud {

struct PriceInput {
  std::string service_code;
  std::string amount;  // yuan as text, e.g. "0.3"
  std::int64_t per = 1;
  std::string period;  // default: the service's period
  TimeMs effective_from = 0;
};

struct ContractImport {
  boost::json::value package;  // one entry of packages.yaml, as JSON
  OrgId tenant;
  std::optional<VdcId> vdc;  // default: the tenant's top VDC
  TimeMs starts_at = 0;      // default: today
  int free_headroom_pct = 20;
  std::map<std::string, TimeMs> batch_starts;   // batch number → start, overriding the default
  std::map<std::string, TimeMs> system_starts;  // system name → start
};

struct QuoteLine {
  int line = 0;
  std::string service_code;
  std::string name_zh;
  std::string quantity;  // as written
  std::string unit;      // as written
  std::string months;    // as written
  std::string batch_or_system;
  Decimal catalog_quantity;  // in the service's catalog unit
  std::string conversion;    // "250 × 100GB = 25000 GB" when the unit was converted
  Decimal periods;           // billed periods, in period_unit
  std::string period_unit;
  std::optional<Money> unit_price;  // per catalog unit per period
  std::string price_basis;          // e.g. "0.6 元/gb/month"
  Money total;
  bool free = false;
  bool over_ceiling = false;
  std::vector<std::string> notes;
};

struct Quote {
  std::string package_id;
  std::string name;
  std::string price_list;
  TimeMs at = 0;
  std::string date;  // `at` as a date in the platform's time zone: prices of all of it apply
  std::vector<QuoteLine> lines;
  Money total;
  std::optional<Money> budget;
  bool over_budget = false;
  int unpriced_lines = 0;
  std::string note;  // why nothing is priced, when nothing is ("no price in force on D; …")
};

// What a contract import does to quotas (issue 7 §3): per resource, the limit the tenant's VDC
// needs now, what the VDC it is carved from has left for it, and whether it fits.
struct QuotaPlanLine {
  std::string resource;
  std::string vdc_name;
  std::string from_vdc_name;  // the level the limit is carved from; empty: the platform's root
  std::int64_t current = 0;   // the VDC's limit today
  std::int64_t needed = 0;    // its limit once the contract applies
  std::int64_t available = 0;
  std::int64_t in_use = 0;  // used here and given to sub-VDCs: a limit never drops below it
  bool fits = true;
};

struct ContractPlan {
  Contract contract;
  std::vector<QuotaPlanLine> quota;
};

// A tenant's bill for one month, per business system and catalog code (月度服务明细).
struct BillSystem {
  std::string system_id;
  std::string name;
  std::vector<RatedLine> lines;
  Money total;  // the sum of its lines
};
struct Bill {
  std::string tenant_id, tenant_name, month, price_list;
  TimeMs from = 0, to = 0;
  std::vector<BillSystem> systems;
  Money total;  // the sum of the systems' totals
  int unpriced_lines = 0;
};

class Billing {
 public:
  // utc_offset_minutes: the platform's time zone; a price effective on a date applies to all
  // of that date there (Asia/Shanghai by default).
  Billing(Store& store, const Clock& clock, int utc_offset_minutes = 480);

  Result<PriceList> create_price_list(const Principal& who, const std::string& name,
                                      const OrgId& org, const std::string& description,
                                      const RequestContext& ctx);
  Result<std::vector<PriceList>> list_price_lists(const Principal& who);
  Result<PriceList> get_price_list(const Principal& who, const std::string& id_or_name);
  // Adds a version; never overwrites (CAT-04).
  Result<Price> set_price(const Principal& who, const std::string& list, const PriceInput& in,
                          const RequestContext& ctx);
  // The price of each service in force at `at`, or every version when at is unset.
  Result<std::vector<Price>> prices(const Principal& who, const std::string& list,
                                    std::optional<TimeMs> at, const std::string& code);
  // All rows or none; format "yaml" or "csv".
  Result<int> import_prices(const Principal& who, const std::string& list,
                            const std::string& format, const std::string& text,
                            const RequestContext& ctx);
  Result<std::string> export_prices(const Principal& who, const std::string& list,
                                    const std::string& format, std::optional<TimeMs> at);

  // Imports or, with a shortfall, refuses naming every resource that does not fit.
  Result<Contract> import_contract(const Principal& who, const ContractImport& in,
                                   const RequestContext& ctx);
  // The same checks and the quota plan, changing nothing (--dry-run).
  Result<ContractPlan> plan_contract(const Principal& who, const ContractImport& in);
  Result<std::vector<Contract>> list_contracts(const Principal& who);
  Result<std::pair<Contract, std::vector<ContractItem>>> get_contract(const Principal& who,
                                                                      const std::string& id);
  Result<Quote> quote_contract(const Principal& who, const std::string& contract_id,
                               const std::string& list, TimeMs at);
  Result<Quote> quote_package(const Principal& who, const boost::json::value& package,
                              const std::string& list, TimeMs at);

  // The tenant's bill for a month ("2026-03"), rated with the list named, else with the one
  // list of the nearest unit above the tenant (usage.read at the tenant).
  Result<Bill> bill(const Principal& who, const OrgId& tenant, const std::string& month,
                    const std::string& price_list);

  // Applies contract quota schedules whose start or end has passed (TEN-06); run at start,
  // after each import and by the server's ticker.
  Result<int> apply_quota_schedules(const RequestContext& ctx);

 private:
  Result<ContractPlan> import_in_tx(Tx& tx, const Principal& who, const ContractImport& in);

  Store& store_;
  const Clock& clock_;
  int utc_offset_minutes_;
};

// Quote rendering.
boost::json::value quote_json(const Quote& q);
std::string quote_csv(const Quote& q);
Result<std::string> quote_xlsx(const Quote& q);

// The parsed form of one package entry (shared by import and quote).
struct PackageLine {
  ContractItem item;
  Decimal quantity;
  Decimal catalog_quantity;  // quantity in the service's own unit (65.24 × 100GB → 6524 GB)
  std::string price_unit_text;
};
struct ParsedPackage {
  std::string id, name, buyer, service_period_text;
  std::optional<int> months;
  std::optional<Money> budget;
  std::string payment_json = "[]";
  std::vector<PackageLine> lines;
  std::vector<std::string> uninterpreted;
};
Result<ParsedPackage> parse_package(Tx& tx, const boost::json::value& package);

}  // namespace govcloud
