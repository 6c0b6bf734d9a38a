// The metering facet: usage intervals and the metering cursor (issue 11).
#include <sqlite3.h>

#include <variant>

#include "store/sqlite_tx.h"

namespace govcloud::sqlite {
namespace {

constexpr const char* kIntervalColumns =
    "id, key, source, tenant_id, system_id, org_path, vdc_id, resource_id, code, quantity, "
    "written, start_ms, end_ms";

UsageInterval interval_from(const Stmt& s) {
  UsageInterval i;
  i.id = s.i64(0);
  i.key = s.text(1);
  i.source = parse_usage_source(s.text(2)).value_or(UsageSource::kLifecycle);
  i.tenant_id = s.text(3);
  i.system_id = s.text(4);
  i.org_path = s.text(5);
  i.vdc_id = s.text(6);
  i.resource_id = s.text(7);
  i.code = s.text(8);
  i.quantity = Decimal::from_micros(s.i64(9));
  i.written = s.text(10);
  i.start = s.i64(11);
  if (!s.is_null(12)) i.end = s.i64(12);
  return i;
}

class SqliteMeteringTx final : public MeteringTx {
 public:
  explicit SqliteMeteringTx(Db& db) : db_(db) {}

  std::int64_t metered_through() override {
    auto s = db_.prepare("SELECT through_seq FROM metering_cursor WHERE id = 1");
    return s.step() ? s.i64(0) : 0;
  }

  void set_metered_through(std::int64_t seq) override {
    db_.prepare("UPDATE metering_cursor SET through_seq = ? WHERE id = 1").bind(seq).run();
  }

  bool insert_interval(const UsageInterval& i) override {
    auto s = db_.prepare(
        "INSERT INTO usage_intervals (key, source, tenant_id, system_id, org_path, vdc_id, "
        "resource_id, code, quantity, written, start_ms, end_ms) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO NOTHING");
    s.bind(i.key)
        .bind(usage_source_name(i.source))
        .bind(i.tenant_id)
        .bind(i.system_id)
        .bind(i.org_path)
        .bind(i.vdc_id)
        .bind(i.resource_id)
        .bind(i.code)
        .bind(i.quantity.micros())
        .bind(i.written)
        .bind(i.start)
        .bind(i.end)
        .run();
    return s.changes() > 0;
  }

  bool interval_key_exists(const std::string& key) override {
    auto s = db_.prepare("SELECT 1 FROM usage_intervals WHERE key = ?");
    s.bind(key);
    return s.step();
  }

  std::optional<UsageInterval> open_interval(const std::string& resource_id,
                                             const std::string& code) override {
    auto s = db_.prepare(std::string("SELECT ") + kIntervalColumns +
                         " FROM usage_intervals WHERE resource_id = ? AND code = ? AND end_ms IS "
                         "NULL AND resource_id != ''");
    s.bind(resource_id).bind(code);
    if (!s.step()) return std::nullopt;
    return interval_from(s);
  }

  void close_interval(std::int64_t id, TimeMs end) override {
    db_.prepare("UPDATE usage_intervals SET end_ms = ? WHERE id = ?").bind(end).bind(id).run();
  }

  Listing<UsageInterval> list_intervals(const UsageQuery& q) override {
    std::vector<std::variant<std::string, std::int64_t>> args;
    std::string where = paths_clause("org_path", q.within_paths);
    for (const auto& p : q.within_paths) {
      args.emplace_back(p);
      args.emplace_back(p);
    }
    auto equal = [&](const char* column, const std::string& value) {
      if (value.empty()) return;
      where += std::string(" AND ") + column + " = ?";
      args.emplace_back(value);
    };
    equal("tenant_id", q.tenant_id);
    equal("system_id", q.system_id);
    equal("code", q.code);
    if (q.to > 0) {
      where += " AND start_ms < ?";
      args.emplace_back(q.to);
    }
    where += " AND (end_ms IS NULL OR end_ms > ?)";
    args.emplace_back(q.from);
    auto bind_all = [&](Stmt& s) {
      for (const auto& a : args) std::visit([&](const auto& v) { s.bind(v); }, a);
    };
    Listing<UsageInterval> out;
    auto count = db_.prepare("SELECT COUNT(*) FROM usage_intervals WHERE " + where);
    bind_all(count);
    if (count.step()) out.total = count.i64(0);
    auto s =
        db_.prepare(std::string("SELECT ") + kIntervalColumns + " FROM usage_intervals WHERE " +
                    where + " ORDER BY start_ms, id LIMIT ? OFFSET ?");
    bind_all(s);
    s.bind(q.limit).bind(q.offset);
    while (s.step()) out.items.push_back(interval_from(s));
    return out;
  }

  std::vector<UsageInterval> tenant_intervals(const std::string& tenant_id, TimeMs from,
                                              TimeMs to) override {
    auto s = db_.prepare(std::string("SELECT ") + kIntervalColumns +
                         " FROM usage_intervals WHERE tenant_id = ? AND start_ms < ? AND "
                         "(end_ms IS NULL OR end_ms > ?) ORDER BY system_id, code, start_ms, id");
    s.bind(tenant_id).bind(to).bind(from);
    std::vector<UsageInterval> out;
    while (s.step()) out.push_back(interval_from(s));
    return out;
  }

 private:
  Db& db_;
};

}  // namespace

MeteringTx& SqliteTx::metering() {
  if (!metering_) metering_ = std::make_unique<SqliteMeteringTx>(db_);
  return *metering_;
}

}  // namespace govcloud::sqlite
