// The operations facet of the SQLite store: long actions and usage events (decision 0010).
#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kOpColumns =
    "id, kind, target_id, org_id, org_path, user_id, idempotency_key, params, state, progress, "
    "step, error, created_at, updated_at, finished_at";

Operation op_from(const Stmt& s) {
  Operation o;
  o.id = s.text(0);
  o.kind = s.text(1);
  o.target_id = s.text(2);
  o.org_id = s.text(3);
  o.org_path = s.text(4);
  o.user_id = s.text(5);
  o.idempotency_key = s.text(6);
  o.params = s.text(7);
  o.state = parse_op_state(s.text(8)).value_or(OpState::kFailed);
  o.progress = static_cast<int>(s.i64(9));
  o.step = s.text(10);
  o.error = s.text(11);
  o.created_at = s.i64(12);
  o.updated_at = s.i64(13);
  o.finished_at = s.i64(14);
  return o;
}

Stmt& bind_op(Stmt& s, const Operation& o) {
  return s.bind(o.id)
      .bind(o.kind)
      .bind(o.target_id)
      .bind(o.org_id)
      .bind(o.org_path)
      .bind(o.user_id)
      .bind(o.idempotency_key)
      .bind(o.params)
      .bind(op_state_name(o.state))
      .bind(o.progress)
      .bind(o.step)
      .bind(o.error)
      .bind(o.created_at)
      .bind(o.updated_at)
      .bind(o.finished_at);
}

class SqliteOperationsTx final : public OperationsTx {
 public:
  explicit SqliteOperationsTx(Db& db) : db_(db) {}

  void insert_operation(const Operation& op) override {
    auto s = db_.prepare(std::string("INSERT INTO operations (") + kOpColumns +
                         ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bind_op(s, op).run();
  }

  void update_operation(const Operation& op) override {
    auto s = db_.prepare(
        "UPDATE operations SET id = ?, kind = ?, target_id = ?, org_id = ?, org_path = ?, "
        "user_id = ?, idempotency_key = ?, params = ?, state = ?, progress = ?, step = ?, "
        "error = ?, created_at = ?, updated_at = ?, finished_at = ? WHERE id = ?");
    bind_op(s, op).bind(op.id).run();
  }

  std::optional<Operation> find_operation(const std::string& id) override {
    auto s = db_.prepare(std::string("SELECT ") + kOpColumns + " FROM operations WHERE id = ?");
    s.bind(id);
    if (!s.step()) return std::nullopt;
    return op_from(s);
  }

  std::optional<Operation> find_by_idempotency_key(const std::string& user_id,
                                                   const std::string& key) override {
    auto s = db_.prepare(std::string("SELECT ") + kOpColumns +
                         " FROM operations WHERE user_id = ? AND idempotency_key = ? AND "
                         "idempotency_key != ''");
    s.bind(user_id).bind(key);
    if (!s.step()) return std::nullopt;
    return op_from(s);
  }

  std::vector<Operation> running_operations() override {
    std::vector<Operation> out;
    auto s = db_.prepare(std::string("SELECT ") + kOpColumns +
                         " FROM operations WHERE state = 'running' ORDER BY created_at, id");
    while (s.step()) out.push_back(op_from(s));
    return out;
  }

  std::vector<Operation> operations_of(const std::string& target_id, int limit) override {
    std::vector<Operation> out;
    auto s = db_.prepare(std::string("SELECT ") + kOpColumns +
                         " FROM operations WHERE target_id = ? ORDER BY created_at DESC, id "
                         "DESC LIMIT ?");
    s.bind(target_id).bind(limit);
    while (s.step()) out.push_back(op_from(s));
    return out;
  }

  bool target_busy(const std::string& target_id) override {
    auto s =
        db_.prepare("SELECT 1 FROM operations WHERE state = 'running' AND target_id = ? LIMIT 1");
    s.bind(target_id);
    return s.step();
  }

  void insert_usage_event(const UsageEvent& e) override {
    auto s = db_.prepare(
        "INSERT INTO usage_events (at, what, resource_id, catalog_code, quantity, tenant_id, "
        "system_id, vdc_id) VALUES (?,?,?,?,?,?,?,?)");
    s.bind(e.at).bind(e.what).bind(e.resource_id).bind(e.catalog_code).bind(e.quantity);
    s.bind(e.tenant_id).bind(e.system_id).bind(e.vdc_id).run();
  }

  std::vector<UsageEvent> usage_events_after(std::int64_t seq, int limit) override {
    std::vector<UsageEvent> out;
    auto s = db_.prepare(
        "SELECT seq, at, what, resource_id, catalog_code, quantity, tenant_id, system_id, "
        "vdc_id FROM usage_events WHERE seq > ? ORDER BY seq LIMIT ?");
    s.bind(seq).bind(limit);
    while (s.step())
      out.push_back(UsageEvent{s.i64(0), s.i64(1), s.text(2), s.text(3), s.text(4), s.i64(5),
                               s.text(6), s.text(7), s.text(8)});
    return out;
  }

 private:
  Db& db_;
};

}  // namespace

OperationsTx& SqliteTx::operations() {
  if (!operations_) operations_ = std::make_unique<SqliteOperationsTx>(db_);
  return *operations_;
}

}  // namespace govcloud::sqlite
