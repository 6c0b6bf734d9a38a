#include "api/websocket_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>

namespace govcloud {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;

namespace {

constexpr std::size_t kMaxMessage =
    std::size_t{64} * 1024;  // keystrokes and pastes, not file transfers

class WebSocketSession final : public SocketPeer,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(beast::tcp_stream stream, SocketAccept accept)
      : ws_(std::move(stream)), accept_(std::move(accept)) {}

  void run(const http::request<http::string_body>& request) {
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket keeps its own timeouts
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = std::chrono::minutes(10);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(kMaxMessage);
    ws_.binary(true);
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->end();
      self->handlers_ = self->accept_(self);
      self->accept_ = nullptr;
      self->read();
    });
  }

  void send(std::string bytes) override {
    boost::asio::post(ws_.get_executor(),
                      [self = shared_from_this(), b = std::move(bytes)]() mutable {
                        if (self->ended_) return;
                        self->queue_.push_back(std::move(b));
                        if (self->queue_.size() == 1) self->write_next();
                      });
  }

  void close() override {
    boost::asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->ended_ || self->closing_) return;
      self->closing_ = true;
      // Whatever is queued goes out first; the close frame follows the last write.
      if (self->queue_.empty()) self->close_now();
    });
  }

 private:
  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end();
      std::string text = beast::buffers_to_string(self->in_.data());
      self->in_.consume(self->in_.size());
      if (self->handlers_.message) self->handlers_.message(std::move(text));
      self->read();
    });
  }

  void write_next() {
    ws_.async_write(boost::asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return self->end();
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) return self->write_next();
                      if (self->closing_) self->close_now();
                    });
  }

  void close_now() {
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](beast::error_code) { self->end(); });
  }

  // Once: the route learns the client is gone (it closes the console).
  void end() {
    if (ended_) return;
    ended_ = true;
    queue_.clear();
    if (handlers_.closed) handlers_.closed();
    handlers_ = {};
  }

  websocket::stream<beast::tcp_stream> ws_;
  SocketAccept accept_;
  SocketHandlers handlers_;
  beast::flat_buffer in_;
  std::deque<std::string> queue_;
  bool closing_ = false;
  bool ended_ = false;
};

}  // namespace

void run_websocket(beast::tcp_stream stream, const http::request<http::string_body>& request,
                   SocketAccept accept) {
  std::make_shared<WebSocketSession>(std::move(stream), std::move(accept))->run(request);
}

}  // namespace govcloud
