// A WebSocket client for API tests (the serial console): connect to the test server on
// loopback, send frames, and read with a bounded wait.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <string>

namespace govcloud::testing {

class WsClient {
 public:
  // Connects and asks for the upgrade; the handshake's HTTP status (101 when accepted).
  int open(int port, const std::string& target) {
    namespace beast = boost::beast;
    beast::error_code ec;
    ws_.next_layer().connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (ec) return 0;
    beast::websocket::response_type res;
    ws_.handshake(res, "127.0.0.1", target, ec);
    return ec ? static_cast<int>(res.result_int()) : 101;
  }

  void send(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(boost::asio::buffer(bytes));
  }

  // What arrives until it contains `want`, the server closes, or `ms` pass.
  std::string read_until(const std::string& want, int ms) {
    namespace beast = boost::beast;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (seen_.find(want) == std::string::npos && !closed_) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      beast::flat_buffer buf;
      bool done = false;
      beast::error_code err;
      ws_.async_read(buf, [&](beast::error_code ec, std::size_t) {
        done = true;
        err = ec;
      });
      ioc_.restart();
      ioc_.run_for(left);
      if (!done) {
        ws_.next_layer().cancel();
        ioc_.restart();
        ioc_.run();
        closed_ = true;  // a cancelled read leaves the stream unusable
        break;
      }
      if (err) {
        closed_ = true;
        break;
      }
      seen_ += beast::buffers_to_string(buf.data());
    }
    return seen_;
  }

  bool closed() const { return closed_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_{ioc_};
  std::string seen_;
  bool closed_ = false;
};

}  // namespace govcloud::testing
