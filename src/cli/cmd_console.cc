// govcloud vm console VM: the guest's serial console in this terminal, over the API's
// WebSocket (a ticket first, as a browser does). On a terminal keys go through raw and Ctrl-]
// leaves, as with `virsh console`; with piped input the pipe is typed, then the command waits
// for the guest to fall quiet (at most --seconds) and leaves.
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <iostream>
#include <thread>

#include "cli/cli_internal.h"

namespace govcloud::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr char kEscape = 0x1d;  // Ctrl-]

// The terminal in raw mode while the console runs, restored however the command ends.
class RawTerminal {
 public:
  RawTerminal() {
    if (isatty(STDIN_FILENO) == 0 || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    cfmakeraw(&raw);
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }

 private:
  termios saved_{};
  bool active_ = false;
};

struct Endpoint {
  std::string host;
  std::string port;
};

Endpoint endpoint_of(std::string url) {
  if (url.rfind("https://", 0) == 0) fail("the console speaks plain ws:// only for now");
  if (url.rfind("http://", 0) == 0) url = url.substr(7);
  url = url.substr(0, url.find('/'));
  auto colon = url.rfind(':');
  if (colon == std::string::npos) return {url, "80"};
  return {url.substr(0, colon), url.substr(colon + 1)};
}

class Console {
 public:
  Console() : ws_(ioc_), guard_(asio::make_work_guard(ioc_)) {}

  void open(const Endpoint& at, const std::string& path) {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto found = resolver.resolve(at.host, at.port, ec);
    if (!ec) asio::connect(ws_.next_layer(), found, ec);
    if (ec) fail("cannot connect to " + at.host + ":" + at.port + ": " + ec.message());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    websocket::response_type res;
    ws_.handshake(res, at.host, path, ec);
    if (ec) fail("the console refused: HTTP " + std::to_string(res.result_int()));
    ws_.binary(true);
    last_output_ = SteadyClock::now().time_since_epoch().count();
    read();
    io_ = std::thread([this] { ioc_.run(); });
  }

  void type(std::string bytes) {
    asio::post(ioc_, [this, b = std::move(bytes)]() mutable {
      queue_.push_back(std::move(b));
      if (queue_.size() == 1) write_next();
    });
  }

  bool ended() const { return ended_; }
  SteadyClock::duration quiet_for() const {
    return SteadyClock::now() - SteadyClock::time_point(SteadyClock::duration(last_output_));
  }

  void close() {
    asio::post(ioc_, [this] {
      if (ended_) return;
      ws_.async_close(websocket::close_code::normal, [this](beast::error_code) { ended_ = true; });
    });
    guard_.reset();
    if (io_.joinable()) io_.join();
  }

 private:
  void read() {
    ws_.async_read(in_, [this](beast::error_code ec, std::size_t) {
      if (ec) {
        ended_ = true;
        return;
      }
      std::string out = beast::buffers_to_string(in_.data());
      in_.consume(in_.size());
      std::cout << out << std::flush;
      last_output_ = SteadyClock::now().time_since_epoch().count();
      read();
    });
  }

  void write_next() {
    ws_.async_write(asio::buffer(queue_.front()), [this](beast::error_code ec, std::size_t) {
      if (ec) {
        ended_ = true;
        return;
      }
      queue_.pop_front();
      if (!queue_.empty()) write_next();
    });
  }

  asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread io_;
  beast::flat_buffer in_;
  std::deque<std::string> queue_;
  std::atomic<bool> ended_{false};
  std::atomic<SteadyClock::rep> last_output_{0};
};

void run_console(const std::string& vm, int seconds) {
  auto ticket = call("POST", "/api/v1/vms/" + vm + "/console",
                     boost::json::value(boost::json::object{{"type", "serial"}}));
  std::string path(ticket.at("path").as_string());
  Console console;
  console.open(endpoint_of(server_url()), path);
  RawTerminal terminal;
  if (terminal.active()) std::cerr << "Connected to " << vm << " (leave with Ctrl-])\r\n";
  auto deadline = SteadyClock::now() + std::chrono::seconds(seconds);
  char buf[1024];
  bool input_open = true;
  while (!console.ended() && SteadyClock::now() < deadline) {
    if (!input_open) {
      // Piped input is all typed: leave once the guest has been quiet for a second.
      if (console.quiet_for() > std::chrono::seconds(1)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      input_open = false;
      continue;
    }
    std::string typed(buf, static_cast<std::size_t>(n));
    if (auto esc = typed.find(kEscape); terminal.active() && esc != std::string::npos) {
      console.type(typed.substr(0, esc));
      break;
    }
    console.type(typed);
  }
  console.close();
  if (terminal.active()) std::cerr << "\r\n";
}

}  // namespace

void add_vm_console(CLI::App* vm) {
  auto f = std::make_shared<std::pair<std::string, int>>("", 3600);
  auto* cmd = vm->add_subcommand(
      "console", "The VM's serial console in this terminal (leave with Ctrl-]; needs vm.operate)");
  cmd->add_option("vm", f->first, "id or name")->required()->transform(id_or_name("vm"));
  cmd->add_option("--seconds", f->second, "leave after this long (default an hour)")
      ->check(CLI::Range(1, 86400));
  cmd->callback([f] { run_console(f->first, f->second); });
}

}  // namespace govcloud::cli
