#include "api/access_log.h"

#include <unistd.h>

#include <cerrno>

namespace govcloud::access_log {
namespace {

constexpr std::size_t kBlock = std::size_t{32} * 1024;

struct Buffer {
  std::string text;
  ~Buffer() { flush(); }
  void flush() {
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // a closed stderr loses the log, never the request
      done += static_cast<std::size_t>(n);
    }
    text.clear();
  }
};

Buffer& buffer() {
  thread_local Buffer b;
  return b;
}

}  // namespace

void append(std::string_view line) {
  Buffer& b = buffer();
  b.text.append(line);
  b.text.push_back('\n');
  if (b.text.size() >= kBlock) b.flush();
}

void flush_this_thread() {
  buffer().flush();
}

}  // namespace govcloud::access_log
