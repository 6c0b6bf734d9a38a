// A small blocking HTTP/1.1 client for the CLI and the API tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace govcloud {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query
  std::string body;
  std::string token;  // sent as "Authorization: Bearer <token>" when set
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// One connection that is kept open across calls (HTTP keep-alive) and reopened when needed.
class HttpClient {
 public:
  // base_url: "http://127.0.0.1:8080"
  explicit HttpClient(const std::string& base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<ClientResponse> send(const ClientRequest& req);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace govcloud
