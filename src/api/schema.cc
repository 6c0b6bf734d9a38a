#include "api/schema.h"

#include <boost/json.hpp>

#include "common/clock.h"

namespace govcloud {

namespace json = boost::json;

namespace {

const char* type_word(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "a string";
    case FieldType::kInteger:
      return "an integer";
    case FieldType::kBoolean:
      return "true or false";
    case FieldType::kIntegerMap:
      return "an object of integers";
    case FieldType::kTimestamp:
      return "an ISO 8601 time string";
    case FieldType::kJson:
      return "a JSON object or array";
  }
  return "a value";
}

Status check_int(const FieldSpec& f, const std::string& name, const json::value& v) {
  if (!v.is_int64() && !v.is_uint64()) return invalid(name, name + " must be an integer");
  if (v.is_uint64() && v.as_uint64() > static_cast<std::uint64_t>(INT64_MAX))
    return invalid(name, name + " is out of range");
  std::int64_t n = v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(v.as_uint64());
  if ((f.min != 0 || f.max != 0) && (n < f.min || n > f.max))
    return invalid(
        name, name + " must be between " + std::to_string(f.min) + " and " + std::to_string(f.max));
  return ok_status();
}

Status check_field(const FieldSpec& f, const json::value& v) {
  if (v.is_null() && !f.required) return ok_status();
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kTimestamp: {
      if (!v.is_string()) return invalid(f.name, f.name + " must be " + type_word(f.type));
      const auto& s = v.as_string();
      if (s.size() > f.max_length)
        return invalid(f.name,
                       f.name + " must be at most " + std::to_string(f.max_length) + " bytes");
      if (f.required && s.empty()) return invalid(f.name, f.name + " must not be empty");
      if (!f.allowed.empty()) {
        bool found = false;
        for (const auto& a : f.allowed) found |= (s == a);
        if (!found) {
          std::string list;
          for (const auto& a : f.allowed) list += (list.empty() ? "" : ", ") + a;
          return invalid(f.name, f.name + " must be one of: " + list);
        }
      }
      if (f.type == FieldType::kTimestamp) {
        TimeMs t = 0;
        if (!parse_iso8601(std::string(s), t))
          return invalid(f.name, f.name +
                                     " must be an ISO 8601 time (2026-01-31 or "
                                     "2026-01-31T08:00:00Z)");
      }
      return ok_status();
    }
    case FieldType::kInteger:
      return check_int(f, f.name, v);
    case FieldType::kBoolean:
      if (!v.is_bool()) return invalid(f.name, f.name + " must be true or false");
      return ok_status();
    case FieldType::kJson:
      if (!v.is_object() && !v.is_array())
        return invalid(f.name, f.name + " must be a JSON object or array");
      return ok_status();
    case FieldType::kIntegerMap: {
      if (!v.is_object()) return invalid(f.name, f.name + " must be an object of integers");
      if (v.as_object().size() > 64) return invalid(f.name, f.name + " has too many entries");
      for (const auto& kv : v.as_object()) {
        std::string name = f.name + "." + std::string(kv.key());
        GC_TRY(check_int(f, name, kv.value()));
      }
      return ok_status();
    }
  }
  return ok_status();
}

}  // namespace

Result<json::object> decode_body(const std::string& body, const BodySchema& schema) {
  if (body.empty()) {
    for (const auto& f : schema.fields) {
      if (f.required) return invalid(f.name, "request body is empty; " + f.name + " is required");
    }
    return json::object{};
  }
  json::parse_options opts;
  opts.max_depth = 32;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return invalid("body", "request body is not valid JSON: " + ec.message());
  if (!v.is_object()) return invalid("body", "request body must be a JSON object");
  auto& obj = v.as_object();
  for (const auto& kv : obj) {
    bool known = false;
    for (const auto& f : schema.fields) known |= (kv.key() == f.name);
    if (!known) {
      std::string k(kv.key());
      return invalid(k, "unknown field '" + k + "'");
    }
  }
  for (const auto& f : schema.fields) {
    auto it = obj.find(f.name);
    if (it == obj.end()) {
      if (f.required) return invalid(f.name, f.name + " is required");
      continue;
    }
    GC_TRY(check_field(f, it->value()));
  }
  return std::move(obj);
}

json::value schema_to_openapi(const BodySchema& schema) {
  json::object props;
  json::array required;
  for (const auto& f : schema.fields) {
    json::object p;
    switch (f.type) {
      case FieldType::kString:
        p["type"] = "string";
        break;
      case FieldType::kTimestamp:
        p["type"] = "string";
        p["format"] = "date-time";
        break;
      case FieldType::kInteger:
        p["type"] = "integer";
        break;
      case FieldType::kBoolean:
        p["type"] = "boolean";
        break;
      case FieldType::kIntegerMap:
        p["type"] = "object";
        p["additionalProperties"] = json::object{{"type", "integer"}};
        break;
      case FieldType::kJson:
        p["oneOf"] = json::array{json::object{{"type", "object"}}, json::object{{"type", "array"}}};
        break;
    }
    if (f.type == FieldType::kString) p["maxLength"] = f.max_length;
    if ((f.type == FieldType::kInteger || f.type == FieldType::kIntegerMap) &&
        (f.min != 0 || f.max != 0)) {
      json::object& target =
          f.type == FieldType::kInteger ? p : p["additionalProperties"].as_object();
      target["minimum"] = f.min;
      target["maximum"] = f.max;
    }
    if (!f.allowed.empty()) {
      json::array e;
      for (const auto& a : f.allowed) e.emplace_back(a);
      p["enum"] = std::move(e);
    }
    if (!f.description.empty()) p["description"] = f.description;
    props[f.name] = std::move(p);
    if (f.required) required.emplace_back(f.name);
  }
  json::object out{
      {"type", "object"}, {"additionalProperties", false}, {"properties", std::move(props)}};
  if (!required.empty()) out["required"] = std::move(required);
  return out;
}

std::string str_field(const json::object& o, const char* name, const std::string& fallback) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_string()) return fallback;
  return std::string(it->value().as_string());
}

bool has_field(const json::object& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && !it->value().is_null();
}

std::int64_t int_field(const json::object& o, const char* name, std::int64_t fallback) {
  auto it = o.find(name);
  if (it == o.end()) return fallback;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().as_uint64());
  return fallback;
}

bool bool_field(const json::object& o, const char* name, bool fallback) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_bool()) return fallback;
  return it->value().as_bool();
}

}  // namespace govcloud
