// The sim twins' state files: JSON written whole and renamed into place, so a kill never leaves
// half a file, and read back at start (what outlives the process, as a real host's state does).
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>

namespace govcloud::sim {

// The file's JSON object; nothing when the file is missing or not a JSON object.
std::optional<boost::json::value> read_state(const std::string& path);
void write_state(const std::string& path, const boost::json::value& root);

}  // namespace govcloud::sim
