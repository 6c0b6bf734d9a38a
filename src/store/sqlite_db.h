// A small RAII layer over the SQLite C API: one connection with a cache of prepared
// statements, and a statement cursor that binds by position and resets itself when done.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace govcloud::sqlite {

// Thrown on any SQLite failure; turned into an Error at the transaction boundary.
class StoreError : public std::runtime_error {
 public:
  StoreError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  bool is_constraint() const { return (code_ & 0xff) == SQLITE_CONSTRAINT; }
  bool is_busy() const { return (code_ & 0xff) == SQLITE_BUSY; }

 private:
  int code_;
};

class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Stmt& bind(const std::string& v);
  Stmt& bind(const char* v) { return bind(std::string(v)); }
  Stmt& bind(std::int64_t v);
  Stmt& bind(int v) { return bind(static_cast<std::int64_t>(v)); }
  Stmt& bind(bool v) { return bind(static_cast<std::int64_t>(v ? 1 : 0)); }
  Stmt& bind_null();
  template <typename T>
  Stmt& bind(const std::optional<T>& v) {
    return v ? bind(*v) : bind_null();
  }

  // True while a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  std::int64_t changes() const { return sqlite3_changes64(db_); }

  std::string text(int col) const;
  std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool boolean(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::optional<std::string> opt_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_ = 1;
};

class Db {
 public:
  // Opens the file; read_only connections refuse writes (PRAGMA query_only).
  Db(const std::string& path, bool read_only);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Stmt prepare(const std::string& sql);
  void exec(const std::string& sql);
  sqlite3* raw() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace govcloud::sqlite
