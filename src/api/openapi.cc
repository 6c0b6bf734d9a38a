#include <boost/json.hpp>

#include "api/route_rules.h"
#include "api/router.h"

namespace govcloud {

namespace json = boost::json;

std::string build_openapi(const std::vector<Route>& routes) {
  json::object paths;
  for (const auto& r : routes) {
    std::string path;
    json::array parameters;
    // "{id:org}" → "{id}" with a typed path parameter.
    std::size_t i = 0;
    while (i < r.path.size()) {
      if (r.path[i] == '{') {
        auto end = r.path.find('}', i);
        std::string inner = r.path.substr(i + 1, end - i - 1);
        auto colon = inner.find(':');
        std::string name = inner.substr(0, colon);
        json::object schema{{"type", "string"}};
        if (colon != std::string::npos)
          schema["pattern"] = "^" + inner.substr(colon + 1) + "-[0-9a-f]{16}$";
        parameters.push_back(json::object{
            {"name", name}, {"in", "path"}, {"required", true}, {"schema", std::move(schema)}});
        path += "{" + name + "}";
        i = end + 1;
      } else {
        path += r.path[i++];
      }
    }
    for (const auto& q : r.query) {
      json::object schema{{"type", q.type == FieldType::kInteger   ? "integer"
                                   : q.type == FieldType::kBoolean ? "boolean"
                                                                   : "string"}};
      if (q.type == FieldType::kTimestamp) schema["format"] = "date-time";
      parameters.push_back(json::object{{"name", q.name},
                                        {"in", "query"},
                                        {"required", false},
                                        {"description", q.description},
                                        {"schema", std::move(schema)}});
    }
    json::object op{{"summary", r.summary},
                    {"tags", json::array{json::value(r.tag)}},
                    {"operationId", r.method + " " + r.path}};
    if (!parameters.empty()) op["parameters"] = std::move(parameters);
    std::string right;
    if (r.access.is_public()) {
      op["security"] = json::array{};
      right = "public";
    } else if (r.access.action()) {
      op["x-permission"] = action_name(*r.access.action());
      right = action_name(*r.access.action());
    } else {
      op["x-permission"] = "authenticated";
      right = "authenticated";
    }
    auto rule = route_owner_rules().find(r.method + " " + r.path);
    op["x-govcloud-access"] = json::object{
        {"right", right}, {"owner_rule", rule != route_owner_rules().end() ? rule->second : ""}};
    if (!r.body.empty()) {
      op["requestBody"] = json::object{
          {"required", true},
          {"content", json::object{{"application/json",
                                    json::object{{"schema", schema_to_openapi(r.body)}}}}}};
    }
    json::object responses;
    responses[std::to_string(r.success_status)] =
        json::object{{"description", r.success_status == 204 ? "No content" : "Success"}};
    json::object err_content{
        {"application/json",
         json::object{{"schema", json::object{{"$ref", "#/components/schemas/Error"}}}}}};
    for (const char* code : {"400", "401", "403", "404", "409"})
      responses[code] = json::object{{"description", "Error"}, {"content", err_content}};
    op["responses"] = std::move(responses);
    std::string method = r.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(ch));
    json::value& entry = paths[path];
    if (!entry.is_object()) entry = json::object{};
    entry.as_object()[method] = std::move(op);
  }
  json::object error_schema{
      {"type", "object"},
      {"properties",
       json::object{
           {"error", json::object{{"type", "object"},
                                  {"properties",
                                   json::object{{"code", json::object{{"type", "string"}}},
                                                {"message", json::object{{"type", "string"}}},
                                                {"field", json::object{{"type", "string"}}},
                                                {"request_id", json::object{{"type", "string"}}}}},
                                  {"required", json::array{"code", "message", "request_id"}}}}}}};
  json::object doc{
      {"openapi", "3.0.3"},
      {"info", json::object{{"title", "govcloud API"},
                            {"version", "0.1.0"},
                            {"description", "政务云管理平台 control-plane API"}}},
      {"servers", json::array{json::object{{"url", "/"}}}},
      {"paths", std::move(paths)},
      {"components",
       json::object{
           {"schemas", json::object{{"Error", std::move(error_schema)}}},
           {"securitySchemes",
            json::object{{"bearer", json::object{{"type", "http"}, {"scheme", "bearer"}}}}}}},
      {"security", json::array{json::object{{"bearer", json::array{}}}}}};
  return json::serialize(doc);
}

}  // namespace govcloud
