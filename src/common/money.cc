#include "common/money.h"

#include <limits>

namespace govcloud {
namespace {

// Parses an optionally signed decimal with at most `max_decimals` places into an integer
// scaled by 10^max_decimals.
Result<std::int64_t> parse_fixed(std::string_view text, int max_decimals, const std::string& field,
                                 const char* what) {
  auto bad = [&](const std::string& why) {
    return invalid(field, field + ": '" + std::string(text.substr(0, 40)) + "' is not " + what +
                              (why.empty() ? "" : " (" + why + ")"));
  };
  if (text.empty() || text.size() > 30) return bad("");
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  __int128 value = 0;
  int decimals = -1;
  bool digits = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (decimals >= 0 || !digits) return bad("");
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return bad("");
    digits = true;
    if (decimals >= 0 && ++decimals > max_decimals)
      return bad("at most " + std::to_string(max_decimals) + " decimals");
    value = value * 10 + (c - '0');
    if (value > std::numeric_limits<std::int64_t>::max()) return bad("too large");
  }
  if (!digits || decimals == 0) return bad("");
  for (int d = decimals < 0 ? 0 : decimals; d < max_decimals; ++d) value *= 10;
  if (value > std::numeric_limits<std::int64_t>::max()) return bad("too large");
  return static_cast<std::int64_t>(negative ? -value : value);
}

std::string format_fixed(std::int64_t v, std::int64_t scale, int decimals, int min_decimals) {
  bool negative = v < 0;
  unsigned long long a =
      negative ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  std::string whole = std::to_string(a / static_cast<unsigned long long>(scale));
  std::string frac = std::to_string(a % static_cast<unsigned long long>(scale));
  frac = std::string(static_cast<std::size_t>(decimals) - frac.size(), '0') + frac;
  while (static_cast<int>(frac.size()) > min_decimals && frac.back() == '0') frac.pop_back();
  std::string out = (negative ? "-" : "") + whole;
  if (!frac.empty()) out += "." + frac;
  return out;
}

std::int64_t div_round(__int128 num, __int128 den) {
  __int128 q = num / den, r = num % den;
  if (r != 0 && (r < 0 ? -r : r) * 2 >= (den < 0 ? -den : den))
    q += (num < 0) != (den < 0) ? -1 : 1;
  return static_cast<std::int64_t>(q);
}

}  // namespace

Result<Decimal> Decimal::parse(std::string_view text, const std::string& field) {
  GC_ASSIGN_OR_RETURN(auto v, parse_fixed(text, 6, field, "a number"));
  return Decimal(v);
}

std::optional<Decimal> Decimal::times(std::int64_t n) const {
  std::int64_t v = 0;
  if (__builtin_mul_overflow(micros_, n, &v)) return std::nullopt;
  return Decimal(v);
}

std::int64_t Decimal::ceil() const {
  std::int64_t q = micros_ / kScale;
  if (micros_ % kScale > 0) ++q;
  return q;
}

std::string Decimal::str() const {
  return format_fixed(micros_, kScale, 6, 0);
}

Decimal Decimal::plus_percent(int pct) const {
  __int128 v = static_cast<__int128>(micros_) * (100 + pct);
  std::int64_t q = static_cast<std::int64_t>(v / 100);
  if (v % 100 != 0) ++q;
  return Decimal(q);
}

Result<Money> Money::parse(std::string_view text, const std::string& field) {
  GC_ASSIGN_OR_RETURN(auto v, parse_fixed(text, 4, field, "an amount of yuan"));
  return Money(v);
}

std::string Money::str() const {
  return format_fixed(units_, kScale, 4, 2);
}

Money Money::round_to_fen() const {
  return Money(div_round(units_, 100) * 100);
}

std::optional<Money> Money::times(Decimal a, Decimal b, std::int64_t divisor) const {
  if (divisor == 0) return std::nullopt;
  __int128 ab = 0, v = 0;
  if (__builtin_mul_overflow(static_cast<__int128>(a.micros()), b.micros(), &ab) ||
      __builtin_mul_overflow(ab, static_cast<__int128>(units_), &v))
    return std::nullopt;
  __int128 den = static_cast<__int128>(Decimal::kScale) * Decimal::kScale * divisor;
  __int128 q = v / den;
  if (q >= INT64_MAX || q <= INT64_MIN) return std::nullopt;  // room for the rounding step
  return Money(div_round(v, den));
}

std::optional<Money> Money::plus(Money o) const {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(units_, o.units_, &sum)) return std::nullopt;
  return Money(sum);
}

Money Money::divided_by(std::int64_t divisor) const {
  return Money(div_round(units_, divisor));
}

}  // namespace govcloud
