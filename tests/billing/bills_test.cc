// Bills (issue 11 §2–3, BIL-*): the tenant's list (contract's, else the unit's default), closing
// a month issues bills that never change, freezes the month's usage and prices, and corrections
// become adjustments on an open month; exports read back by other tools.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "billing/billing.h"
#include "metering/metering.h"
#include "store/bills_tx.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
namespace json = boost::json;

TimeMs at(const std::string& local) {
  return testing::shanghai(local);
}

const char* const kHeader = "event_id,tenant,system,code,quantity,unit,start,end\n";

class BillsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env.build_tree();
    env.clock.set(at("2026-11-18T10:00:00"));
    list = must(env.billing->create_price_list(env.mu_admin, "区价目", env.mu.id, "", env.ctx)).id;
    for (auto [code, amount] : {std::pair{"compute-vcpu", "3.1"}, {"storage-normal", "0.3"}}) {
      PriceInput in{code, amount, 1, "", at("2026-01-01T00:00:00")};
      must(env.billing->set_price(env.mu_admin, list, in, env.ctx), code);
    }
  }
  Result<UsageIntake> import(const std::string& rows) {
    return env.set->metering.import_csv(env.admin, std::string(kHeader) + rows, env.ctx);
  }
  Bill bill(const Principal& who, const std::string& month, bool rerate = false) {
    return must(env.billing->bill(who, env.tenant_a.id, month, "", rerate), month.c_str());
  }
  Env env;
  std::string list;
};

