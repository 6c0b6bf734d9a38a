// Helpers shared by the workflow files: JSON documents in the store, notifications.
#pragma once

#include <boost/json.hpp>

#include "store/store.h"
#include "workflow/workflow.h"

namespace govcloud::workflow {

namespace json = boost::json;

struct Loaded {
  Document meta;
  json::object body;
};

std::optional<Loaded> load(Tx& tx, const std::string& kind, const std::string& id);
// Writes the document; state, owner and ref are copied into the indexed columns.
void save(Tx& tx, const std::string& kind, const std::string& id, const std::string& org_id,
          const json::object& body, TimeMs now);
// A notification is about an org node, so a narrowed credential sees only those it reaches.
void notify(Tx& tx, const std::string& user, const std::string& org_id, const std::string& message,
            const std::string& link, TimeMs now);
std::string str(const json::object& o, const char* key);
json::value time_json(TimeMs t);

}  // namespace govcloud::workflow
