#include "common/csv.h"

#include <gtest/gtest.h>

namespace govcloud {
namespace {

TEST(Csv, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_row({"x", "1,5", ""}), "x,\"1,5\",\n");
}

TEST(Csv, DefusesSpreadsheetFormulasButKeepsNumbers) {
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("-5"), "-5");
  EXPECT_EQ(csv_field("-12.50"), "-12.50");
  EXPECT_EQ(csv_field("-"), "'-");
}

TEST(Csv, SplitUndoesQuoting) {
  std::vector<std::string> cells = {"a", "b,c", "d\"e", "", "中文"};
  std::string line = csv_row(cells);
  line.pop_back();  // the newline
  EXPECT_EQ(split_csv_line(line), cells);
  EXPECT_EQ(split_csv_line("x,y\r"), (std::vector<std::string>{"x", "y"}));
}

}  // namespace
}  // namespace govcloud
