// Quote exports: CSV and XLSX (libxlsxwriter), the forms procurement offices exchange.
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "billing/billing.h"
#include "common/csv.h"
#include "common/digest.h"

namespace govcloud {

namespace {

std::string joined(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return out;
}

const char* kHeaders[] = {"序号 line",      "服务 service",  "名称 name", "数量 quantity",
                          "计价单位 unit",  "服务期 months", "批次/系统", "单价 unit price",
                          "计价依据 basis", "小计 total",    "说明 notes"};

}  // namespace

std::string quote_csv(const Quote& q) {
  std::string out;
  for (std::size_t i = 0; i < std::size(kHeaders); ++i)
    out += (i ? "," : "") + csv_field(kHeaders[i]);
  out += "\n";
  for (const auto& l : q.lines) {
    out += std::to_string(l.line) + "," + csv_field(l.service_code) + "," + csv_field(l.name_zh) +
           "," + csv_field(l.quantity) + "," + csv_field(l.unit) + "," + csv_field(l.months) + "," +
           csv_field(l.batch_or_system) + "," + (l.unit_price ? l.unit_price->str() : "") + "," +
           csv_field(l.price_basis) + "," + l.total.str() + "," + csv_field(joined(l.notes)) + "\n";
  }
  out += ",,合计 total,,,,,,," + q.total.str() + "," + (q.over_budget ? "over budget" : "") + "\n";
  out += ",,预算 budget,,,,,,," + (q.budget ? q.budget->str() : std::string("not stated")) + ",\n";
  return out;
}

Result<std::string> quote_xlsx(const Quote& q) {
  auto path = std::filesystem::temp_directory_path() /
              ("govcloud-quote-" + to_hex(random_bytes(8)) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return Error{ErrorCode::kInternal, "cannot create the workbook", {}};
  lxw_worksheet* ws = workbook_add_worksheet(wb, "分项报价表");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");
  lxw_format* flagged = workbook_add_format(wb);
  format_set_num_format(flagged, "#,##0.00");
  format_set_font_color(flagged, LXW_COLOR_RED);
  worksheet_write_string(ws, 0, 0, (q.package_id + " " + q.name).c_str(), bold);
  worksheet_write_string(
      ws, 1, 0,
      ("price list: " + q.price_list + "  at " + format_iso8601(q.at).substr(0, 10)).c_str(),
      nullptr);
  for (std::size_t i = 0; i < std::size(kHeaders); ++i)
    worksheet_write_string(ws, 3, static_cast<lxw_col_t>(i), kHeaders[i], bold);
  lxw_row_t row = 4;
  for (const auto& l : q.lines) {
    worksheet_write_number(ws, row, 0, l.line, nullptr);
    worksheet_write_string(ws, row, 1, l.service_code.c_str(), nullptr);
    worksheet_write_string(ws, row, 2, l.name_zh.c_str(), nullptr);
    worksheet_write_string(ws, row, 3, l.quantity.c_str(), nullptr);
    worksheet_write_string(ws, row, 4, l.unit.c_str(), nullptr);
    worksheet_write_string(ws, row, 5, l.months.c_str(), nullptr);
    worksheet_write_string(ws, row, 6, l.batch_or_system.c_str(), nullptr);
    if (l.unit_price)
      worksheet_write_formula(ws, row, 7, ("=" + l.unit_price->str()).c_str(),
                              l.over_ceiling ? flagged : nullptr);
    worksheet_write_string(ws, row, 8, l.price_basis.c_str(), nullptr);
    // Amounts go in as decimal text (a formula), never through a binary float.
    worksheet_write_formula(ws, row, 9, ("=" + l.total.str()).c_str(), money);
    worksheet_write_string(ws, row, 10, joined(l.notes).c_str(), nullptr);
    ++row;
  }
  worksheet_write_string(ws, row, 2, "合计 total", bold);
  worksheet_write_formula(ws, row, 9, ("=" + q.total.str()).c_str(),
                          q.over_budget ? flagged : money);
  worksheet_write_string(ws, row + 1, 2, "预算 budget", bold);
  if (q.budget)
    worksheet_write_formula(ws, row + 1, 9, ("=" + q.budget->str()).c_str(), money);
  else
    worksheet_write_string(ws, row + 1, 9, "not stated", nullptr);
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

}  // namespace govcloud
