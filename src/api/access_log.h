// The access log: one structured line per request, buffered per I/O thread and written in
// blocks, so a request costs no write(2) of its own (issue 7 §8). Each I/O thread flushes its
// buffer when it grows past a block, from a timer at least once a second, and at shutdown.
#pragma once

#include <string>
#include <string_view>

namespace govcloud::access_log {

// Appends one line (without the newline) to this thread's buffer.
void append(std::string_view line);
// Writes this thread's buffer to standard error.
void flush_this_thread();

}  // namespace govcloud::access_log
