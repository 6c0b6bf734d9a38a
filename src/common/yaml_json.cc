#include "common/yaml_json.h"

#include <boost/json.hpp>
#include <string>

namespace govcloud {
namespace {

// A YAML alias is a shared node; written out as JSON it is copied, so a few lines of aliases
// of aliases expand to gigabytes ("billion laughs"). The conversion stops at a node budget far
// above any real packages.yaml (issue 8 §13).
constexpr std::size_t kMaxNodes = 200000;
constexpr int kMaxDepth = 64;

struct Budget {
  std::size_t nodes = 0;
};

boost::json::value convert(const YAML::Node& node, Budget& budget, int depth) {
  if (++budget.nodes > kMaxNodes || depth > kMaxDepth)
    throw YAML::Exception(node.Mark(),
                          "the document is too large or too deeply nested once its "
                          "aliases are expanded (more than 200000 nodes)");
  if (node.IsMap()) {
    boost::json::object o;
    for (const auto& kv : node)
      o[kv.first.as<std::string>()] = convert(kv.second, budget, depth + 1);
    return o;
  }
  if (node.IsSequence()) {
    boost::json::array a;
    for (const auto& x : node) a.push_back(convert(x, budget, depth + 1));
    return a;
  }
  if (node.IsNull() || !node.IsDefined()) return nullptr;
  return boost::json::value(node.as<std::string>());
}

}  // namespace

boost::json::value yaml_to_json(const YAML::Node& node) {
  Budget budget;
  return convert(node, budget, 0);
}

}  // namespace govcloud
