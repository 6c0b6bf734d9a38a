#include "drivers/sim/state_file.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace govcloud::sim {

std::optional<boost::json::value> read_state(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(text.str(), ec);
  if (ec || !root.is_object()) return std::nullopt;
  return root;
}

void write_state(const std::string& path, const boost::json::value& root) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << boost::json::serialize(root);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
}

}  // namespace govcloud::sim
