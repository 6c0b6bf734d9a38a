// What runs on libvirt's event loop thread (one per process, started with the driver): guest
// events (CMP-15 watchdog firings) and the serial console, virDomainOpenConsole on a
// non-blocking stream. Also the screen: a socket to the guest's VNC server, on its own thread.
#include <libvirt/libvirt.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "drivers/libvirt/libvirt_compute.h"
#include "drivers/libvirt/libvirt_handles.h"

namespace govcloud {

using namespace libvirt;

namespace {

// What the stream's callback and the ConsoleStream share; the mutex orders output and close.
struct ConsoleState {
  std::mutex mu;
  bool closed = false;
  ConsoleSink sink;

  void deliver(std::string bytes) {
    std::lock_guard lock(mu);
    if (!closed && sink.output) sink.output(std::move(bytes));
  }
  void finish(const std::string& why) {
    std::lock_guard lock(mu);
    if (closed) return;
    closed = true;
    if (sink.closed) sink.closed(why);
  }
};
using StateRef = std::shared_ptr<ConsoleState>;

// What libvirt holds for a stream callback, until it calls free_state. libvirt may free it
// later, on its event thread, after the console is gone (a callback mid-dispatch), or not before
// the process exits: the holders are kept in a registry meanwhile, so none is ever lost.
std::mutex& holders_mu() {
  static std::mutex mu;
  return mu;
}
std::set<StateRef*>& holders() {
  static auto* all = new std::set<StateRef*>;  // never destroyed: the event thread outlives exit
  return *all;
}

StateRef* hold(const StateRef& state) {
  auto* h = new StateRef(state);
  std::lock_guard lock(holders_mu());
  holders().insert(h);
  return h;
}

void free_state(void* opaque) {
  auto* h = static_cast<StateRef*>(opaque);
  {
    std::lock_guard lock(holders_mu());
    holders().erase(h);
  }
  delete h;
}

void on_stream_event(virStreamPtr st, int events, void* opaque) {
  ConsoleState& state = **static_cast<StateRef*>(opaque);
  if ((events & VIR_STREAM_EVENT_READABLE) != 0) {
    char buf[4096];
    for (;;) {
      int n = virStreamRecv(st, buf, sizeof buf);
      if (n > 0) {
        state.deliver(std::string(buf, static_cast<std::size_t>(n)));
        continue;
      }
      if (n == -2) break;  // nothing more for now
      state.finish(n == 0 ? "the guest's console ended" : "console error: " + last_error());
      virStreamEventRemoveCallback(st);
      return;
    }
  }
  if ((events & (VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR)) != 0) {
    state.finish("the guest's console hung up");
    virStreamEventRemoveCallback(st);
  }
}

class LibvirtConsole final : public ConsoleStream {
 public:
  LibvirtConsole(virStreamPtr st, StateRef state) : st_(st), state_(std::move(state)) {}
  ~LibvirtConsole() override { close(); }

  Status write(std::string_view bytes) override {
    std::lock_guard lock(mu_);
    if (st_ == nullptr) return conflict("the console is closed");
    std::size_t sent = 0;
    for (int tries = 0; sent < bytes.size() && tries < 100; ++tries) {
      int n = virStreamSend(st_, bytes.data() + sent, bytes.size() - sent);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n == -2) {
        // The guest's side is full (a fast paste): wait a little, bounded.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      } else {
        return engine_error("writing to the console");
      }
    }
    if (sent < bytes.size()) return conflict("the guest does not read its console");
    return ok_status();
  }

  void close() override {
    {
      std::lock_guard lock(mu_);
      if (st_ != nullptr) {
        virStreamEventRemoveCallback(st_);
        virStreamAbort(st_);
        virStreamFree(st_);
        st_ = nullptr;
      }
    }
    state_->finish("closed");
  }

