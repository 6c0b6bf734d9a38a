// Request bodies are declared, not parsed ad hoc: a BodySchema lists each field with its type
// and limits. The same declaration validates requests (strictly: unknown fields, wrong types,
// out-of-range values are 400s naming the field) and becomes the OpenAPI request schema.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace govcloud {

enum class FieldType {
  kString,
  kInteger,
  kBoolean,
  kIntegerMap,  // {"vcpu": 8, "memory_gb": 16}
  kTimestamp,   // ISO 8601 string
  kJson,        // any JSON object or array, checked by the service (package files, schemas)
};

struct FieldSpec {
  std::string name = {};
  FieldType type = FieldType::kString;
  bool required = false;
  std::string description = {};
  std::int64_t min = 0;
  std::int64_t max = 0;  // integers: max==min==0 means unbounded
  std::size_t max_length = 1000;
  std::vector<std::string> allowed = {};  // enum values for strings
};

struct BodySchema {
  std::vector<FieldSpec> fields;
  bool empty() const { return fields.empty(); }
};

// Parses `body` as a JSON object and checks it against the schema.
Result<boost::json::object> decode_body(const std::string& body, const BodySchema& schema);
boost::json::value schema_to_openapi(const BodySchema& schema);

// Accessors for decoded bodies (fields already validated).
std::string str_field(const boost::json::object& o, const char* name,
                      const std::string& fallback = {});
bool has_field(const boost::json::object& o, const char* name);
std::int64_t int_field(const boost::json::object& o, const char* name, std::int64_t fallback);
bool bool_field(const boost::json::object& o, const char* name, bool fallback);

}  // namespace govcloud
