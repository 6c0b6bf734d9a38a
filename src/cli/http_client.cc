#include "cli/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace govcloud {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  std::string host;
  std::string port;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;

  Status connect() {
    try {
      tcp::resolver resolver(ioc);
      auto endpoints = resolver.resolve(host, port);
      stream.emplace(ioc);
      stream->expires_after(std::chrono::seconds(30));
      stream->connect(endpoints);
      stream->socket().set_option(tcp::no_delay(true));
      return ok_status();
    } catch (const boost::system::system_error& e) {
      stream.reset();
      // code().message(), not what(): what() appends Boost's source location.
      return Error{ErrorCode::kUnauthenticated,
                   "cannot connect to " + host + ":" + port + ": " + e.code().message(), "server"};
    } catch (const std::exception& e) {
      stream.reset();
      return Error{ErrorCode::kUnauthenticated,
                   "cannot connect to " + host + ":" + port + ": " + e.what(), "server"};
    }
  }

  Result<ClientResponse> once(const ClientRequest& req) {
    http::request<http::string_body> r{http::string_to_verb(req.method), req.target, 11};
    r.set(http::field::host, host);
    r.set(http::field::user_agent, "govcloud-cli");
    r.keep_alive(true);
    if (!req.token.empty()) r.set(http::field::authorization, "Bearer " + req.token);
    for (const auto& [k, v] : req.headers) r.set(k, v);
    if (!req.body.empty()) {
      r.set(http::field::content_type, req.content_type);
      r.body() = req.body;
    }
    r.prepare_payload();
    stream->expires_after(std::chrono::seconds(60));
    http::write(*stream, r);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{256} * 1024 * 1024);
    http::read(*stream, buffer, parser);
    auto res = parser.release();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
    if (!res.keep_alive()) stream.reset();
    return out;
  }
};

HttpClient::HttpClient(const std::string& base_url) : impl_(new Impl) {
  std::string rest = base_url;
  if (rest.rfind("http://", 0) == 0) rest = rest.substr(7);
  auto slash = rest.find('/');
  if (slash != std::string::npos) rest = rest.substr(0, slash);
  auto colon = rest.rfind(':');
  impl_->host = colon == std::string::npos ? rest : rest.substr(0, colon);
  impl_->port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
}

HttpClient::~HttpClient() {
  delete impl_;
}

Result<ClientResponse> HttpClient::send(const ClientRequest& req) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl_->stream.has_value();
    if (!reused) GC_TRY(impl_->connect());
    std::string why;
    try {
      return impl_->once(req);
    } catch (const boost::system::system_error& e) {
      why = e.code().message();
    } catch (const std::exception& e) {
      why = e.what();
    }
    impl_->stream.reset();
    // Only a kept-alive connection that the server had closed is retried, once; a failure on
    // a fresh connection is reported, so a mutation is never sent twice by us.
    if (!reused || attempt == 1) return Error{ErrorCode::kInternal, "request failed: " + why, {}};
  }
  return Error{ErrorCode::kInternal, "request failed", {}};
}

}  // namespace govcloud
