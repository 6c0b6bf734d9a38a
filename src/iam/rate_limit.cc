#include "iam/rate_limit.h"

#include <algorithm>

namespace govcloud {

RateLimiter::RateLimiter(const Clock& clock, int per_minute)
    : clock_(clock), per_minute_(std::max(per_minute, 1)) {}

void RateLimiter::refill(Bucket& b, TimeMs now) const {
  std::int64_t capacity = per_minute_ * 1000;
  if (now > b.at) {
    // per_minute tokens per 60,000 ms, in thousandths of a token.
    b.milli_tokens = std::min(capacity, b.milli_tokens + (now - b.at) * per_minute_ / 60);
    b.at = now;
  }
}

void RateLimiter::prune(TimeMs now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    if (it->second.milli_tokens >= per_minute_ * 1000)
      it = buckets_.erase(it);
    else
      ++it;
  }
  // Still full of busy keys: start over rather than grow (a flood of fresh addresses).
  if (buckets_.size() >= kMaxKeys) buckets_.clear();
}

RateLimiter::Verdict RateLimiter::take(const std::string& key) {
  std::lock_guard lock(mu_);
  TimeMs now = clock_.now();
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxKeys) prune(now);
    it = buckets_.emplace(key, Bucket{per_minute_ * 1000, now, false}).first;
  }
  Bucket& b = it->second;
  refill(b, now);
  Verdict v;
  if (b.milli_tokens >= 1000) {
    b.milli_tokens -= 1000;
    b.refusing = false;
    return v;
  }
  v.allowed = false;
  v.first_refusal = !b.refusing;
  b.refusing = true;
  std::int64_t missing = 1000 - b.milli_tokens;  // thousandths of a token
  std::int64_t ms = (missing * 60 + per_minute_ - 1) / per_minute_;
  v.retry_after_s = static_cast<int>((ms + 999) / 1000);
  return v;
}

}  // namespace govcloud
