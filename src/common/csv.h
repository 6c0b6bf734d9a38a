// CSV cells and lines (RFC 4180), shared by every export and import.
#pragma once

#include <string>
#include <vector>

namespace govcloud {

// One cell: quoted when it holds a comma, quote or line break; text that a spreadsheet would
// run as a formula (=, +, -, @ not followed by a number) is prefixed with an apostrophe.
std::string csv_field(const std::string& v);

// One line of cells joined by commas, ending in "\n".
std::string csv_row(const std::vector<std::string>& cells);

// Splits one line into cells, undoing the quoting of csv_field.
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace govcloud
