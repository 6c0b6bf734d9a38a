#include "billing/rating.h"

#include <algorithm>
#include <ctime>
#include <tuple>

namespace govcloud {
namespace {

constexpr std::int64_t kFenUnits = 100;  // Money units (1/10000 yuan) in a fen

// Half away from zero: the bill line's one rounding.
std::int64_t round_div(__int128 num, __int128 den) {
  __int128 q = num / den, r = num % den;
  if (r != 0 && (r < 0 ? -r : r) * 2 >= (den < 0 ? -den : den))
    q += (num < 0) != (den < 0) ? -1 : 1;
  return static_cast<std::int64_t>(q);
}

TimeMs utc_midnight(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = 1;
  return static_cast<TimeMs>(timegm(&tm)) * 1000;
}

bool time_based(const std::string& period) {
  return period == "month" || period == "year" || period.empty();
}

struct Acc {
  TimeMs from = 0, to = 0;
  __int128 usage = 0;  // Σ quantity (micros) × ms for time-based prices, else Σ quantity
};

std::string yuan(Money m) {
  return m.str();
}

}  // namespace

RatingPeriod month_period(int year, int month, int utc_offset_minutes) {
  TimeMs offset = static_cast<TimeMs>(utc_offset_minutes) * 60 * 1000;
  int next_year = month == 12 ? year + 1 : year;
  int next_month = month == 12 ? 1 : month + 1;
  char name[16];
  std::snprintf(name, sizeof name, "%04d-%02d", year % 10000, month % 100);
  return RatingPeriod{utc_midnight(year, month) - offset,
                      utc_midnight(next_year, next_month) - offset, name};
}

PriceBook price_book(std::vector<Price> versions) {
  PriceBook book;
  std::sort(versions.begin(), versions.end(), [](const Price& a, const Price& b) {
    return std::tie(a.service_code, a.effective_from, a.created_at) <
           std::tie(b.service_code, b.effective_from, b.created_at);
  });
  for (auto& p : versions) book[p.service_code].push_back(std::move(p));
  return book;
}

std::vector<RatedLine> rate_month(const std::vector<UsageInterval>& intervals,
                                  const PriceBook& prices, const RatingPeriod& month) {
  static const std::vector<Price> kNoPrices;
  // (system, code, price version; -1 when none was in force) → what was used under it.
  std::map<std::tuple<std::string, std::string, int>, Acc> acc;
  for (const auto& iv : intervals) {
    TimeMs iv_end = iv.end.value_or(month.end);
    if (iv.start >= month.end || iv_end < month.start) continue;
    auto found = prices.find(iv.code);
    const auto& versions = found == prices.end() ? kNoPrices : found->second;
    // The month cut where a price version starts; each piece rated with the version in force.
    int v = -1;
    while (v + 1 < static_cast<int>(versions.size()) &&
           versions[static_cast<std::size_t>(v) + 1].effective_from <= month.start)
      ++v;
    TimeMs a = month.start;
    while (a < month.end) {
      int next = v + 1;
      TimeMs b = next < static_cast<int>(versions.size())
                     ? std::min(month.end, versions[static_cast<std::size_t>(next)].effective_from)
                     : month.end;
      const std::string period = v >= 0 ? versions[static_cast<std::size_t>(v)].period : "month";
      __int128 used = 0;
      bool touches = false;
      if (time_based(period)) {
        TimeMs overlap = std::min(b, iv_end) - std::max(a, iv.start);
        touches = overlap > 0;
        if (touches) used = static_cast<__int128>(iv.quantity.micros()) * overlap;
      } else {
        touches = iv.start >= a && iv.start < b;
        if (touches) used = iv.quantity.micros();
      }
      if (touches) {  // a free item, or one without a price, still appears on the bill
        auto& line = acc[{iv.system_id, iv.code, v}];
        if (line.to == 0) line = Acc{a, b, 0};
        line.usage += used;
      }
      a = b;
      v = next;
    }
  }

  const __int128 month_ms = month.end - month.start;
  std::vector<RatedLine> out;
  out.reserve(acc.size());
  for (const auto& [key, line] : acc) {
    const auto& [system, code, v] = key;
    RatedLine r;
    r.system_id = system;
    r.code = code;
    r.from = line.from;
    r.to = line.to;
    const Price* p = v >= 0 ? &prices.at(code)[static_cast<std::size_t>(v)] : nullptr;
    r.priced = p != nullptr;
    r.period = p ? p->period : "month";
    r.per = p ? std::max<std::int64_t>(1, p->per) : 1;
    r.unit_price = p ? p->amount : Money{};
    bool by_time = time_based(r.period);
    r.quantity = Decimal::from_micros(
        static_cast<std::int64_t>(by_time ? round_div(line.usage, month_ms) : line.usage));
    __int128 den = static_cast<__int128>(r.per) * Decimal::kScale * kFenUnits;
    if (by_time) den *= month_ms * (r.period == "year" ? 12 : 1);
    __int128 num = 0;
    if (!__builtin_mul_overflow(line.usage, static_cast<__int128>(r.unit_price.units()), &num)) {
      r.amount = Money::from_units(round_div(num, den) * kFenUnits);
    } else {
      r.priced = false;
      r.arithmetic = "too large to rate; ";
    }
    std::string per = r.per > 1 ? " per " + std::to_string(r.per) : "";
    if (!r.priced && p == nullptr) {
      r.arithmetic += "no price in force: rated at 0";
    } else if (r.period.empty()) {
      r.arithmetic = "free";
    } else if (by_time) {
      r.arithmetic = r.quantity.str() + " (average over " + month.month + ") × " +
                     yuan(r.unit_price) + per + " per " + r.period +
                     (r.period == "year" ? " ÷ 12" : "") + " = " + yuan(r.amount);
    } else {
      r.arithmetic = r.quantity.str() + " × " + yuan(r.unit_price) + per + " per " + r.period +
                     " = " + yuan(r.amount);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace govcloud
