#include "api/test_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace govcloud::testing {

namespace json = boost::json;

std::string Resp::error_code() const {
  if (!json.is_object() || !json.as_object().contains("error")) return "";
  return std::string(json.at("error").at("code").as_string());
}

std::string Resp::error_field() const {
  if (!json.is_object() || !json.as_object().contains("error")) return "";
  const auto& e = json.at("error").as_object();
  return e.contains("field") ? std::string(e.at("field").as_string()) : "";
}

TestServer::TestServer(std::vector<std::string> extra, std::string data_dir)
    : extra_(std::move(extra)), data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    static int n = 0;
    data_dir_ = (std::filesystem::temp_directory_path() /
                 ("govcloud-api-" + std::to_string(::getpid()) + "-" + std::to_string(n++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    own_dir_ = true;
  }
  start();
}

TestServer::~TestServer() {
  stop();
  if (own_dir_) {
    std::filesystem::remove_all(data_dir_);
    std::filesystem::remove_all(data_dir_ + "-storage");
  }
}

void TestServer::start() {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::vector<std::string> args = {GOVCLOUD_BINARY, "serve", "--listen", "127.0.0.1:0",
                                   "--data-dir", data_dir_, "--set", "access_log=false",
                                   // Tests sign in faster than people; the limits have their
                                   // own test (Hardening.Case5…), which sets them back.
                                   "--set", "password_rate.per_source_per_minute=1000000", "--set",
                                   "password_rate.per_user_per_minute=1000000"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::setenv("GOVCLOUD_BOOTSTRAP_PASSWORD", kAdminPassword.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  FILE* out = ::fdopen(fds[0], "r");
  char line[512];
  port_ = 0;
  while (std::fgets(line, sizeof line, out) != nullptr) {
    std::string s(line);
    auto at = s.find("listening on http://127.0.0.1:");
    if (at != std::string::npos) {
      port_ = std::stoi(s.substr(at + 30));
      break;
    }
  }
  // Keep draining stdout in the background so the server never blocks on a full pipe.
  std::thread([out] {
    char buf[512];
    while (std::fgets(buf, sizeof buf, out) != nullptr) {
    }
    std::fclose(out);
  }).detach();
  ASSERT_GT(port_, 0) << "server did not start";
  client_ = std::make_unique<HttpClient>(base_url());
}

void TestServer::kill_hard() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  client_.reset();
}

void TestServer::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (pid_ > 0) kill_hard();
  }
  client_.reset();
}

Resp TestServer::call(const std::string& method, const std::string& target,
                      const std::string& token, const std::string& body,
                      const std::string& content_type,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  ClientRequest req;
  req.headers = headers;
  req.method = method;
  req.target = target;
  req.token = token;
  req.body = body;
  req.content_type = content_type;
  auto r = client_->send(req);
  Resp out;
  if (!r.ok()) {
    ADD_FAILURE() << method << " " << target << ": " << r.error().message;
    return out;
  }
  out.status = r->status;
  out.body = r->body;
  if (std::getenv("GOVCLOUD_TEST_TRACE"))
    std::fprintf(stderr, "%s %s -> %d %.300s\n", method.c_str(), target.c_str(), out.status,
                 out.body.c_str());
  if (r->content_type.rfind("application/json", 0) == 0 && !r->body.empty()) {
    boost::system::error_code ec;
    out.json = json::parse(r->body, ec);
    if (ec) ADD_FAILURE() << "reply is not JSON: " << r->body.substr(0, 200);
  }
  return out;
}

Resp TestServer::call(const std::string& method, const std::string& target,
                      const std::string& token, const json::value& body) {
  return call(method, target, token, json::serialize(body));
}

std::string TestServer::login(const std::string& user, const std::string& password) {
  auto r = call("POST", "/api/v1/auth/login", "",
                json::value(json::object{{"username", user}, {"password", password}}));
  EXPECT_EQ(r.status, 200) << user << ": " << r.body;
  if (r.status != 200) return "";
  return std::string(r.json.at("token").as_string());
}

int run_cli(const std::vector<std::string>& args, std::string* out) {
  std::string cmd = std::string(GOVCLOUD_BINARY);
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::string text;
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int status = ::pclose(p);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace govcloud::testing
