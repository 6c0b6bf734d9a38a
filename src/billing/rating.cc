#include "billing/rating.h"

#include <algorithm>
#include <ctime>
#include <tuple>

namespace govcloud {
namespace {

constexpr std::int64_t kFenUnits = 100;  // Money units (1/10000 yuan) in a fen

TimeMs utc_midnight(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = 1;
  return static_cast<TimeMs>(timegm(&tm)) * 1000;
}

std::string yuan(Money m) {
  return m.str();
}

}  // namespace

std::int64_t round_half_away(__int128 num, __int128 den) {
  __int128 q = num / den, r = num % den;
  if (r != 0 && (r < 0 ? -r : r) * 2 >= (den < 0 ? -den : den))
    q += (num < 0) != (den < 0) ? -1 : 1;
  return static_cast<std::int64_t>(q);
}

bool billed_by_time(const std::string& period) {
  return period == "month" || period == "year" || period.empty();
}

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

MonthlyRater::MonthlyRater(std::vector<std::vector<Price>> versions,
                           std::vector<RatingPeriod> months, std::uint32_t systems)
    : versions_(std::move(versions)), months_(std::move(months)), systems_(systems) {
  std::sort(months_.begin(), months_.end(),
            [](const RatingPeriod& a, const RatingPeriod& b) { return a.start < b.start; });
  for (const auto& month : months_) {
    auto& by_code = parts_.emplace_back(versions_.size());
    auto& offsets = offset_.emplace_back(versions_.size());
    std::uint32_t stride = 0;
    for (std::size_t c = 0; c < versions_.size(); ++c) {
      const auto& vs = versions_[c];
      // The month cut where a price version starts; each piece rated with the version in force.
      int v = -1;
      while (v + 1 < static_cast<int>(vs.size()) &&
             vs[static_cast<std::size_t>(v) + 1].effective_from <= month.start)
        ++v;
      for (TimeMs a = month.start; a < month.end;) {
        int next = v + 1;
        TimeMs b = next < static_cast<int>(vs.size())
                       ? std::min(month.end, vs[static_cast<std::size_t>(next)].effective_from)
                       : month.end;
        const std::string& period =
            v >= 0 ? vs[static_cast<std::size_t>(v)].period : std::string("month");
        by_code[c].push_back(Part{a, b, v, billed_by_time(period)});
        a = b;
        v = next;
      }
      offsets[c] = stride;
      stride += static_cast<std::uint32_t>(by_code[c].size());
    }
    stride_.push_back(stride);
    slots_.emplace_back(static_cast<std::size_t>(systems_) * stride);
  }
}

void MonthlyRater::add(const CompactInterval& iv) {
  // The first month that ends after the interval starts; then every month it reaches.
  auto first = std::upper_bound(months_.begin(), months_.end(), iv.start,
                                [](TimeMs t, const RatingPeriod& m) { return t < m.end; });
  for (auto it = first; it != months_.end() && it->start <= iv.end; ++it) {
    const std::size_t m = static_cast<std::size_t>(it - months_.begin());
    const auto& parts = parts_[m][iv.code];
    Slot* slot = &slots_[m][static_cast<std::size_t>(iv.system) * stride_[m] + offset_[m][iv.code]];
    for (std::size_t p = 0; p < parts.size(); ++p, ++slot) {
      const Part& part = parts[p];
      if (part.by_time) {
        TimeMs overlap = std::min(part.to, iv.end) - std::max(part.from, iv.start);
        if (overlap <= 0) continue;
        slot->usage += static_cast<__int128>(iv.quantity_micros) * overlap;
        slot->touched = true;
      } else if (iv.start >= part.from && iv.start < part.to) {
        slot->usage += iv.quantity_micros;
        slot->touched = true;
      }
    }
  }
}

RatedLine MonthlyRater::line_of(std::size_t month, std::uint32_t code, std::size_t part,
                                const Slot& slot) const {
  const RatingPeriod& m = months_[month];
  const Part& pt = parts_[month][code][part];
  const Price* p =
      pt.version >= 0 ? &versions_[code][static_cast<std::size_t>(pt.version)] : nullptr;
  RatedLine r;
  r.from = pt.from;
  r.to = pt.to;
  r.priced = p != nullptr;
  r.period = p ? p->period : "month";
  r.per = p ? std::max<std::int64_t>(1, p->per) : 1;
  r.unit_price = p ? p->amount : Money{};
  const __int128 month_ms = m.end - m.start;
  const bool by_time = pt.by_time;
  r.quantity = Decimal::from_micros(
      static_cast<std::int64_t>(by_time ? round_half_away(slot.usage, month_ms) : slot.usage));
  __int128 den = static_cast<__int128>(r.per) * Decimal::kScale * kFenUnits;
  if (by_time) den *= month_ms * (r.period == "year" ? 12 : 1);
  __int128 num = 0;
  if (!__builtin_mul_overflow(slot.usage, static_cast<__int128>(r.unit_price.units()), &num)) {
    r.amount = Money::from_units(round_half_away(num, den) * kFenUnits);
  } else {
    r.priced = false;
    r.arithmetic = "too large to rate; ";
  }
  return r;
}

std::vector<RatedLine> MonthlyRater::lines(std::size_t month,
                                           const std::vector<std::string>& system_names,
                                           const std::vector<std::string>& code_names) const {
  const RatingPeriod& m = months_[month];
  std::vector<RatedLine> out;
  for (std::uint32_t s = 0; s < systems_; ++s) {
    for (std::uint32_t c = 0; c < versions_.size(); ++c) {
      const auto& parts = parts_[month][c];
      for (std::size_t p = 0; p < parts.size(); ++p) {
        const Slot& slot =
            slots_[month][static_cast<std::size_t>(s) * stride_[month] + offset_[month][c] + p];
        if (!slot.touched) continue;  // free and unpriced items still appear once used
        RatedLine r = line_of(month, c, p, slot);
        r.system_id = system_names[s];
        r.code = code_names[c];
        std::string per = r.per > 1 ? " per " + std::to_string(r.per) : "";
        if (parts[p].version < 0) {
          r.arithmetic += "no price in force: rated at 0";
        } else if (r.period.empty()) {
          r.arithmetic = "free";
        } else if (!r.priced) {
          r.arithmetic += "rated at 0";
        } else if (parts[p].by_time) {
          r.arithmetic = r.quantity.str() + " (average over " + m.month + ") × " +
                         yuan(r.unit_price) + per + " per " + r.period +
                         (r.period == "year" ? " ÷ 12" : "") + " = " + yuan(r.amount);
        } else {
          r.arithmetic = r.quantity.str() + " × " + yuan(r.unit_price) + per + " per " + r.period +
                         " = " + yuan(r.amount);
        }
        out.push_back(std::move(r));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const RatedLine& a, const RatedLine& b) {
    return std::tie(a.system_id, a.code, a.from) < std::tie(b.system_id, b.code, b.from);
  });
  return out;
}

std::vector<Money> MonthlyRater::system_totals(std::size_t month) const {
  std::vector<Money> out(systems_);
  for (std::uint32_t s = 0; s < systems_; ++s) {
    std::int64_t sum = 0;
    for (std::uint32_t c = 0; c < versions_.size(); ++c)
      for (std::size_t p = 0; p < parts_[month][c].size(); ++p) {
        const Slot& slot =
            slots_[month][static_cast<std::size_t>(s) * stride_[month] + offset_[month][c] + p];
        if (slot.touched) sum += line_of(month, c, p, slot).amount.units();
      }
    out[s] = Money::from_units(sum);
  }
  return out;
}

std::vector<RatedLine> rate_month(const std::vector<UsageInterval>& intervals,
                                  const PriceBook& prices, const RatingPeriod& month) {
  std::map<std::string, std::uint32_t> system_ids, code_ids;
  std::vector<std::string> system_names, code_names;
  std::vector<std::vector<Price>> versions;
  auto intern = [](std::map<std::string, std::uint32_t>& ids, std::vector<std::string>& names,
                   const std::string& name) {
    auto [it, added] = ids.try_emplace(name, static_cast<std::uint32_t>(names.size()));
    if (added) names.push_back(name);
    return it->second;
  };
  for (const auto& iv : intervals) {
    intern(system_ids, system_names, iv.system_id);
    std::uint32_t c = intern(code_ids, code_names, iv.code);
    if (c == versions.size()) {
      auto found = prices.find(iv.code);
      versions.push_back(found == prices.end() ? std::vector<Price>{} : found->second);
    }
  }
  MonthlyRater rater(std::move(versions), {month}, static_cast<std::uint32_t>(system_names.size()));
  for (const auto& iv : intervals)
    rater.add(CompactInterval{system_ids.at(iv.system_id), code_ids.at(iv.code),
                              iv.quantity.micros(), iv.start, iv.end.value_or(kStillRunning)});
  return rater.lines(0, system_names, code_names);
}

}  // namespace govcloud
