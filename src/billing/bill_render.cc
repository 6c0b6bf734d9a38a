// A bill as JSON (also an issued bill's stored form), CSV and XLSX (issue 11 §3).
#include <algorithm>
#include <boost/json.hpp>

#include "billing/billing.h"
#include "billing/sheet.h"
#include "common/csv.h"

namespace govcloud {

namespace json = boost::json;

namespace {

json::object line_json(const RatedLine& l) {
  return json::object{{"code", l.code},
                      {"from", format_iso8601(l.from)},
                      {"to", format_iso8601(l.to)},
                      {"priced", l.priced},
                      {"unit_price", l.unit_price.str()},
                      {"per", l.per},
                      {"period", l.period},
                      {"quantity", l.quantity.str()},
                      {"amount", l.amount.str()},
                      {"arithmetic", l.arithmetic}};
}

json::object adjustment_json(const BillAdjustment& a) {
  return json::object{{"id", a.id},
                      {"kind", a.kind},
                      {"amount", a.amount.str()},
                      {"reason", a.reason},
                      {"refers_to", a.refers_to},
                      {"created_by", a.created_by},
                      {"created_at", format_iso8601(a.created_at)}};
}

std::string text(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

TimeMs instant(const json::object& o, const char* key) {
  TimeMs t = 0;
  parse_iso8601(text(o, key), t);
  return t;
}

Money money(const json::object& o, const char* key) {
  auto m = Money::parse(text(o, key), key);
  return m ? *m : Money{};
}

std::string kind_zh(const std::string& kind) {
  if (kind == "credit") return "减免 credit";
  if (kind == "penalty") return "扣款 penalty";
  return "更正 correction";
}

const char* kHeaders[] = {"业务系统 system", "服务 code",      "起 from",  "止 to",
                          "数量 quantity",   "单价 price",     "计价 per", "周期 period",
                          "金额 amount",     "算式 arithmetic"};

}  // namespace

json::object bill_json(const Bill& b) {
  json::array systems;
  for (const auto& s : b.systems) {
    json::array lines;
    for (const auto& l : s.lines) lines.push_back(line_json(l));
    systems.push_back(json::object{{"system_id", s.system_id},
                                   {"name", s.name},
                                   {"total", s.total.str()},
                                   {"lines", std::move(lines)}});
  }
  json::array adjustments;
  for (const auto& a : b.adjustments) adjustments.push_back(adjustment_json(a));
  json::object o{{"tenant_id", b.tenant_id},
                 {"tenant", b.tenant_name},
                 {"month", b.month},
                 {"from", format_iso8601(b.from)},
                 {"to", format_iso8601(b.to)},
                 {"price_list", b.price_list},
                 {"price_list_basis", b.price_list_basis},
                 {"state", b.state},
                 {"usage_total", b.usage_total.str()},
                 {"adjustments_total", b.adjustments_total.str()},
                 {"total", b.total.str()},
                 {"unpriced_lines", b.unpriced_lines},
                 {"systems", std::move(systems)},
                 {"adjustments", std::move(adjustments)}};
  if (b.issued_at) {
    o["issued_by"] = b.issued_by;
    o["issued_at"] = format_iso8601(b.issued_at);
  }
  return o;
}

Result<Bill> bill_from_json(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error{ErrorCode::kInternal, "a stored bill is unreadable", {}};
  const auto& o = v.as_object();
  Bill b;
  b.tenant_id = text(o, "tenant_id");
  b.tenant_name = text(o, "tenant");
  b.month = text(o, "month");
  b.from = instant(o, "from");
  b.to = instant(o, "to");
  b.price_list = text(o, "price_list");
  b.price_list_basis = text(o, "price_list_basis");
  b.state = text(o, "state");
  b.issued_by = text(o, "issued_by");
  b.issued_at = instant(o, "issued_at");
  b.usage_total = money(o, "usage_total");
  b.adjustments_total = money(o, "adjustments_total");
  b.total = money(o, "total");
  if (auto* n = o.if_contains("unpriced_lines"); n && n->is_int64())
    b.unpriced_lines = static_cast<int>(n->as_int64());
  if (auto* systems = o.if_contains("systems"); systems && systems->is_array()) {
    for (const auto& sv : systems->as_array()) {
      const auto& so = sv.as_object();
      BillSystem s{text(so, "system_id"), text(so, "name"), {}, money(so, "total")};
      for (const auto& lv : so.at("lines").as_array()) {
        const auto& lo = lv.as_object();
        RatedLine l;
        l.system_id = s.system_id;
        l.code = text(lo, "code");
        l.from = instant(lo, "from");
        l.to = instant(lo, "to");
        l.priced = lo.at("priced").as_bool();
        l.unit_price = money(lo, "unit_price");
        l.per = lo.at("per").to_number<std::int64_t>();
        l.period = text(lo, "period");
        if (auto q = Decimal::parse(text(lo, "quantity"), "quantity")) l.quantity = *q;
        l.amount = money(lo, "amount");
        l.arithmetic = text(lo, "arithmetic");
        s.lines.push_back(std::move(l));
      }
      b.systems.push_back(std::move(s));
    }
  }
  if (auto* adj = o.if_contains("adjustments"); adj && adj->is_array()) {
    for (const auto& av : adj->as_array()) {
      const auto& ao = av.as_object();
      b.adjustments.push_back(BillAdjustment{text(ao, "id"), b.tenant_id, b.month, text(ao, "kind"),
                                             money(ao, "amount"), text(ao, "reason"),
                                             text(ao, "refers_to"), text(ao, "created_by"),
                                             instant(ao, "created_at")});
    }
  }
  return b;
}

std::string bill_csv(const Bill& b) {
  std::string out;
  for (std::size_t i = 0; i < std::size(kHeaders); ++i)
    out += (i ? "," : "") + csv_field(kHeaders[i]);
  out += "\n";
  for (const auto& s : b.systems) {
    for (const auto& l : s.lines)
      out += csv_row({s.name, l.code, format_iso8601(l.from), format_iso8601(l.to),
                      l.quantity.str(), l.priced ? l.unit_price.str() : "", std::to_string(l.per),
                      l.period, l.amount.str(), l.arithmetic});
    out += csv_row({s.name, "小计 subtotal", "", "", "", "", "", "", s.total.str(), ""});
  }
  out += csv_row({"", "用量合计 usage total", "", "", "", "", "", "", b.usage_total.str(), ""});
  for (const auto& a : b.adjustments)
    out += csv_row({"", kind_zh(a.kind), "", "", "", "", "", "", a.amount.str(),
                    a.reason + (a.refers_to.empty() ? "" : " (" + a.refers_to + ")")});
  out += csv_row({"", "合计 total", "", "", "", "", "", "", b.total.str(),
                  b.tenant_name + " " + b.month + " " + b.state});
  return out;
}

Result<std::string> bill_xlsx(const Bill& b) {
  return sheet::build("bill", [&](lxw_workbook* wb) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "月度服务明细");
    const sheet::Formats f = sheet::formats(wb);
    lxw_format *bold = f.bold, *header = f.header, *money_fmt = f.money, *money_bold = f.money_bold,
               *amount = f.amount;
    constexpr lxw_col_t kColumns = std::size(kHeaders);
    std::vector<double> widths(kColumns, 8);
    auto fit = [&](lxw_col_t col, const std::string& t) {
      widths[col] = std::min(60.0, std::max(widths[col], sheet::text_width(t) + 2));
    };
    worksheet_write_string(ws, 0, 0, (b.tenant_name + " " + b.month + " 账单 bill").c_str(), bold);
    worksheet_write_string(
        ws, 1, 0,
        ("price list: " + b.price_list + " (" + b.price_list_basis + ")  state: " + b.state)
            .c_str(),
        nullptr);
    const lxw_row_t kHeaderRow = 3;
    for (lxw_col_t i = 0; i < kColumns; ++i) {
      worksheet_write_string(ws, kHeaderRow, i, kHeaders[i], header);
      fit(i, kHeaders[i]);
    }
    lxw_row_t row = kHeaderRow + 1;
    for (const auto& s : b.systems) {
      for (const auto& l : s.lines) {
        worksheet_write_string(ws, row, 0, s.name.c_str(), nullptr);
        worksheet_write_string(ws, row, 1, l.code.c_str(), nullptr);
        worksheet_write_string(ws, row, 2, format_iso8601(l.from).c_str(), nullptr);
        worksheet_write_string(ws, row, 3, format_iso8601(l.to).c_str(), nullptr);
        sheet::write_decimal(ws, row, 4, l.quantity.str(), amount);
        if (l.priced) sheet::write_decimal(ws, row, 5, l.unit_price.str(), money_fmt);
        worksheet_write_number(ws, row, 6, static_cast<double>(l.per), nullptr);
        worksheet_write_string(ws, row, 7, l.period.c_str(), nullptr);
        sheet::write_decimal(ws, row, 8, l.amount.str(), money_fmt);
        worksheet_write_string(ws, row, 9, l.arithmetic.c_str(), nullptr);
        fit(0, s.name);
        fit(1, l.code);
        fit(2, format_iso8601(l.from));
        fit(3, format_iso8601(l.to));
        fit(9, l.arithmetic);
        ++row;
      }
      worksheet_write_string(ws, row, 1, "小计 subtotal", bold);
      sheet::write_decimal(ws, row, 8, s.total.str(), money_bold);
      ++row;
    }
    worksheet_write_string(ws, row, 1, "用量合计 usage total", bold);
    sheet::write_decimal(ws, row, 8, b.usage_total.str(), money_bold);
    ++row;
    for (const auto& a : b.adjustments) {
      worksheet_write_string(ws, row, 1, kind_zh(a.kind).c_str(), nullptr);
      sheet::write_decimal(ws, row, 8, a.amount.str(), money_fmt);
      worksheet_write_string(ws, row, 9, a.reason.c_str(), nullptr);
      ++row;
    }
    worksheet_write_string(ws, row, 1, "合计 total", bold);
    sheet::write_decimal(ws, row, 8, b.total.str(), money_bold);
    widths[8] = std::max(widths[8], 14.0);
    for (lxw_col_t c = 0; c < kColumns; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);
    worksheet_freeze_panes(ws, kHeaderRow + 1, 0);
  });
}

}  // namespace govcloud
