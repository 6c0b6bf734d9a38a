// Per route, the owner rule: on which objects a caller holding the route's right may act, and
// whose lifecycle decides (issue 7 §1). Keyed "METHOD /path/{template}".
#pragma once

#include <map>
#include <string>

namespace govcloud {

const std::map<std::string, std::string>& route_owner_rules();

}  // namespace govcloud