 private:
  std::mutex mu_;
  virStreamPtr st_;
  StateRef state_;
};

const char* watchdog_action(int action) {
  switch (action) {
    case VIR_DOMAIN_EVENT_WATCHDOG_NONE:
      return "none";
    case VIR_DOMAIN_EVENT_WATCHDOG_PAUSE:
      return "pause";
    case VIR_DOMAIN_EVENT_WATCHDOG_RESET:
      return "reset";
    case VIR_DOMAIN_EVENT_WATCHDOG_POWEROFF:
      return "poweroff";
    case VIR_DOMAIN_EVENT_WATCHDOG_SHUTDOWN:
      return "shutdown";
    case VIR_DOMAIN_EVENT_WATCHDOG_DEBUG:
      return "debug";
    case VIR_DOMAIN_EVENT_WATCHDOG_INJECTNMI:
      return "inject-nmi";
    default:
      return "unknown";
  }
}

// Installed with the driver as opaque: the connection is closed (and the callback gone) before
// the driver is destroyed.
void on_watchdog(virConnectPtr, virDomainPtr dom, int action, void* opaque) {
  const char* name = virDomainGetName(dom);
  if (name == nullptr) return;
  static_cast<LibvirtComputeDriver*>(opaque)->deliver(
      DomainEvent{name, "watchdog", watchdog_action(action)});
}

// The guest's screen: a socket to its VNC server, read on a thread of its own.
class SocketConsole final : public ConsoleStream {
 public:
  SocketConsole(int fd, ConsoleSink sink) : fd_(fd), state_(std::make_shared<ConsoleState>()) {
    state_->sink = std::move(sink);
    reader_ = std::thread([this] { read_loop(); });
  }
  ~SocketConsole() override { close(); }
  SocketConsole(const SocketConsole&) = delete;
  SocketConsole& operator=(const SocketConsole&) = delete;

  Status write(std::string_view bytes) override {
    std::lock_guard lock(mu_);
    if (fd_ < 0) return conflict("the console is closed");
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return conflict("the guest's screen went away");
      sent += static_cast<std::size_t>(n);
    }
    return ok_status();
  }

  void close() override {
    {
      std::lock_guard lock(mu_);
      if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // wakes the reader
    }
    if (reader_.joinable()) reader_.join();
    {
      std::lock_guard lock(mu_);
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
    state_->finish("closed");
  }

 private:
  void read_loop() {
    char buf[16384];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      state_->deliver(std::string(buf, static_cast<std::size_t>(n)));
    }
    state_->finish("the guest's screen closed");
  }

  std::mutex mu_;
  int fd_;
  StateRef state_;
  std::thread reader_;
};

void run_event_loop() {
  for (;;)
    if (virEventRunDefaultImpl() < 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace

void LibvirtComputeDriver::start_event_loop() {
  // Registered once per process, before any connection opens, so streams and domain events
  // of every connection are served by one thread.
  static std::once_flag once;
  std::call_once(once, [] {
    if (virEventRegisterDefaultImpl() == 0) std::thread(run_event_loop).detach();
  });
}

void LibvirtComputeDriver::set_event_sink(DomainEventSink sink) {
  std::lock_guard lock(sink_mu_);
  sink_ = std::move(sink);
}

void LibvirtComputeDriver::deliver(const DomainEvent& e) {
  std::lock_guard lock(sink_mu_);
  if (sink_) sink_(e);
}

void LibvirtComputeDriver::watch_events(virConnectPtr conn) {
  virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_WATCHDOG,
                                   VIR_DOMAIN_EVENT_CALLBACK(on_watchdog), this, nullptr);
}

Result<std::unique_ptr<ConsoleStream>> LibvirtComputeDriver::open_console(const Host& host,
                                                                          const std::string& name,
                                                                          ConsoleKind kind,
                                                                          ConsoleSink sink) {
  GC_ASSIGN_OR_RETURN(auto conn, connect(host.uri));
  Domain dom(virDomainLookupByName(conn, name.c_str()));
  if (!dom) return not_found("guest " + name);
  int state = 0;
  int reason = 0;
  if (virDomainGetState(dom.get(), &state, &reason, 0) < 0 || state != VIR_DOMAIN_RUNNING)
    return conflict("guest " + name + " is not running");
  if (kind == ConsoleKind::kVnc) {
    // A socket straight to the guest's VNC server, with no listening port involved.
    int fd = virDomainOpenGraphicsFD(dom.get(), 0, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
    if (fd < 0) return engine_error("opening the screen of " + name);
    return std::unique_ptr<ConsoleStream>(std::make_unique<SocketConsole>(fd, std::move(sink)));
  }
  virStreamPtr st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
  if (st == nullptr) return engine_error("opening a stream");
  if (virDomainOpenConsole(dom.get(), nullptr, st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
    auto err = engine_error("opening the console of " + name);
    virStreamFree(st);
    return err;
  }
  auto state_ref = std::make_shared<ConsoleState>();
  state_ref->sink = std::move(sink);
  StateRef* holder = hold(state_ref);
  int watched = VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP;
  if (virStreamEventAddCallback(st, watched, on_stream_event, holder, free_state) < 0) {
    auto err = engine_error("watching the console of " + name);
    free_state(holder);
    virStreamAbort(st);
    virStreamFree(st);
    return err;
  }
  return std::unique_ptr<ConsoleStream>(std::make_unique<LibvirtConsole>(st, state_ref));
}

}  // namespace govcloud
