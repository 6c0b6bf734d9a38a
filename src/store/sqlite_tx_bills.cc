// The bills facet: closed months, issued bills, adjustments (issue 11).
#include "store/bills_tx.h"
#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

ClosedMonth closed_from(const Stmt& s) {
  return ClosedMonth{s.text(0), s.i64(1), s.i64(2), s.text(3), s.i64(4)};
}

class SqliteBillsTx final : public BillsTx {
 public:
  explicit SqliteBillsTx(Db& db) : db_(db) {}

  std::optional<ClosedMonth> last_closed_month() override {
    auto s = db_.prepare(
        "SELECT month, start_ms, end_ms, closed_by, closed_at FROM closed_months "
        "ORDER BY end_ms DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return closed_from(s);
  }

  std::optional<ClosedMonth> find_closed_month(const std::string& month) override {
    auto s = db_.prepare(
        "SELECT month, start_ms, end_ms, closed_by, closed_at FROM closed_months WHERE month = ?");
    s.bind(month);
    if (!s.step()) return std::nullopt;
    return closed_from(s);
  }

  void insert_closed_month(const ClosedMonth& m) override {
    db_.prepare(
           "INSERT INTO closed_months (month, start_ms, end_ms, closed_by, closed_at) "
           "VALUES (?,?,?,?,?)")
        .bind(m.month)
        .bind(m.start)
        .bind(m.end)
        .bind(m.closed_by)
        .bind(m.closed_at)
        .run();
  }

  void insert_bill(const IssuedBill& b) override {
    db_.prepare(
           "INSERT INTO bills (tenant_id, month, price_list, total, body, issued_by, issued_at) "
           "VALUES (?,?,?,?,?,?,?)")
        .bind(b.tenant_id)
        .bind(b.month)
        .bind(b.price_list)
        .bind(b.total.units())
        .bind(b.body)
        .bind(b.issued_by)
        .bind(b.issued_at)
        .run();
  }

  std::optional<IssuedBill> find_bill(const std::string& tenant_id,
                                      const std::string& month) override {
    auto s = db_.prepare(
        "SELECT tenant_id, month, price_list, total, body, issued_by, issued_at FROM bills "
        "WHERE tenant_id = ? AND month = ?");
    s.bind(tenant_id).bind(month);
    if (!s.step()) return std::nullopt;
    return IssuedBill{s.text(0), s.text(1), s.text(2), Money::from_units(s.i64(3)),
                      s.text(4), s.text(5), s.i64(6)};
  }

  void insert_adjustment(const BillAdjustment& a) override {
    db_.prepare(
           "INSERT INTO bill_adjustments (id, tenant_id, month, kind, amount, reason, refers_to, "
           "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)")
        .bind(a.id)
        .bind(a.tenant_id)
        .bind(a.month)
        .bind(a.kind)
        .bind(a.amount.units())
        .bind(a.reason)
        .bind(a.refers_to)
        .bind(a.created_by)
        .bind(a.created_at)
        .run();
  }

  std::vector<BillAdjustment> adjustments(const std::string& tenant_id,
                                          const std::string& month) override {
    auto s = db_.prepare(
        "SELECT id, tenant_id, month, kind, amount, reason, refers_to, created_by, created_at "
        "FROM bill_adjustments WHERE tenant_id = ? AND month = ? ORDER BY created_at, id");
    s.bind(tenant_id).bind(month);
    std::vector<BillAdjustment> out;
    while (s.step())
      out.push_back(BillAdjustment{s.text(0), s.text(1), s.text(2), s.text(3),
                                   Money::from_units(s.i64(4)), s.text(5), s.text(6), s.text(7),
                                   s.i64(8)});
    return out;
  }

  void set_default_price_list(const OrgId& org, const std::string& list_id) override {
    db_.prepare("UPDATE price_lists SET is_default = 0 WHERE org_id = ? AND id != ?")
        .bind(org.value)
        .bind(list_id)
        .run();
    db_.prepare("UPDATE price_lists SET is_default = 1 WHERE id = ?").bind(list_id).run();
  }

  bool record_budget_alert(const std::string& contract_id, int threshold_pct, TimeMs at) override {
    auto s = db_.prepare(
        "INSERT INTO budget_alerts (contract_id, threshold_pct, sent_at) VALUES (?,?,?) "
        "ON CONFLICT DO NOTHING");
    s.bind(contract_id).bind(threshold_pct).bind(at).run();
    return s.changes() > 0;
  }

 private:
  Db& db_;
};

}  // namespace

BillsTx& SqliteTx::bills() {
  if (!bills_) bills_ = std::make_unique<SqliteBillsTx>(db_);
  return *bills_;
}

}  // namespace govcloud::sqlite
