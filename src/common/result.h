// Result<T>: a value or an Error. Expected failures (bad input, not found, denied) travel as
// values; exceptions stay for programming errors. The HTTP status for each ErrorCode is chosen
// in one place, src/api/errors.cc.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace govcloud {

enum class ErrorCode {
  kInvalidArgument,   // 400: a field is malformed or out of range
  kUnauthenticated,   // 401: no, bad or expired credentials
  kPermissionDenied,  // 403: authenticated but not allowed
  kNotFound,          // 404: does not exist or is not visible to the caller
  kConflict,          // 409: state does not allow it (duplicate, not empty, …)
  kQuotaExceeded,     // 409: a quota would be exceeded
  kLocked,            // 423: account locked after failed logins
  kPayloadTooLarge,   // 413
  kUnsupportedMedia,  // 415
  kMethodNotAllowed,  // 405
  kPasswordExpired,   // 403 with its own code so clients can prompt for a change
  kRateLimited,       // 429: too many attempts; retry later
  kInternal,          // 500: a bug or an infrastructure failure
};

const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;  // the request field at fault, when there is one
};

inline Error invalid(std::string field, std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}
inline Error not_found(const std::string& what) {
  return Error{ErrorCode::kNotFound, what + " not found", {}};
}
inline Error denied(std::string message) {
  return Error{ErrorCode::kPermissionDenied, std::move(message), {}};
}
inline Error conflict(std::string message, std::string field = {}) {
  return Error{ErrorCode::kConflict, std::move(message), std::move(field)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};

// Status is a Result with nothing to return.
using Status = Result<Ok>;
inline Status ok_status() {
  return Ok{};
}

}  // namespace govcloud

// Propagate an error from an expression returning Result/Status.
#define GC_TRY(expr)                                         \
  do {                                                       \
    auto gc_try_result_ = (expr);                            \
    if (!gc_try_result_.ok()) return gc_try_result_.error(); \
  } while (0)

#define GC_CONCAT_INNER(a, b) a##b
#define GC_CONCAT(a, b) GC_CONCAT_INNER(a, b)
// lhs is a declaration ("auto x") and tmp a fresh name, so neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define GC_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.error();             \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
#define GC_ASSIGN_OR_RETURN(lhs, expr) \
  GC_ASSIGN_OR_RETURN_IMPL(GC_CONCAT(gc_assign_tmp_, __LINE__), lhs, expr)
