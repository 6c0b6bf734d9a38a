// The sim twin's guest events (CMP-15) and serial console: a line terminal that echoes what is
// typed and answers each line with a prompt, so console plumbing (tickets, WebSocket, rights) is
// tested without QEMU.
#include <mutex>

#include "drivers/sim/sim_compute.h"

namespace govcloud {

namespace {

class SimConsole final : public ConsoleStream {
 public:
  explicit SimConsole(ConsoleSink sink) : sink_(std::move(sink)) {}
  ~SimConsole() override { close(); }

  Status write(std::string_view bytes) override {
    std::lock_guard lock(mu_);
    if (closed_) return conflict("the console is closed");
    std::string echo;
    for (char c : bytes) {
      if (c == '\r' || c == '\n') {
        echo += "\r\n# ";
      } else {
        echo += c;
      }
    }
    if (sink_.output) sink_.output(std::move(echo));
    return ok_status();
  }

  void close() override {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    if (sink_.closed) sink_.closed("closed");
  }

 private:
  std::mutex mu_;
  bool closed_ = false;
  ConsoleSink sink_;
};

}  // namespace

void SimComputeDriver::set_event_sink(DomainEventSink sink) {
  std::lock_guard lock(sink_mu_);
  sink_ = std::move(sink);
}

void SimComputeDriver::fire_watchdog(const HostId& host, const std::string& name,
                                     const std::string& action) {
  {
    std::lock_guard lock(mu_);
    auto h = hosts_.find(host.value);
    if (h == hosts_.end() || h->second.states.count(name) == 0) return;
    if (action == "poweroff") h->second.states[name] = DomainState::kShutOff;
  }
  std::lock_guard lock(sink_mu_);
  if (sink_) sink_(DomainEvent{name, "watchdog", action});
}

Result<std::unique_ptr<ConsoleStream>> SimComputeDriver::open_console(const Host& host,
                                                                      const std::string& name,
                                                                      ConsoleKind kind,
                                                                      ConsoleSink sink) {
  {
    std::lock_guard lock(mu_);
    SimHost* h = nullptr;
    GC_TRY(reach(host, h));
    GC_TRY(require_running(*h, name));
  }
  // The screen starts as a VNC server does, with its protocol version; the serial line with
  // a banner and a prompt.
  if (kind == ConsoleKind::kVnc) {
    if (sink.output) sink.output("RFB 003.008\n");
  } else if (sink.output) {
    sink.output("sim guest " + name + " console\r\n# ");
  }
  return std::unique_ptr<ConsoleStream>(std::make_unique<SimConsole>(std::move(sink)));
}

}  // namespace govcloud
