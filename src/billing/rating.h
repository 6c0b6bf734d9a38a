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

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/money.h"
#include "model/billing.h"
#include "model/metering.h"

namespace govcloud {

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

}  // namespace govcloud
