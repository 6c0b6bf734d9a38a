// Rating (issue 11 §2, BIL-*; decision 0012): usage intervals × prices by effective date → the
// lines of a month's bill. One pro-rating rule and one rounding rule, both here:
//   - A price per month is charged for the share of the calendar month (in the platform's time
//     zone) the quantity was used: quantity × (milliseconds used ÷ milliseconds in that month).
//     A price per year is a twelfth of it per month, pro-rated the same way.
//   - A price per time or once is charged once, in the month the interval starts; a traffic
//     price is charged for the quantity reported, in the month the interval starts.
//   - A month with a price change is rated in two parts, each with the price in force.
//   - Each line sums its usage exactly (integers) and is rounded once, to the fen, half away
//     from zero. A bill's totals are sums of its lines, so the per-system bills add up to the
//     tenant's bill to the fen.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/money.h"
#include "model/billing.h"
#include "model/metering.h"

namespace govcloud {

// The one rounding rule: num ÷ den, half away from zero.
std::int64_t round_half_away(__int128 num, __int128 den);
// Whether a price period is charged by time used (month, year, free) rather than per use.
bool billed_by_time(const std::string& period);

// [start, end) of one calendar month in a zone utc_offset_minutes east of UTC.
struct RatingPeriod {
  TimeMs start = 0;
  TimeMs end = 0;
  std::string month;  // "2026-02"
};
RatingPeriod month_period(int year, int month, int utc_offset_minutes);

// The prices of one list, per catalog code, oldest version first.
using PriceBook = std::map<std::string, std::vector<Price>>;
PriceBook price_book(std::vector<Price> versions);

struct RatedLine {
  std::string system_id;
  std::string code;
  TimeMs from = 0;  // the part of the month this line's price was in force
  TimeMs to = 0;
  bool priced = false;  // false: no price in force; rated at zero and flagged
  Money unit_price;     // per `per` units per `period`
  std::int64_t per = 1;
  std::string period;      // month, year, time, once, traffic, "" (free)
  Decimal quantity;        // month, year: average quantity over the month; else the sum
  Money amount;            // rounded to the fen
  std::string arithmetic;  // how the amount came about, for the bill's reader
};

// Rates intervals of one tenant for one month; lines ordered by system, code, start.
std::vector<RatedLine> rate_month(const std::vector<UsageInterval>& intervals,
                                  const PriceBook& prices, const RatingPeriod& month);

// The same rules at scale, over interned ids (a whole platform's year, bench/rating): one pass
// over the intervals accumulates every month at once into dense per-(system, code, price part)
// slots; lines() then gives a month's lines exactly as rate_month does.
struct CompactInterval {
  std::uint32_t system = 0;  // 0 … systems − 1
  std::uint32_t code = 0;    // index into the price versions given to the rater
  std::int64_t quantity_micros = 0;
  TimeMs start = 0;
  TimeMs end = 0;  // kStillRunning when still running
};
inline constexpr TimeMs kStillRunning = INT64_MAX;

class MonthlyRater {
 public:
  // versions[code]: that code's price versions, oldest first; months: consecutive or not.
  MonthlyRater(std::vector<std::vector<Price>> versions, std::vector<RatingPeriod> months,
               std::uint32_t systems);
  void add(const CompactInterval& iv);
  // The month's lines (system and code as given by the names), ordered by system, code, start.
  std::vector<RatedLine> lines(std::size_t month, const std::vector<std::string>& system_names,
                               const std::vector<std::string>& code_names) const;
  // Σ amounts of the month's lines per system, without building lines (the benchmark's output).
  std::vector<Money> system_totals(std::size_t month) const;

 private:
  struct Part {  // a stretch of a month with one price version in force (-1: none)
    TimeMs from = 0, to = 0;
    int version = -1;
    bool by_time = true;
  };
  struct Slot {
    __int128 usage = 0;  // Σ quantity (micros) × ms for time-based prices, else Σ quantity
    bool touched = false;
  };
  RatedLine line_of(std::size_t month, std::uint32_t code, std::size_t part,
                    const Slot& slot) const;

  std::vector<std::vector<Price>> versions_;
  std::vector<RatingPeriod> months_;
  std::uint32_t systems_;
  std::vector<std::vector<std::vector<Part>>> parts_;  // [month][code] → parts
  std::vector<std::vector<std::uint32_t>> offset_;     // [month][code] → first slot of the code
  std::vector<std::uint32_t> stride_;                  // [month] slots per system
  std::vector<std::vector<Slot>> slots_;               // [month][system × stride + offset + part]
};

}  // namespace govcloud