// October 2026 has 31 days: 10 vCPU all month × 3.1 = 31.00; 100 GB for 15½ days ×
// 0.3 = 100 × 15.5/31 × 0.3 = 15.00. The unit has one list, so it is the tenant's.
TEST_F(BillsTest, ClosingAMonthIssuesBillsThatNeverChangeAndFreezesTheMonth) {
  must(
      import("v-1,A局,A系统,compute-vcpu,10,,2026-10-01T00:00:00+08:00,2026-11-01T00:00:00+08:00\n"
             "d-1,A局,A系统,storage-normal,1,100GB,2026-10-01T00:00:00+08:00,"
             "2026-10-16T12:00:00+08:00\n"));
  Bill open = bill(env.a_member, "2026-10");
  EXPECT_EQ(open.state, "open");
  EXPECT_EQ(open.price_list_basis, "the unit's only list");
  EXPECT_EQ(open.total.str(), "46.00");

  // Only the platform's bill.manage closes a month, once it has ended, in order.
  EXPECT_EQ(env.billing->close_month(env.mu_admin, "2026-10", env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(env.billing->close_month(env.admin, "2026-11", env.ctx).error().field, "month");
  EXPECT_EQ(env.billing->close_month(env.admin, "2026-13", env.ctx).error().field, "month");
  auto closed = must(env.billing->close_month(env.admin, "2026-10", env.ctx));
  EXPECT_EQ(closed.bills, 2);  // tenants A and B
  EXPECT_EQ(closed.total.str(), "46.00");
  auto again = env.billing->close_month(env.admin, "2026-10", env.ctx);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  env.clock.set(at("2027-01-05T00:00:00"));
  EXPECT_NE(env.billing->close_month(env.admin, "2026-12", env.ctx)
                .error()
                .message.find("close 2026-11 first"),
            std::string::npos);
  env.clock.set(at("2026-11-18T10:00:00"));

  Bill issued = bill(env.a_member, "2026-10");
  EXPECT_EQ(issued.state, "issued");
  EXPECT_EQ(issued.total.str(), "46.00");
  EXPECT_GT(issued.issued_at, 0);

  // The month is frozen: usage starting in it and prices taking effect in it are refused, each
  // naming what to do instead; a price from an open month's date is still taken.
  auto late = import("v-2,A局,A系统,compute-vcpu,4,,2026-10-20T00:00:00+08:00,\n");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().field, "line 2.start");
  EXPECT_NE(late.error().message.find("adjustment"), std::string::npos);
  PriceInput past{"compute-vcpu", "6.2", 1, "", at("2026-10-20T00:00:00")};
  EXPECT_EQ(env.billing->set_price(env.mu_admin, list, past, env.ctx).error().field,
            "effective_from");
  PriceInput november{"compute-vcpu", "6.2", 1, "", at("2026-11-11T00:00:00")};
  must(env.billing->set_price(env.mu_admin, list, november, env.ctx));

  // Re-rating the closed month gives the issued bill byte for byte, price change or not.
  EXPECT_EQ(json::serialize(bill_json(bill(env.a_member, "2026-10", true))),
            json::serialize(bill_json(issued)));
  // An issued bill is never replaced: the store refuses a second one for the month.
  auto tamper = env.store->transact([&](Tx& tx) -> Status {
    tx.bills().insert_bill(IssuedBill{env.tenant_a.id.value, "2026-10", "", {}, "{}", "x", 1});
    return ok_status();
  });
  EXPECT_FALSE(tamper.ok());
}

// Corrections are adjustments on an open month's bill, posted by the tenant's unit, never by
// the tenant itself; a credit lowers the bill and appears in its adjustments section.
TEST_F(BillsTest, AdjustmentsGoOnAnOpenMonthByTheUnitOnly) {
  must(import("v-1,A局,A系统,compute-vcpu,10,,2026-10-01T00:00:00+08:00,\n"));
  env.clock.set(at("2026-11-02T00:00:00"));
  must(env.billing->close_month(env.admin, "2026-10", env.ctx));
  AdjustmentInput credit{"", "credit", "-10.00", "2026-10 SLA 未达标 / SLA missed", "2026-10"};
  EXPECT_EQ(env.billing->adjust(env.a_admin, env.tenant_a.id, credit, env.ctx).error().code,
            ErrorCode::kPermissionDenied);  // a tenant cannot credit itself
  EXPECT_EQ(env.billing->adjust(env.b_admin, env.tenant_a.id, credit, env.ctx).error().code,
            ErrorCode::kNotFound);
  AdjustmentInput closed = credit;
  closed.month = "2026-10";
  EXPECT_EQ(env.billing->adjust(env.mu_admin, env.tenant_a.id, closed, env.ctx).error().field,
            "month");
  for (auto [kind, amount, field] : {std::tuple{"credit", "100", "amount"},
                                     {"penalty", "0", "amount"},
                                     {"refund", "-1", "kind"},
                                     {"credit", "-0.001", "amount"},
                                     {"credit", "abc", "amount"}}) {
    AdjustmentInput bad = credit;
    bad.kind = kind;
    bad.amount = amount;
    EXPECT_EQ(env.billing->adjust(env.mu_admin, env.tenant_a.id, bad, env.ctx).error().field, field)
        << kind << " " << amount;
  }
  auto a = must(env.billing->adjust(env.mu_admin, env.tenant_a.id, credit, env.ctx));
  EXPECT_EQ(a.month, "2026-11");
  // November: 10 vCPU all month × 3.1 = 31.00; the credit takes 10.00 off.
  env.clock.set(at("2026-12-01T00:00:00"));
  Bill nov = bill(env.a_admin, "2026-11");
  ASSERT_EQ(nov.adjustments.size(), 1u);
  EXPECT_EQ(nov.usage_total.str(), "31.00");
  EXPECT_EQ(nov.adjustments_total.str(), "-10.00");
  EXPECT_EQ(nov.total.str(), "21.00");
  // Issued with the month, adjustments and all.
  must(env.billing->close_month(env.admin, "2026-11", env.ctx));
  Bill issued = bill(env.a_admin, "2026-11");
  EXPECT_EQ(issued.total.str(), "21.00");
  ASSERT_EQ(issued.adjustments.size(), 1u);
  EXPECT_EQ(issued.adjustments[0].reason, "2026-10 SLA 未达标 / SLA missed");
}

// BIL-*: a contract's list wins over the unit's default, which wins over "the only list".
TEST_F(BillsTest, TheTenantsListIsItsContractsElseItsUnitsDefault) {
  std::string other =
      must(env.billing->create_price_list(env.mu_admin, "另一价目", env.mu.id, "", env.ctx)).id;
  PriceInput in{"compute-vcpu", "6.2", 1, "", at("2026-01-01T00:00:00")};
  must(env.billing->set_price(env.mu_admin, other, in, env.ctx));
  must(import("v-1,A局,A系统,compute-vcpu,1,,2026-10-01T00:00:00+08:00,\n"));
  // Two lists, none default: the bill asks which.
  EXPECT_EQ(env.billing->bill(env.a_admin, env.tenant_a.id, "2026-10", "").error().field,
            "price_list");
  must(env.billing->set_default_price_list(env.mu_admin, other, env.ctx));
  EXPECT_EQ(bill(env.a_admin, "2026-10").total.str(), "6.20");
  EXPECT_EQ(bill(env.a_admin, "2026-10").price_list_basis, "unit default");
  EXPECT_EQ(env.billing->set_default_price_list(env.a_admin, list, env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  must(env.billing->set_default_price_list(env.mu_admin, list, env.ctx));
  EXPECT_EQ(bill(env.a_admin, "2026-10").total.str(), "3.10");  // one default per unit
}

// Exports (BIL-*, issue 11 §3): XLSX numeric cells and a CSV, each read back by Python.
TEST_F(BillsTest, ExportsReadBackWithTheSameNumbers) {
  must(
      import("v-1,A局,A系统,compute-vcpu,10,,2026-10-01T00:00:00+08:00,\n"
             "d-1,A局,A系统,storage-normal,1,100GB,2026-10-01T00:00:00+08:00,"
             "2026-10-16T12:00:00+08:00\n"));
  Bill b = bill(env.a_admin, "2026-10");
  auto write = [&](const std::string& name, const std::string& content) {
    auto p = env.dir / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  };
  std::string xlsx = write("bill.xlsx", must(bill_xlsx(b)));
  std::string csv = write("bill.csv", "\xEF\xBB\xBF" + bill_csv(b));
  std::string js = write("bill.json", json::serialize(bill_json(b)));
  std::string cmd = std::string(GOVCLOUD_PYTHON) + " " + GOVCLOUD_TESTS_DIR +
                    "/billing/bill_readback.py " + xlsx + " " + csv + " " + js;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace
}  // namespace govcloud
