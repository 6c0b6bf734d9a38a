// bench/rating (issue 11): rates 10,000,000 usage intervals of 100,000 resources over the 12
// months of 2026 into monthly bills, on one core, with the rater the bills use (MonthlyRater);
// the baseline, measured in the same run on the same data, is the same aggregation as one SQL
// GROUP BY in SQLite (in memory): the intervals joined with the 12 months, summed per month,
// system and code in one pass. Targets: >= 10,000,000 intervals/s and
// >= 20x the SQLite aggregation. The two must agree to the fen on every system's monthly total.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "billing/rating.h"

namespace govcloud {
namespace {

using Steady = std::chrono::steady_clock;

constexpr std::uint32_t kSystems = 2000;  // 50 resources each
constexpr std::uint32_t kResources = 100000;
constexpr std::uint32_t kCodes = 10;
constexpr int kShanghai = 480;

double seconds_since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

// Each resource lives through the year in segments (started/stopped, resized): 100 intervals
// per resource, back to back with gaps, the last one still running at year end for a tenth.
std::vector<CompactInterval> usage(std::size_t count, TimeMs year_start, TimeMs year_end,
                                   std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<CompactInterval> out;
  out.reserve(count);
  const std::size_t per_resource = count / kResources;
  const TimeMs span = (year_end - year_start) / static_cast<TimeMs>(per_resource);
  for (std::uint32_t r = 0; r < kResources; ++r) {
    std::uint32_t system = r % kSystems;
    std::uint32_t code = r % kCodes;
    TimeMs t = year_start + static_cast<TimeMs>(rng() % 86400000);
    for (std::size_t i = 0; i < per_resource; ++i) {
      TimeMs length = span / 2 + static_cast<TimeMs>(rng() % static_cast<std::uint64_t>(span / 2));
      std::int64_t quantity = static_cast<std::int64_t>(1 + rng() % 16) * 1000000;
      TimeMs end = t + length;
      if (i + 1 == per_resource && r % 10 == 0) end = kStillRunning;
      out.push_back(CompactInterval{system, code, quantity, t, std::min(end, kStillRunning)});
      t += span;
    }
  }
  return out;
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(2);
  }
}

}  // namespace
}  // namespace govcloud

