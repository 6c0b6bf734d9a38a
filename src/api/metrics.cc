#include "api/metrics.h"

#include <cstdio>

namespace govcloud {

void Metrics::set_labels(std::vector<std::string> labels) {
  labels_ = std::move(labels);
  labels_.push_back("unmatched");
  counters_ = std::make_unique<Counters[]>(labels_.size());
}

void Metrics::record(std::size_t route, int status, double millis) {
  if (!counters_) return;
  if (route >= labels_.size()) route = labels_.size() - 1;
  auto& c = counters_[route];
  int cls = status / 100 - 1;
  if (cls >= 0 && cls < 5) c.by_class[cls].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBucketsMs.size() && millis > kBucketsMs[b]) ++b;
  c.buckets[b].fetch_add(1, std::memory_order_relaxed);
  c.sum_us.fetch_add(static_cast<std::uint64_t>(millis * 1000), std::memory_order_relaxed);
}

std::string Metrics::render(std::int64_t uptime_ms, std::int64_t audit_records) const {
  std::string out;
  char line[512];
  out += "# HELP govcloud_http_requests_total HTTP requests by route and status class.\n";
  out += "# TYPE govcloud_http_requests_total counter\n";
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    for (int cls = 0; cls < 5; ++cls) {
      auto n = counters_[i].by_class[cls].load();
      if (n == 0) continue;
      std::snprintf(line, sizeof line,
                    "govcloud_http_requests_total{route=\"%s\",code=\"%dxx\"} %llu\n",
                    labels_[i].c_str(), cls + 1, static_cast<unsigned long long>(n));
      out += line;
    }
  }
  out += "# HELP govcloud_http_request_duration_seconds Request latency.\n";
  out += "# TYPE govcloud_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const auto& c = counters_[i];
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBucketsMs.size(); ++b) cumulative += c.buckets[b].load();
    if (cumulative == 0) continue;
    std::uint64_t running = 0;
    for (std::size_t b = 0; b <= kBucketsMs.size(); ++b) {
      running += c.buckets[b].load();
      if (b < kBucketsMs.size()) {
        std::snprintf(
            line, sizeof line,
            "govcloud_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
            labels_[i].c_str(), kBucketsMs[b] / 1000.0, static_cast<unsigned long long>(running));
      } else {
        std::snprintf(
            line, sizeof line,
            "govcloud_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
            labels_[i].c_str(), static_cast<unsigned long long>(running));
      }
      out += line;
    }
    std::snprintf(line, sizeof line,
                  "govcloud_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                  "govcloud_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                  labels_[i].c_str(), static_cast<double>(c.sum_us.load()) / 1e6,
                  labels_[i].c_str(), static_cast<unsigned long long>(cumulative));
    out += line;
  }
  std::snprintf(line, sizeof line,
                "# TYPE govcloud_uptime_seconds gauge\ngovcloud_uptime_seconds %.3f\n"
                "# TYPE govcloud_audit_records gauge\ngovcloud_audit_records %lld\n",
                static_cast<double>(uptime_ms) / 1000.0, static_cast<long long>(audit_records));
  out += line;
  return out;
}

}  // namespace govcloud
