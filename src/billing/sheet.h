// Spreadsheet helpers shared by the quote and bill exports (libxlsxwriter): exact decimals as
// numeric cells and a workbook written to a temporary file and read back as bytes.
#pragma once

#include <xlsxwriter.h>

#include <functional>
#include <string>

#include "common/result.h"

namespace govcloud::sheet {

// Display width of text in a spreadsheet column: CJK characters take two.
double text_width(const std::string& s);
// An exact decimal as a formula ("=1437620.00") with its value cached, so that viewers that do
// not recalculate (WPS preview, pandas, openpyxl data_only) read the same number; text that is
// not a plain number goes in as text.
void write_decimal(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& text,
                   lxw_format* format);
// The formats every export uses: bold titles, the shaded header row, money (two decimals with
// thousands separators, plain and bold, and red for a flagged amount) and quantities.
struct Formats {
  lxw_format* bold;
  lxw_format* header;
  lxw_format* money;
  lxw_format* money_bold;
  lxw_format* flagged;
  lxw_format* amount;
};
Formats formats(lxw_workbook* wb);
// Creates a workbook, lets `fill` write it, and returns the file's bytes.
Result<std::string> build(const std::string& prefix,
                          const std::function<void(lxw_workbook*)>& fill);

}  // namespace govcloud::sheet
