#include "api/errors.h"

#include <boost/json.hpp>

#include "common/utf8.h"

namespace govcloud {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kPasswordExpired:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kConflict:
    case ErrorCode::kQuotaExceeded:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMedia:
      return 415;
    case ErrorCode::kLocked:
      return 423;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse error_response(const Error& e, const std::string& request_id) {
  // Messages may quote what the caller sent; the answer is valid UTF-8 whatever that was.
  boost::json::object err{{"code", error_code_name(e.code)},
                          {"message", valid_utf8(e.message)},
                          {"request_id", request_id}};
  if (!e.field.empty()) err["field"] = valid_utf8(e.field);
  HttpResponse r;
  r.status = http_status(e.code);
  r.body = boost::json::serialize(boost::json::object{{"error", std::move(err)}});
  if (e.code == ErrorCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace govcloud
