// A token bucket per key (a user name, a source address) on the injected clock, for password
// checks (issue 8 §5): each check costs a deliberate argon2id computation, so a guessing loop
// is stopped before it reaches one. Memory is bounded: the table never holds more than
// kMaxKeys buckets, and full buckets are dropped first.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace govcloud {

class RateLimiter {
 public:
  // per_minute: the sustained rate, and the burst a quiet key may spend at once.
  RateLimiter(const Clock& clock, int per_minute);

  struct Verdict {
    bool allowed = true;
    int retry_after_s = 0;
    bool first_refusal = false;  // the first refusal since the key was last allowed
  };
  Verdict take(const std::string& key);

  static constexpr std::size_t kMaxKeys = 100000;

 private:
  struct Bucket {
    std::int64_t milli_tokens = 0;
    TimeMs at = 0;
    bool refusing = false;
  };
  void refill(Bucket& b, TimeMs now) const;
  void prune(TimeMs now);

  const Clock& clock_;
  std::int64_t per_minute_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace govcloud
