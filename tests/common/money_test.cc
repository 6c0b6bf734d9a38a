#include "common/money.h"

#include <gtest/gtest.h>

namespace govcloud {

TEST(Money, ParsesAndFormatsExactly) {
  EXPECT_EQ(Money::parse("12", "x")->units(), 120000);
  EXPECT_EQ(Money::parse("0.3", "x")->units(), 3000);
  EXPECT_EQ(Money::parse("1066.24", "x")->str(), "1066.24");
  EXPECT_EQ(Money::parse("0.0125", "x")->str(), "0.0125");
  EXPECT_EQ(Money::from_yuan(5).str(), "5.00");
  EXPECT_EQ(Money::parse("-2.5", "x")->str(), "-2.50");
  for (const char* bad : {"", "1.23456", "abc", "1,000", "1.", ".5", "--1", "1e3"})
    EXPECT_FALSE(Money::parse(bad, "amount").ok()) << bad;
  EXPECT_EQ(Money::parse("x", "amount").error().field, "amount");
}

TEST(Money, OneRoundingRuleHalfAwayFromZero) {
  EXPECT_EQ(Money::parse("0.005", "x")->round_to_fen().str(), "0.01");
  EXPECT_EQ(Money::parse("0.0049", "x")->round_to_fen().str(), "0.00");
  EXPECT_EQ(Money::parse("-0.005", "x")->round_to_fen().str(), "-0.01");
}

TEST(Money, MultipliesQuantitiesWithoutFloatingPoint) {
  Money p = Money::parse("0.3", "x").value();
  Decimal q = Decimal::parse("65.24", "q").value();
  // 65.24 × 100 GB × 0.3 元 × 10 months = 19572 元
  EXPECT_EQ(p.times(*q.times(100), Decimal::from_int(10), 1)->str(), "19572.00");
  // 11 months of a yearly price of 120 = 110
  EXPECT_EQ(Money::from_yuan(120).times(Decimal::from_int(1), Decimal::from_int(11), 12)->str(),
            "110.00");
  EXPECT_EQ(Money::from_yuan(10).divided_by(3).str(), "3.3333");
}

TEST(Decimal, ParsesQuantitiesAndRoundsUpForQuota) {
  Decimal d = Decimal::parse("0.3", "q").value();
  EXPECT_EQ(d.times(100)->ceil(), 30);
  EXPECT_EQ(Decimal::parse("65.24", "q")->times(100)->ceil(), 6524);
  EXPECT_EQ(Decimal::from_int(7).plus_percent(20).str(), "8.4");
  EXPECT_EQ(Decimal::from_int(7).plus_percent(20).ceil(), 9);
  EXPECT_FALSE(Decimal::parse("1.2.3", "q").ok());
}

TEST(Money, ProductsAndSumsThatDoNotFitAreRefusedNotWrapped) {
  Decimal huge = Decimal::from_micros(INT64_MAX / 2);
  EXPECT_FALSE(huge.times(3).has_value());
  EXPECT_FALSE(huge.times(-3).has_value());
  EXPECT_TRUE(huge.times(2).has_value());
  Money price = Money::from_yuan(1000000000);
  EXPECT_FALSE(price.times(huge, huge, 1).has_value());
  EXPECT_FALSE(price.times(Decimal::from_int(1), Decimal::from_int(1), 0).has_value());
  EXPECT_FALSE(Money::from_units(INT64_MAX - 1).plus(Money::from_units(2)).has_value());
  EXPECT_EQ(Money::from_yuan(1).plus(Money::from_yuan(2))->str(), "3.00");
}

}  // namespace govcloud
