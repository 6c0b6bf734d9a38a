#include "cli/table.h"

#include <boost/json.hpp>

namespace govcloud {

namespace json = boost::json;

namespace {

std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : 4;
    width += len >= 3 ? 2 : 1;  // CJK and most other 3/4-byte characters are wide
    i += len;
  }
  return width;
}

const json::value* lookup(const json::object& row, const std::string& key) {
  const json::object* obj = &row;
  std::size_t start = 0;
  while (true) {
    auto dot = key.find('.', start);
    auto it = obj->find(key.substr(start, dot - start));
    if (it == obj->end()) return nullptr;
    if (dot == std::string::npos) return &it->value();
    if (!it->value().is_object()) return nullptr;
    obj = &it->value().as_object();
    start = dot + 1;
  }
}

}  // namespace

std::string cell_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "-";
  if (v.is_bool()) return v.as_bool() ? "yes" : "no";
  return json::serialize(v);
}

std::string table_cell(const json::value& row, const std::string& key) {
  const json::value* v = row.is_object() ? lookup(row.as_object(), key) : nullptr;
  if (v == nullptr || v->is_null()) return "";
  return cell_text(*v);
}

std::string render_table(const json::array& rows, const std::vector<Column>& columns) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  widths.reserve(columns.size());
  for (const auto& c : columns) widths.push_back(display_width(c.header));
  for (const auto& r : rows) {
    std::vector<std::string> line;
    line.reserve(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const json::value* v = r.is_object() ? lookup(r.as_object(), columns[i].key) : nullptr;
      std::string text = v ? cell_text(*v) : "-";
      widths[i] = std::max(widths[i], display_width(text));
      line.push_back(std::move(text));
    }
    cells.push_back(std::move(line));
  }
  auto emit = [&](const std::vector<std::string>& line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(widths[i] - display_width(line[i]) + 2, ' ');
    }
    return out + "\n";
  };
  std::vector<std::string> header;
  header.reserve(columns.size());
  for (const auto& c : columns) header.push_back(c.header);
  std::string out = emit(header);
  for (const auto& line : cells) out += emit(line);
  return out;
}

std::string render_object(const json::object& obj) {
  std::size_t width = 0;
  for (const auto& kv : obj) width = std::max(width, kv.key().size());
  std::string out;
  for (const auto& kv : obj) {
    out += std::string(kv.key());
    out += std::string(width - kv.key().size() + 2, ' ');
    out += cell_text(kv.value());
    out += "\n";
  }
  return out;
}

}  // namespace govcloud
