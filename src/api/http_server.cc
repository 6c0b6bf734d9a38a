#include "api/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <thread>
#include <vector>

#include "api/access_log.h"
#include "api/websocket_session.h"

namespace govcloud {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::string remote_ip, const HttpHandler& handler,
          std::int64_t max_body)
      : stream_(std::move(socket)),
        remote_ip_(std::move(remote_ip)),
        handler_(handler),
        max_body_(max_body) {}

  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(static_cast<std::uint64_t>(max_body_));
    parser_->header_limit(16 * 1024);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return close();
    }
    HttpRequest req;
    bool keep_alive = false;
    std::optional<http::request<http::string_body>> upgrade_request;
    if (ec == http::error::body_limit) {
      req.body_too_large = true;
      const auto& h = parser_->get();
      req.method = std::string(h.method_string());
      req.target = std::string(h.target());
    } else if (ec) {
      return close();
    } else {
      auto msg = parser_->release();
      keep_alive = msg.keep_alive();
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      req.content_type = std::string(msg[http::field::content_type]);
      req.authorization = std::string(msg[http::field::authorization]);
      req.idempotency_key = std::string(msg["Idempotency-Key"]);
      req.websocket = beast::websocket::is_upgrade(msg);
      req.body = std::move(msg.body());
      if (req.websocket) upgrade_request = std::move(msg);
    }
    req.remote_ip = remote_ip_;
    HttpResponse out = handler_(req);
    if (out.upgrade && upgrade_request) {
      // The connection becomes the route's WebSocket; this session ends here.
      return run_websocket(std::move(stream_), *upgrade_request, std::move(out.upgrade));
    }
    if (out.status == 101) out.status = 500;  // an upgrade without a WebSocket: a route's bug
    auto res = std::make_shared<http::response<http::string_body>>();
    res->result(static_cast<unsigned>(out.status));
    res->version(11);
    res->set(http::field::server, "govcloud");
    res->set(http::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res->set(k, v);
    res->keep_alive(keep_alive);
    res->body() = std::move(out.body);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code wec, std::size_t) {
                        if (wec || !res->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  std::string remote_ip_;  // taken once per connection, not per request
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpHandler& handler_;
  std::int64_t max_body_;
};

}  // namespace

// One io_context per I/O thread, each run by exactly that thread: a connection lives on one
// thread from accept to close, so requests share no scheduler lock (the per-request futex of a
// single multi-threaded io_context, issue 7 §8).
struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<asio::steady_timer>> flushers;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::size_t next = 0;
  std::atomic<bool> stopped{false};

  void accept() {
    auto& ioc = *contexts[next++ % contexts.size()];
    acceptor->async_accept(ioc, [this](beast::error_code ec, tcp::socket s) {
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        beast::error_code ep_ec;
        auto ep = s.remote_endpoint(ep_ec);
        std::string ip = ep_ec ? "" : ep.address().to_string();
        std::make_shared<Session>(std::move(s), std::move(ip), handler, options.max_body_bytes)
            ->start();
      }
      if (acceptor->is_open()) accept();
    });
  }

  // Each thread writes its buffered access-log lines at least once a second.
  void flush_logs_every_second(std::size_t i) {
    flushers[i]->expires_after(std::chrono::seconds(1));
    flushers[i]->async_wait([this, i](beast::error_code ec) {
      access_log::flush_this_thread();
      if (!ec && !stopped) flush_logs_every_second(i);
    });
  }
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  int n = impl_->options.threads > 0 ? impl_->options.threads
                                     : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  for (int i = 0; i < n; ++i) {
    impl_->contexts.push_back(std::make_unique<asio::io_context>(1));
    impl_->flushers.push_back(std::make_unique<asio::steady_timer>(*impl_->contexts.back()));
  }
  impl_->acceptor = std::make_unique<tcp::acceptor>(*impl_->contexts[0]);
}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::start() {
  const std::string& listen = impl_->options.listen;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return invalid("listen", "listen must be host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    return invalid("listen", "listen port is not a number: " + listen);
  }
  if (port < 0 || port > 65535) return invalid("listen", "listen port out of range");
  beast::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return invalid("listen", "listen host must be an IP address: " + host);
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  auto& acc = *impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return invalid("listen", "cannot listen on " + listen + ": " + ec.message());
  impl_->accept();
  return static_cast<int>(acc.local_endpoint().port());
}

void HttpServer::run() {
  auto& first = *impl_->contexts[0];
  asio::signal_set signals(first, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) stop();
  });
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < impl_->contexts.size(); ++i) {
    auto run_one = [this, i] {
      impl_->flush_logs_every_second(i);
      impl_->contexts[i]->run();
      access_log::flush_this_thread();
    };
    if (i == 0) continue;
    threads.emplace_back(run_one);
  }
  impl_->flush_logs_every_second(0);
  first.run();
  access_log::flush_this_thread();
  for (auto& t : threads) t.join();
}

void HttpServer::stop() {
  asio::post(*impl_->contexts[0], [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
    impl_->stopped = true;
    for (auto& c : impl_->contexts) c->stop();
  });
}

}  // namespace govcloud
