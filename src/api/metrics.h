// Request counters and latency histograms per route, in Prometheus text format.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace govcloud {

class Metrics {
 public:
  static constexpr std::array<double, 10> kBucketsMs = {0.5, 1, 2, 5, 10, 25, 50, 100, 500, 2000};

  // Labels: one per route ("GET /api/v1/orgs"), plus "unmatched" at the end.
  void set_labels(std::vector<std::string> labels);
  void record(std::size_t route, int status, double millis);
  std::string render(std::int64_t uptime_ms, std::int64_t audit_records) const;

 private:
  struct Counters {
    std::atomic<std::uint64_t> by_class[5] = {};  // 1xx..5xx
    std::atomic<std::uint64_t> buckets[kBucketsMs.size() + 1] = {};
    std::atomic<std::uint64_t> sum_us{0};
  };
  std::vector<std::string> labels_;
  std::unique_ptr<Counters[]> counters_;
};

}  // namespace govcloud
