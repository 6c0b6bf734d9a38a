// A WebSocket accepted on an HTTP connection (the serial console): seen by http_server.cc
// only, like the rest of Boost.Beast.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http.h"

namespace govcloud {

// Takes over the connection: completes the handshake for `request`, then hands the peer to
// `accept` and bridges frames both ways until either side ends.
void run_websocket(boost::beast::tcp_stream stream,
                   const boost::beast::http::request<boost::beast::http::string_body>& request,
                   SocketAccept accept);

}  // namespace govcloud
