// Aligned text tables for CLI output; widths count CJK characters as two columns.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

namespace govcloud {

struct Column {
  std::string header;
  std::string key;  // field of each JSON object; "a.b" reaches into objects
};

// Renders an array of objects; missing fields print as "-".
std::string render_table(const boost::json::array& rows, const std::vector<Column>& columns);
// Renders one object as "key: value" lines.
std::string render_object(const boost::json::object& obj);
std::string cell_text(const boost::json::value& v);
// The text of one field of a row, as the table shows it ("a.b" reaches into objects).
std::string table_cell(const boost::json::value& row, const std::string& key);

}  // namespace govcloud
