#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "common/sealed.h"
#include "common/secret_file.h"
#include "store/migrations.h"
#include "store/sqlite_db.h"
#include "store/sqlite_tx.h"
#include "store/store.h"

namespace govcloud {
namespace sqlite {
namespace {

// The SQL and SQLite's own words go to the server log only; callers and the audit trail get a
// message without them (issue 8 §12: errors must not describe the schema).
Error store_error(const StoreError& e) {
  spdlog::warn("store: {}", e.what());
  if (e.is_constraint())
    return Error{ErrorCode::kConflict, "the change conflicts with data that already exists", {}};
  return Error{ErrorCode::kInternal, "the store could not complete the request", {}};
}

// One writer connection (SQLite has one writer at a time anyway) and a pool of readers, which
// WAL lets run beside the writer on their own snapshots.
// The audit key file: "key <hex>" and "keyed-from <seq>". A store that already had records
// when its key was made keeps those under plain SM3 and is keyed from the next one.
Result<AuditKey> load_or_create_audit_key(const std::string& path, std::int64_t head_seq) {
  AuditKey k;
  if (!secret_file_exists(path)) {
    k.key = random_bytes(32);
    k.keyed_from = head_seq + 1;
    GC_TRY(write_secret_file(
        path, "key " + to_hex(k.key) + "\nkeyed-from " + std::to_string(k.keyed_from) + "\n"));
    return k;
  }
  GC_ASSIGN_OR_RETURN(auto text, read_secret_file(path));
  char hex[129] = {};
  long long from = 0;
  if (std::sscanf(text.c_str(), "key %128s keyed-from %lld", hex, &from) != 2 ||
      !from_hex(hex, k.key) || k.key.size() != 32 || from < 1)
    return Error{ErrorCode::kInvalidArgument, "audit key file " + path + " is damaged", "keys_dir"};
  k.keyed_from = from;
  return k;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)), writer_(path_, false) {
    migrate();
  }

  // Reads (creating on first start) the keys kept outside the database, then seals any TOTP
  // secret written before sealing existed (issue 8 §10).
  Status load_keys(const std::string& keys_dir) {
    AuditHead head;
    {
      SqliteTx tx(writer_, keys_, false);
      head = tx.stored_audit_head();
    }
    GC_ASSIGN_OR_RETURN(keys_.audit, load_or_create_audit_key(keys_dir + "/audit.key", head.seq));
    GC_ASSIGN_OR_RETURN(keys_.secrets, load_or_create_key(keys_dir + "/secrets.key", 32));
    return seal_plain_secrets();
  }

  const AuditKey& audit_key() const override { return keys_.audit; }
  void set_audit_listener(AuditListener listener) override {
    std::lock_guard lock(write_mu_);
    listener_ = std::move(listener);
  }
  ~SqliteStore() override {
    for (auto& s : slots_) delete s.exchange(nullptr);
  }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  int schema_version() override {
    std::lock_guard lock(write_mu_);
    auto s = writer_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return s.step() ? static_cast<int>(s.i64(0)) : 0;
  }

 protected:
  Status run_write(const std::function<bool(Tx&)>& body) override {
    std::lock_guard lock(write_mu_);
    try {
      writer_.exec("BEGIN IMMEDIATE");
    } catch (const StoreError& e) {
      return store_error(e);
    }
    try {
      SqliteTx tx(writer_, keys_, true);
      if (body(tx)) {
        writer_.exec("COMMIT");
        // Still under the writer lock, so listeners see heads in commit order.
        if (auto commit = tx.audit_commit(); commit && listener_) listener_(*commit);
      } else {
        writer_.exec("ROLLBACK");
      }
      return ok_status();
    } catch (const StoreError& e) {
      rollback_quietly();
      return store_error(e);
    } catch (...) {
      rollback_quietly();
      throw;
    }
  }

  Status run_read(const std::function<void(Tx&)>& body) override {
    std::unique_ptr<Db> db = take_reader();
    Status result = ok_status();
    try {
      db->exec("BEGIN");
      SqliteTx tx(*db, keys_, false);
      body(tx);
      db->exec("COMMIT");
    } catch (const StoreError& e) {
      try {
        db->exec("ROLLBACK");
      } catch (const StoreError&) {
      }
      result = store_error(e);
    }
    give_back(std::move(db));
    return result;
  }

