// Shared by bills.cc and settlement.cc: month parsing, the tenant's price list, rating a bill.
#pragma once

#include <optional>
#include <string>

#include "billing/billing.h"
#include "billing/rating.h"

namespace govcloud::bills {

Result<RatingPeriod> parse_month(const std::string& month, int utc_offset);
// The calendar month (in the platform's zone) that holds `t`.
RatingPeriod month_of(TimeMs t, int utc_offset);

struct ChosenList {
  std::optional<PriceList> list;
  std::string basis;  // named, contract, unit default, the unit's only list; or why none
};
Result<ChosenList> list_for(Tx& tx, const Org& tenant, const std::string& named,
                            const RatingPeriod& period);
// The itemised quote of an imported contract: its value, which settlement caps payments at.
Result<Quote> quote_contract_in(Tx& tx, const Contract& c, const std::vector<ContractItem>& items,
                                const PriceList& list, TimeMs at, int utc_offset);
Bill rate_bill(Tx& tx, const Org& tenant, const RatingPeriod& period, const ChosenList& list);

// The contract settled by usage up to `now`, without a rights check (the callers hold one, or
// are the server's own budget-alert job).
Result<Settlement> settle(Tx& tx, const Contract& contract, TimeMs now, int utc_offset);

}  // namespace govcloud::bills
