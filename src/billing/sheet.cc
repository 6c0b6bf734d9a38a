#include "billing/sheet.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/digest.h"

namespace govcloud::sheet {
namespace {

// A number written as the decimal text it is; nullopt when the text is not a plain number.
std::optional<double> number_of(const std::string& text) {
  if (text.empty() || text.size() > 30) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return v;
}

}  // namespace

double text_width(const std::string& s) {
  double width = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : 4;
    width += len >= 3 ? 2 : 1;
    i += len;
  }
  return width;
}

void write_decimal(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& text,
                   lxw_format* format) {
  auto v = number_of(text);
  if (!v) {
    worksheet_write_string(ws, row, col, text.c_str(), format);
    return;
  }
  worksheet_write_formula_num(ws, row, col, ("=" + text).c_str(), format, *v);
}

Formats formats(lxw_workbook* wb) {
  Formats f{};
  f.bold = workbook_add_format(wb);
  format_set_bold(f.bold);
  f.header = workbook_add_format(wb);
  format_set_bold(f.header);
  format_set_bg_color(f.header, 0xDDEBF7);
  format_set_bottom(f.header, LXW_BORDER_THIN);
  f.money = workbook_add_format(wb);
  format_set_num_format(f.money, "#,##0.00");
  f.money_bold = workbook_add_format(wb);
  format_set_num_format(f.money_bold, "#,##0.00");
  format_set_bold(f.money_bold);
  f.flagged = workbook_add_format(wb);
  format_set_num_format(f.flagged, "#,##0.00");
  format_set_font_color(f.flagged, LXW_COLOR_RED);
  format_set_bold(f.flagged);
  f.amount = workbook_add_format(wb);
  format_set_num_format(f.amount, "#,##0.######");
  return f;
}

Result<std::string> build(const std::string& prefix,
                          const std::function<void(lxw_workbook*)>& fill) {
  auto path = std::filesystem::temp_directory_path() /
              ("govcloud-" + prefix + "-" + to_hex(random_bytes(8)) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return Error{ErrorCode::kInternal, "cannot create the workbook", {}};
  fill(wb);
  if (workbook_close(wb) != LXW_NO_ERROR) {
    std::filesystem::remove(path);
    return Error{ErrorCode::kInternal, "cannot write the workbook", {}};
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  std::filesystem::remove(path);
  return buf.str();
}

}  // namespace govcloud::sheet
