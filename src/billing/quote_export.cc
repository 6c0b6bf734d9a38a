// Quote exports: CSV and XLSX (libxlsxwriter), the forms procurement offices exchange.
#include <xlsxwriter.h>

#include <algorithm>

#include "billing/billing.h"
#include "billing/sheet.h"
#include "common/csv.h"

namespace govcloud {

namespace {

std::string joined(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += (out.empty() ? "" : "; ") + n;
  return out;
}

const char* kHeaders[] = {"序号 line",       "服务 service",       "名称 name",     "数量 quantity",
                          "计价单位 unit",   "折算数量 converted", "服务期 months", "批次/系统",
                          "单价 unit price", "计价依据 basis",     "小计 total",    "说明 notes"};

// Columns of the sheet, by what they hold.
enum Col : lxw_col_t {
  kLine,
  kService,
  kName,
  kQuantity,
  kUnit,
  kConverted,
  kMonths,
  kBatch,
  kUnitPrice,
  kBasis,
  kTotal,
  kNotes,
  kColumns
};

}  // namespace

std::string quote_csv(const Quote& q) {
  std::string out;
  for (std::size_t i = 0; i < std::size(kHeaders); ++i)
    out += (i ? "," : "") + csv_field(kHeaders[i]);
  out += "\n";
  for (const auto& l : q.lines) {
    out += csv_row({std::to_string(l.line), l.service_code, l.name_zh, l.quantity, l.unit,
                    l.catalog_quantity.str(), l.months, l.batch_or_system,
                    l.unit_price ? l.unit_price->str() : "", l.price_basis, l.total.str(),
                    joined(l.notes)});
  }
  out += csv_row({"", "", "合计 total", "", "", "", "", "", "", "", q.total.str(),
                  q.over_budget ? "over budget" : ""});
  out += csv_row({"", "", "预算 budget", "", "", "", "", "", "", "",
                  q.budget ? q.budget->str() : std::string("not stated"), ""});
  return out;
}

Result<std::string> quote_xlsx(const Quote& q) {
  return sheet::build("quote", [&](lxw_workbook* wb) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "分项报价表");
    auto [bold, header, money, money_bold, flagged, amount] = sheet::formats(wb);
    std::vector<double> widths(kColumns, 8);
    auto fit = [&](lxw_col_t col, const std::string& text) {
      widths[col] = std::min(60.0, std::max(widths[col], sheet::text_width(text) + 2));
    };
    worksheet_write_string(ws, 0, 0, (q.package_id + " " + q.name).c_str(), bold);
    worksheet_write_string(
        ws, 1, 0, ("price list: " + q.price_list + "  prices in force on " + q.date).c_str(),
        nullptr);
    if (!q.note.empty()) worksheet_write_string(ws, 2, 0, q.note.c_str(), nullptr);
    const lxw_row_t kHeaderRow = 3;
    for (std::size_t i = 0; i < std::size(kHeaders); ++i) {
      worksheet_write_string(ws, kHeaderRow, static_cast<lxw_col_t>(i), kHeaders[i], header);
      fit(static_cast<lxw_col_t>(i), kHeaders[i]);
    }
    lxw_row_t row = kHeaderRow + 1;
    for (const auto& l : q.lines) {
      worksheet_write_number(ws, row, kLine, l.line, nullptr);
      worksheet_write_string(ws, row, kService, l.service_code.c_str(), nullptr);
      worksheet_write_string(ws, row, kName, l.name_zh.c_str(), nullptr);
      sheet::write_decimal(ws, row, kQuantity, l.quantity, amount);
      worksheet_write_string(ws, row, kUnit, l.unit.c_str(), nullptr);
      sheet::write_decimal(ws, row, kConverted, l.catalog_quantity.str(), amount);
      sheet::write_decimal(ws, row, kMonths, l.months, nullptr);
      worksheet_write_string(ws, row, kBatch, l.batch_or_system.c_str(), nullptr);
      if (l.unit_price)
        sheet::write_decimal(ws, row, kUnitPrice, l.unit_price->str(),
                             l.over_ceiling ? flagged : money);
      worksheet_write_string(ws, row, kBasis, l.price_basis.c_str(), nullptr);
      // Amounts go in as decimal text (a formula), never computed through a binary float.
      sheet::write_decimal(ws, row, kTotal, l.total.str(), money);
      worksheet_write_string(ws, row, kNotes, joined(l.notes).c_str(), nullptr);
      for (auto [col, text] :
           {std::pair{kService, l.service_code}, std::pair{kName, l.name_zh},
            std::pair{kQuantity, l.quantity}, std::pair{kUnit, l.unit},
            std::pair{kConverted, l.catalog_quantity.str()}, std::pair{kBatch, l.batch_or_system},
            std::pair{kUnitPrice, l.unit_price ? l.unit_price->str() : ""},
            std::pair{kBasis, l.price_basis}, std::pair{kTotal, l.total.str() + "  "}})
        fit(col, text);
      fit(kNotes, joined(l.notes));
      ++row;
    }
    worksheet_write_string(ws, row, kName, "合计 total", bold);
    sheet::write_decimal(ws, row, kTotal, q.total.str(), q.over_budget ? flagged : money_bold);
    worksheet_write_string(ws, row + 1, kName, "预算 budget", bold);
    if (q.budget)
      sheet::write_decimal(ws, row + 1, kTotal, q.budget->str(), money_bold);
    else
      worksheet_write_string(ws, row + 1, kTotal, "not stated", nullptr);
    for (lxw_col_t c = 0; c < kColumns; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);
    worksheet_freeze_panes(ws, kHeaderRow + 1, 0);
  });
}

}  // namespace govcloud
