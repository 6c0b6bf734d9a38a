// Plain HTTP request/response values, so that only http_server.cc sees Boost.Beast.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace govcloud {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query as received
  std::string body;
  std::string content_type;
  std::string authorization;
  std::string idempotency_key;  // the Idempotency-Key header: a repeat returns the first result
  std::string remote_ip;
  bool body_too_large = false;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

}  // namespace govcloud
