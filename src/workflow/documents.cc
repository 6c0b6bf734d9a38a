#include "workflow/documents.h"

namespace govcloud::workflow {

std::optional<Loaded> load(Tx& tx, const std::string& kind, const std::string& id) {
  auto d = tx.find_document(kind, id);
  if (!d) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(d->body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return Loaded{*d, std::move(v.as_object())};
}

void save(Tx& tx, const std::string& kind, const std::string& id, const std::string& org_id,
          const json::object& body, TimeMs now) {
  Document d;
  d.kind = kind;
  d.id = id;
  d.org_id = org_id;
  d.state = str(body, "state");
  d.owner = str(body, "owner");
  d.ref = str(body, "ref");
  auto existing = tx.find_document(kind, id);
  d.created_at = existing ? existing->created_at : now;
  d.updated_at = now;
  d.body = json::serialize(body);
  tx.put_document(d);
}

void notify(Tx& tx, const std::string& user, const std::string& org_id, const std::string& message,
            const std::string& link, TimeMs now) {
  std::string id = new_id("ntf");
  json::object body{{"id", id},           {"owner", user}, {"state", "unread"},
                    {"message", message}, {"link", link},  {"created_at", time_json(now)}};
  save(tx, "notification", id, org_id, body, now);
}

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::value time_json(TimeMs t) {
  if (t == 0) return nullptr;
  return json::value(format_iso8601(t));
}

}  // namespace govcloud::workflow
