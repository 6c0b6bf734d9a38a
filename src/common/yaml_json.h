// YAML documents (packages.yaml, price files) as JSON values: maps, lists and scalars kept as
// the text the document wrote; whoever reads the value interprets it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <boost/json/value.hpp>

namespace govcloud {

// Throws YAML::Exception where yaml-cpp does (e.g. a key that is not a scalar) and when aliases
// would expand past 200000 nodes.
boost::json::value yaml_to_json(const YAML::Node& node);

}  // namespace govcloud
