#include "common/yaml_json.h"

#include <boost/json.hpp>
#include <string>

namespace govcloud {

boost::json::value yaml_to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    boost::json::object o;
    for (const auto& kv : node) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return o;
  }
  if (node.IsSequence()) {
    boost::json::array a;
    for (const auto& x : node) a.push_back(yaml_to_json(x));
    return a;
  }
  if (node.IsNull() || !node.IsDefined()) return nullptr;
  return boost::json::value(node.as<std::string>());
}

}  // namespace govcloud
