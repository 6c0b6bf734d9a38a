// Fixed-point money and quantities — never floating point for money.
//   Money:   int64 in 1/10000 yuan (厘的十分之一), so unit prices like 0.3 元/GB/月 and
//            sub-fen intermediate results are exact. round_to_fen() is the one rounding rule
//            (half away from zero), applied where an amount becomes a line total.
//   Decimal: int64 in millionths, for quantities written as 0.3 or 65.24 (×100GB).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace govcloud {

class Decimal {
 public:
  static constexpr std::int64_t kScale = 1000000;
  constexpr Decimal() = default;
  static constexpr Decimal from_micros(std::int64_t m) { return Decimal(m); }
  static constexpr Decimal from_int(std::int64_t n) { return Decimal(n * kScale); }
  // Accepts "12", "0.3", "65.24", "-1.5" (at most 6 decimals); field names the error.
  static Result<Decimal> parse(std::string_view text, const std::string& field);

  std::int64_t micros() const { return micros_; }
  bool is_integer() const { return micros_ % kScale == 0; }
  // Smallest integer ≥ this value (for quotas: 65.24 × 100 GB needs 6524 GB of quota).
  std::int64_t ceil() const;
  std::string str() const;
  friend bool operator==(Decimal, Decimal) = default;
  friend auto operator<=>(Decimal, Decimal) = default;
  Decimal operator+(Decimal o) const { return Decimal(micros_ + o.micros_); }
  // Multiplication by a whole factor (unit conversions such as 100GB → GB); nullopt when the
  // product does not fit, so absurd input is refused instead of wrapping around.
  std::optional<Decimal> times(std::int64_t n) const;
  // Multiplication by a percentage with rounding up, for headroom (20% more of 7 = 8.4).
  Decimal plus_percent(int pct) const;

 private:
  constexpr explicit Decimal(std::int64_t m) : micros_(m) {}
  std::int64_t micros_ = 0;
};

class Money {
 public:
  static constexpr std::int64_t kScale = 10000;  // units per yuan
  constexpr Money() = default;
  static constexpr Money from_units(std::int64_t u) { return Money(u); }
  static constexpr Money from_yuan(std::int64_t y) { return Money(y * kScale); }
  // "12", "0.3", "1066.24" yuan; at most 4 decimals.
  static Result<Money> parse(std::string_view text, const std::string& field);

  std::int64_t units() const { return units_; }
  // Yuan with two decimals when whole fen, otherwise up to four: "12.00", "0.0125".
  std::string str() const;
  Money round_to_fen() const;
  // price × a × b ÷ divisor in one step, so no intermediate rounding (quotes: unit price ×
  // quantity × periods ÷ "per" units), half away from zero; nullopt when it does not fit.
  std::optional<Money> times(Decimal a, Decimal b, std::int64_t divisor) const;
  // price ÷ divisor (e.g. per 100GB → per GB), half away from zero.
  Money divided_by(std::int64_t divisor) const;
  // Sum, nullopt on overflow.
  std::optional<Money> plus(Money o) const;
  friend bool operator==(Money, Money) = default;
  friend auto operator<=>(Money, Money) = default;

 private:
  constexpr explicit Money(std::int64_t u) : units_(u) {}
  std::int64_t units_ = 0;
};

}  // namespace govcloud
