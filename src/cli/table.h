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

}  // namespace govcloud
