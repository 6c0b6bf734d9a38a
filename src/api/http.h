// Plain HTTP request/response values, so that only http_server.cc sees Boost.Beast.
#pragma once

#include <functional>
#include <memory>
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
  bool websocket = false;  // a WebSocket upgrade request (the serial console)
};

// The client end of an accepted WebSocket. Both calls are safe from any thread; sends go out
// in order as binary frames.
class SocketPeer {
 public:
  virtual ~SocketPeer() = default;
  virtual void send(std::string bytes) = 0;
  virtual void close() = 0;
};

// What a route does with a socket it accepted: told the peer, it answers with what to do with
// each message from the client and, once, when the client is gone.
struct SocketHandlers {
  std::function<void(std::string)> message;
  std::function<void()> closed;
};
using SocketAccept = std::function<SocketHandlers(std::shared_ptr<SocketPeer>)>;

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  SocketAccept upgrade;  // set with status 101: the server accepts the WebSocket and bridges it
};

using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

}  // namespace govcloud