int main() {
  using namespace govcloud;
  const std::size_t count = std::getenv("BENCH_INTERVALS")
                                ? std::strtoull(std::getenv("BENCH_INTERVALS"), nullptr, 10)
                                : 10000000;
  std::vector<RatingPeriod> months;
  for (int m = 1; m <= 12; ++m) months.push_back(month_period(2026, m, kShanghai));
  std::vector<std::vector<Price>> versions(kCodes);
  for (std::uint32_t c = 0; c < kCodes; ++c) {
    Price p;
    p.service_code = "code-" + std::to_string(c);
    p.amount = Money::from_units(static_cast<std::int64_t>(c + 1) * 12345);  // 1.2345 元 …
    p.per = 1;
    p.period = "month";
    versions[c].push_back(p);
  }
  std::printf("generating %zu intervals of %u resources in %u systems over 2026 ...\n", count,
              kResources, kSystems);
  auto data = usage(count, months.front().start, months.back().end, 42);

  // The rater the bills use.
  auto t0 = Steady::now();
  MonthlyRater rater(versions, months, kSystems);
  for (const auto& iv : data) rater.add(iv);
  std::vector<std::vector<Money>> totals;
  for (std::size_t m = 0; m < months.size(); ++m) totals.push_back(rater.system_totals(m));
  double rater_s = seconds_since(t0);

  // The baseline: the same aggregation as SQL GROUP BY, per month, in SQLite.
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  check(sqlite3_exec(db,
                     "CREATE TABLE iv (system INTEGER, code INTEGER, quantity INTEGER, start_ms "
                     "INTEGER, end_ms INTEGER); BEGIN",
                     nullptr, nullptr, nullptr),
        db, "create");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO iv VALUES (?,?,?,?,?)", -1, &ins, nullptr);
  for (const auto& iv : data) {
    sqlite3_bind_int64(ins, 1, iv.system);
    sqlite3_bind_int64(ins, 2, iv.code);
    sqlite3_bind_int64(ins, 3, iv.quantity_micros);
    sqlite3_bind_int64(ins, 4, iv.start);
    sqlite3_bind_int64(ins, 5, iv.end);
    check(sqlite3_step(ins), db, "insert");
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  check(sqlite3_exec(db, "COMMIT; CREATE TABLE months (m INTEGER, ms INTEGER, me INTEGER)", nullptr,
                     nullptr, nullptr),
        db, "months");
  for (std::size_t m = 0; m < months.size(); ++m) {
    std::string sql = "INSERT INTO months VALUES (" + std::to_string(m) + "," +
                      std::to_string(months[m].start) + "," + std::to_string(months[m].end) + ")";
    check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, "month");
  }
  sqlite3_stmt* q = nullptr;
  // Σ quantity × ms overlapping the month, per system and code. Products stay below 2^63:
  // 16 units (16e6 micros) × a month of ms (2.7e9) × 100 intervals < 4.3e18.
  sqlite3_prepare_v2(
      db,
      "SELECT m, system, code, SUM(quantity * (MIN(end_ms, me) - MAX(start_ms, ms))) "
      "FROM iv JOIN months ON start_ms < me AND end_ms > ms "
      "GROUP BY m, system, code",
      -1, &q, nullptr);
  int mismatches = 0;
  auto t1 = Steady::now();
  std::vector<std::vector<__int128>> sql_usage(months.size(),
                                               std::vector<__int128>(kSystems * kCodes));
  while (sqlite3_step(q) == SQLITE_ROW)
    sql_usage[static_cast<std::size_t>(sqlite3_column_int64(q, 0))]
             [static_cast<std::size_t>(sqlite3_column_int64(q, 1)) * kCodes +
              static_cast<std::size_t>(sqlite3_column_int64(q, 2))] = sqlite3_column_int64(q, 3);
  double sql_s = seconds_since(t1);
  sqlite3_finalize(q);
  sqlite3_close(db);

  // Both must give every system the same monthly total, priced the same way (one rounding).
  for (std::size_t m = 0; m < months.size(); ++m) {
    const __int128 month_ms = months[m].end - months[m].start;
    for (std::uint32_t s = 0; s < kSystems; ++s) {
      std::int64_t sum = 0;
      for (std::uint32_t c = 0; c < kCodes; ++c) {
        __int128 used = sql_usage[m][s * kCodes + c];
        if (used == 0) continue;
        __int128 num = used * versions[c][0].amount.units();
        __int128 den = month_ms * Decimal::kScale * 100;
        __int128 fen = num / den + ((num % den) * 2 >= den ? 1 : 0);
        sum += static_cast<std::int64_t>(fen * 100);
      }
      if (sum != totals[m][s].units()) ++mismatches;
    }
  }

  const double rate = static_cast<double>(count) / rater_s;
  const double sql_rate = static_cast<double>(count) / sql_s;
  std::printf("%-44s %10s %14s\n", "", "seconds", "intervals/s");
  std::printf("%-44s %10.3f %14.0f\n", "rater (12 monthly bills, all systems)", rater_s, rate);
  std::printf("%-44s %10.3f %14.0f\n", "SQLite GROUP BY (same aggregation, one pass)", sql_s,
              sql_rate);
  std::printf("ratio rater / SQLite: %.1fx (target >= 20x); rate target >= 10,000,000/s\n",
              sql_s / rater_s);
  std::printf("system-month totals that differ between the two: %d of %zu\n", mismatches,
              months.size() * kSystems);
  bool ok = mismatches == 0 && rate >= 10e6 && sql_s / rater_s >= 20;
  std::printf("%s\n", ok ? "targets met" : "TARGET MISSED");
  return ok ? 0 : 1;
}