 private:
  Status seal_plain_secrets() {
    std::vector<std::pair<std::string, std::string>> plain;
    auto s = writer_.prepare(
        "SELECT id, totp_secret FROM users WHERE totp_secret != '' AND totp_secret NOT LIKE "
        "'sm4:%'");
    while (s.step()) plain.emplace_back(s.text(0), s.text(1));
    if (plain.empty()) return ok_status();
    writer_.exec("BEGIN IMMEDIATE");
    try {
      for (const auto& [id, secret] : plain)
        writer_.prepare("UPDATE users SET totp_secret = ? WHERE id = ?")
            .bind(seal(keys_.secrets, secret))
            .bind(id)
            .run();
      writer_.exec("COMMIT");
    } catch (...) {
      rollback_quietly();
      throw;
    }
    spdlog::info("store: sealed {} TOTP secret(s) written in plain text", plain.size());
    return ok_status();
  }

  void rollback_quietly() {
    try {
      writer_.exec("ROLLBACK");
    } catch (const StoreError&) {
    }
  }

  // Reader connections wait in slots taken and returned by an atomic exchange, each thread
  // starting at its own slot: no lock shared by every request, so the I/O threads never
  // contend (issue 7 §8: the futex between the two I/O threads).
  static std::size_t home_slot() {
    static std::atomic<std::size_t> next{0};
    thread_local std::size_t slot = next++ % kSlots;
    return slot;
  }

  std::unique_ptr<Db> take_reader() {
    std::size_t home = home_slot();
    for (std::size_t i = 0; i < kSlots; ++i) {
      if (Db* db = slots_[(home + i) % kSlots].exchange(nullptr)) return std::unique_ptr<Db>(db);
    }
    return std::make_unique<Db>(path_, true);
  }

  void give_back(std::unique_ptr<Db> db) {
    std::size_t home = home_slot();
    Db* raw = db.release();
    for (std::size_t i = 0; i < kSlots; ++i) {
      Db* empty = nullptr;
      if (slots_[(home + i) % kSlots].compare_exchange_strong(empty, raw)) return;
    }
    delete raw;  // every slot is taken: more readers than the pool keeps
  }

  void migrate() {
    writer_.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')))");
    for (const auto& m : migrations()) {
      bool applied = false;
      {  // finished before the migration runs: a pending read blocks DROP TABLE
        auto s = writer_.prepare("SELECT COUNT(*) FROM schema_migrations WHERE version = ?");
        s.bind(m.version);
        applied = s.step() && s.i64(0) > 0;
      }
      if (applied) continue;
      // SQLite's way to change a table's constraints: rebuild it with foreign keys off (they
      // cannot change inside a transaction), then check every reference before committing.
      writer_.exec("PRAGMA foreign_keys = OFF");
      writer_.exec("BEGIN IMMEDIATE");
      try {
        writer_.exec(m.sql);
        bool broken = false;
        {
          auto check = writer_.prepare("PRAGMA foreign_key_check");
          broken = check.step();
        }
        if (broken)
          throw StoreError(SQLITE_CONSTRAINT,
                           std::string("migration ") + m.name + " leaves a broken reference");
        writer_.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")
            .bind(m.version)
            .bind(m.name)
            .run();
        writer_.exec("COMMIT");
        writer_.exec("PRAGMA foreign_keys = ON");
      } catch (...) {
        rollback_quietly();
        writer_.exec("PRAGMA foreign_keys = ON");
        throw;
      }
    }
  }

  std::string path_;
  StoreKeys keys_;
  AuditListener listener_;
  std::mutex write_mu_;
  Db writer_;
  static constexpr std::size_t kSlots = 32;
  std::array<std::atomic<Db*>, kSlots> slots_{};
};

}  // namespace
}  // namespace sqlite

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& data_dir,
                                                 const std::string& keys_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return invalid("data_dir", "cannot create data dir " + data_dir + ": " + ec.message());
  try {
    auto store = std::make_unique<sqlite::SqliteStore>(data_dir + "/govcloud.db");
    GC_TRY(store->load_keys(keys_dir.empty() ? data_dir + "/keys" : keys_dir));
    return std::unique_ptr<Store>(std::move(store));
  } catch (const sqlite::StoreError& e) {
    return Error{ErrorCode::kInternal, std::string("cannot open store: ") + e.what(), {}};
  }
}

}  // namespace govcloud
