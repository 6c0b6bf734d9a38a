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
  std::string price_list;                       // id or name; empty: the unit's default
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

// A tenant's bill for one month, per business system and catalog code (月度服务明细), with its
// adjustments section. An open month's bill is rated afresh on each read; an issued one is the
// document kept when the month closed.
struct BillSystem {
  std::string system_id;
  std::string name;
  std::vector<RatedLine> lines;
  Money total;  // the sum of its lines
};
struct Bill {
  std::string tenant_id, tenant_name, month, price_list;
  std::string price_list_basis;  // why this list: named, contract, unit default, unit's only list
  TimeMs from = 0, to = 0;
  std::string state = "open";  // open, issued
  std::string issued_by;
  TimeMs issued_at = 0;
  std::vector<BillSystem> systems;
  Money usage_total;  // the sum of the systems' totals
  std::vector<BillAdjustment> adjustments;
  Money adjustments_total;
  Money total;  // usage_total + adjustments_total
  int unpriced_lines = 0;
};

struct AdjustmentInput {
  std::string month;   // an open month; default: the current one
  std::string kind;    // credit, penalty, correction
  std::string amount;  // yuan, signed
  std::string reason;
  std::string refers_to;
};

struct ClosedMonthResult {
  ClosedMonth month;
  int bills = 0;
  Money total;
};

// Settlement of a contract by actual usage (据实结算, issue 11 §4).
struct SettlementItem {
  std::string code;
  std::string name;
  Decimal contracted;          // in the catalog unit, summed over the contract's lines for the code
  Decimal peak;                // the highest quantity in use at once
  Decimal average;             // over the months settled so far
  Money rated;                 // usage rated at the price, before the headroom
  Money cost;                  // what is charged: headroom use at zero
  bool over_headroom = false;  // some month's use went past contracted + headroom
  std::vector<std::string> notes;
};
struct SettlementMonth {
  std::string month;
  std::string state;  // open, issued
  Money cost;
};
struct Milestone {
  int number = 0;
  std::string condition;
  std::string basis;  // "70% of the contract total", "actual usage − paid, capped at the total"
  Money amount;
  bool final_payment = false;
};
struct Settlement {
  Contract contract;
  std::string price_list;
  TimeMs from = 0, to = 0;  // the contract's service period
  TimeMs settled_to = 0;    // usage counted up to here (now, or the period's end)
  Money contract_total;     // the quote of its lines at the list
  std::optional<Money> budget;
  std::vector<SettlementItem> items;
  std::vector<SettlementMonth> months;
  Money cost_to_date;
  Money forecast;  // at the current run rate to the period's end
  int budget_used_pct = 0;
  std::vector<Milestone> milestones;
  std::vector<std::string> notes;
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

  // The tenant's bill for a month ("2026-03"), rated with the list named, else its contract's,
  // else its unit's default, else the unit's only list (usage.read at the tenant). An issued
  // month gives the bill as issued; rerate gives it rated afresh instead (it must not differ).
  Result<Bill> bill(const Principal& who, const OrgId& tenant, const std::string& month,
                    const std::string& price_list, bool rerate = false);
  // Issues every tenant's bill for an ended month, after the one before it (bill.manage at the
  // platform). From then on its usage and prices are frozen.
  Result<ClosedMonthResult> close_month(const Principal& who, const std::string& month,
                                        const RequestContext& ctx);
  Result<std::vector<ClosedMonth>> closed_months(const Principal& who);
  // An adjustment on an open month's bill (bill.manage at the tenant's management unit).
  Result<BillAdjustment> adjust(const Principal& who, const OrgId& tenant,
                                const AdjustmentInput& in, const RequestContext& ctx);
  // Marks a list its unit's default (price.write at the unit).
  Result<PriceList> set_default_price_list(const Principal& who, const std::string& list,
                                           const RequestContext& ctx);

  // A contract settled by actual usage so far (contract.read at its tenant).
  Result<Settlement> settlement(const Principal& who, const std::string& contract_id);
  // Sends the 80% and 100% budget alerts of every contract once each; run by the server's ticker.
  Result<int> send_budget_alerts(const RequestContext& ctx);

  // Applies contract quota schedules whose start or end has passed (TEN-06); run at start,
  // after each import and by the server's ticker.
  Result<int> apply_quota_schedules(const RequestContext& ctx);

 private:
  Result<ContractPlan> import_in_tx(Tx& tx, const Principal& who, const ContractImport& in);

  Store& store_;
  const Clock& clock_;
  int utc_offset_minutes_;
};

// Bill rendering: the JSON is also the issued bill's stored form, read back by bill_from_json.
boost::json::object bill_json(const Bill& b);
Result<Bill> bill_from_json(const std::string& body);
std::string bill_csv(const Bill& b);
Result<std::string> bill_xlsx(const Bill& b);
boost::json::object settlement_json(const Settlement& s);

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
