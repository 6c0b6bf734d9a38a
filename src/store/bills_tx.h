// The bills facet of a unit of work (issue 11, decision 0012): closed months, issued bills,
// adjustments, default price lists and budget alerts already sent.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/billing.h"
#include "store/store.h"

namespace govcloud {

class BillsTx {
 public:
  virtual ~BillsTx() = default;
  // The latest closed month; months close in order, so its end is the frozen frontier.
  virtual std::optional<ClosedMonth> last_closed_month() = 0;
  virtual std::optional<ClosedMonth> find_closed_month(const std::string& month) = 0;
  virtual void insert_closed_month(const ClosedMonth& m) = 0;
  virtual void insert_bill(const IssuedBill& b) = 0;
  virtual std::optional<IssuedBill> find_bill(const std::string& tenant_id,
                                              const std::string& month) = 0;
  virtual void insert_adjustment(const BillAdjustment& a) = 0;
  virtual std::vector<BillAdjustment> adjustments(const std::string& tenant_id,
                                                  const std::string& month) = 0;
  // Makes `list_id` the one default list of `org` (any other loses the mark).
  virtual void set_default_price_list(const OrgId& org, const std::string& list_id) = 0;
  // False when the alert was already sent.
  virtual bool record_budget_alert(const std::string& contract_id, int threshold_pct,
                                   TimeMs at) = 0;
};

}  // namespace govcloud
