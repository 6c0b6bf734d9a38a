// The one mapping from ErrorCode to HTTP status, and the error body
// {"error":{"code","message","field","request_id"}}.
#pragma once

#include <string>

#include "api/http.h"
#include "common/result.h"

namespace govcloud {

int http_status(ErrorCode code);
HttpResponse error_response(const Error& e, const std::string& request_id);

}  // namespace govcloud
