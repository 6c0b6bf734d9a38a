// Starts the real `govcloud serve` on a free loopback port with a fresh data dir, and talks to
// it over HTTP.
#pragma once

#include <sys/types.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/http_client.h"

namespace govcloud::testing {

inline const std::string kAdminPassword = "Gov#Cloud2026";

struct Resp {
  int status = 0;
  boost::json::value json;
  std::string body;
  std::string error_code() const;
  std::string error_field() const;
};

class TestServer {
 public:
  // extra: more `serve` arguments, e.g. {"--set", "lockout.max_failures=3"}.
  explicit TestServer(std::vector<std::string> extra = {}, std::string data_dir = "");
  ~TestServer();

  void start();
  void kill_hard();  // SIGKILL, for crash tests
  void stop();       // SIGTERM and wait
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  Resp call(const std::string& method, const std::string& target, const std::string& token = "",
            const std::string& body = "", const std::string& content_type = "application/json",
            const std::vector<std::pair<std::string, std::string>>& headers = {});
  Resp call(const std::string& method, const std::string& target, const std::string& token,
            const boost::json::value& body);
  // Logs in and returns the token; fails the test on error.
  std::string login(const std::string& user, const std::string& password = kAdminPassword);

 private:
  std::vector<std::string> extra_;
  std::string data_dir_;
  bool own_dir_ = false;
  pid_t pid_ = -1;
  int port_ = 0;
  std::unique_ptr<HttpClient> client_;
};

// Runs `govcloud <args>` and returns its exit code; output goes to *out when given.
int run_cli(const std::vector<std::string>& args, std::string* out = nullptr);

}  // namespace govcloud::testing
