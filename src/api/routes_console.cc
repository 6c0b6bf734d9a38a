// A VM's consoles, serial line and screen (VNC), over a WebSocket on the API (CMP-02, §5): a ticket
// from a signed-in caller with vm.operate, then the socket that presents it (decision 0010).
#include <boost/json.hpp>
#include <mutex>

#include "api/json_out.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxPending =
    std::size_t{64} * 1024;  // output before the socket is up: the banner

// Joins a driver's console stream to a client's socket. The driver's sink holds it weakly,
// the socket's handlers strongly: when the client goes, the console is closed with it.
class ConsoleBridge final {
 public:
  ~ConsoleBridge() {
    if (stream_) stream_->close();
  }

  static ConsoleSink sink_for(const std::shared_ptr<ConsoleBridge>& bridge) {
    std::weak_ptr<ConsoleBridge> weak = bridge;
    return ConsoleSink{[weak](std::string bytes) {
                         if (auto b = weak.lock()) b->to_client(std::move(bytes));
                       },
                       [weak](const std::string&) {
                         if (auto b = weak.lock()) b->console_ended();
                       }};
  }

  void set_stream(std::unique_ptr<ConsoleStream> stream) { stream_ = std::move(stream); }

  static SocketHandlers attach(const std::shared_ptr<ConsoleBridge>& self,
                               const std::shared_ptr<SocketPeer>& peer) {
    {
      std::lock_guard lock(self->mu_);
      self->peer_ = peer;
      if (!self->pending_.empty()) peer->send(std::move(self->pending_));
      self->pending_.clear();
      if (self->ended_) peer->close();
    }
    // Both run on the socket's thread, one after the other: the stream needs no lock there.
    return SocketHandlers{[self](const std::string& typed) {
                            if (self->stream_ && !self->stream_->write(typed).ok())
                              if (auto p = self->peer_.lock()) p->close();
                          },
                          [self] {
                            auto stream = std::move(self->stream_);
                            if (stream) stream->close();  // outside mu_: close calls the sink
                          }};
  }

 private:
  void to_client(std::string bytes) {
    std::lock_guard lock(mu_);
    if (auto p = peer_.lock()) {
      p->send(std::move(bytes));
    } else if (pending_.size() + bytes.size() <= kMaxPending) {
      pending_ += bytes;
    }
  }

  void console_ended() {
    std::lock_guard lock(mu_);
    ended_ = true;
    if (auto p = peer_.lock()) p->close();
  }

  std::mutex mu_;
  std::weak_ptr<SocketPeer> peer_;
  std::string pending_;
  bool ended_ = false;
  std::unique_ptr<ConsoleStream> stream_;
};

}  // namespace

void add_console_routes(std::vector<Route>& routes, Services& s) {
  routes.push_back(Route{
      "POST",
      "/api/v1/vms/{id:vm}/console",
      Access::Requires(Action::kVmOperate),
      "compute",
      "A one-time ticket to a running VM's serial console or screen (VNC): open the WebSocket "
      "at `path` within a minute (browsers cannot send the Authorization header on a "
      "WebSocket); audited",
      BodySchema{{{"type",
                   FieldType::kString,
                   false,
                   "serial (default): the serial line; vnc: the screen as raw RFB for noVNC",
                   0,
                   0,
                   10,
                   {"serial", "vnc"}}}},
      {},
      [&s](Call& c) -> Result<Reply> {
        bool vnc = false;
        if (auto* type = c.body.if_contains("type"); type && type->is_string())
          vnc = type->as_string() == "vnc";
        GC_ASSIGN_OR_RETURN(
            auto t, s.vms.console_ticket(*c.who, VmId{c.params["id"]},
                                         vnc ? ConsoleKind::kVnc : ConsoleKind::kSerial, c.ctx));
        return json_reply(json::object{{"type", vnc ? "vnc" : "serial"},
                                       {"ticket", t.ticket},
                                       {"path", "/api/v1/consoles/" + t.ticket},
                                       {"expires_at", format_iso8601(t.expires_at)}},
                          201);
      },
      201});
  routes.push_back(Route{
      "GET",
      "/api/v1/consoles/{ticket}",
      Access::Public(),
      "compute",
      "The console as a WebSocket (101): binary frames both ways — the serial line's output and "
      "keystrokes, or the screen's RFB (VNC) protocol for noVNC. The ticket is the credential: "
      "used once, valid a minute",
      {},
      {},
      [&s](Call& c) -> Result<Reply> {
        if (!c.http.websocket)
          return Error{ErrorCode::kInvalidArgument,
                       "this address speaks WebSocket only: send an Upgrade: websocket request",
                       "Upgrade"};
        const std::string& ticket = c.params["ticket"];
        if (ticket.empty() || ticket.size() > 100) return not_found("console ticket");
        auto bridge = std::make_shared<ConsoleBridge>();
        GC_ASSIGN_OR_RETURN(auto stream,
                            s.vms.open_console(ticket, ConsoleBridge::sink_for(bridge)));
        bridge->set_stream(std::move(stream));
        Reply r;
        r.status = 101;
        r.upgrade = [bridge](const std::shared_ptr<SocketPeer>& peer) {
          return ConsoleBridge::attach(bridge, peer);
        };
        return r;
      },
      101});
}

}  // namespace govcloud
