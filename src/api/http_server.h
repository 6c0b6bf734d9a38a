// An HTTP/1.1 server on Boost.Beast: keep-alive, a body size limit, a fixed pool of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/http.h"
#include "common/result.h"

namespace govcloud {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int threads = 0;                        // 0: one per core
  std::int64_t max_body_bytes = 1 << 20;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound port.
  Result<int> start();
  // Serves until stop() (from a signal handler thread or another thread).
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace govcloud
