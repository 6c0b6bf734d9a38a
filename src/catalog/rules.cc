// Reading a service definition: its parameter schema, approval chains, quota mapping, and the
// unit conversions between procurement documents and the catalog.
#include <boost/json.hpp>
#include <cctype>
#include <set>

#include "catalog/catalog.h"

namespace govcloud {

namespace json = boost::json;

Result<std::vector<ParamSpec>> parse_params(const std::string& params_json) {
  boost::system::error_code ec;
  auto v = json::parse(params_json, ec);
  if (ec || !v.is_array()) return invalid("params", "params must be a list of parameters");
  if (v.as_array().size() > 50) return invalid("params", "at most 50 parameters");
  std::vector<ParamSpec> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& e = v.as_array()[i];
    std::string f = "params[" + std::to_string(i) + "]";
    if (!e.is_object()) return invalid(f, f + " must be an object");
    const auto& o = e.as_object();
    for (const auto& kv : o) {
      static const std::set<std::string> kKeys = {
          "name", "type", "min", "max", "enum", "default", "required", "unit", "description"};
      if (!kKeys.count(std::string(kv.key())))
        return invalid(f + "." + std::string(kv.key()), "unknown key in parameter definition");
    }
    ParamSpec p;
    if (!o.contains("name") || !o.at("name").is_string() || o.at("name").as_string().empty())
      return invalid(f + ".name", "each parameter needs a name");
    p.name = std::string(o.at("name").as_string());
    if (p.name.size() > 64 || !names.insert(p.name).second)
      return invalid(f + ".name", "parameter names are unique and at most 64 bytes");
    p.type =
        o.contains("type") && o.at("type").is_string() ? std::string(o.at("type").as_string()) : "";
    if (p.type != "integer" && p.type != "string" && p.type != "boolean" && p.type != "enum")
      return invalid(f + ".type", "type must be integer, string, boolean or enum");
    for (const char* k : {"min", "max"}) {
      if (!o.contains(k)) continue;
      if (p.type != "integer" || !o.at(k).is_int64())
        return invalid(f + "." + k, std::string(k) + " applies to integer parameters");
      (std::string(k) == "min" ? p.min : p.max) = o.at(k).as_int64();
    }
    if (p.min && p.max && *p.min > *p.max) return invalid(f + ".min", "min is above max");
    if (o.contains("enum")) {
      if (p.type != "enum" || !o.at("enum").is_array())
        return invalid(f + ".enum", "enum lists the values of an enum parameter");
      for (const auto& x : o.at("enum").as_array()) {
        if (!x.is_string()) return invalid(f + ".enum", "enum values are strings");
        p.allowed.emplace_back(x.as_string());
      }
    }
    if (p.type == "enum" && p.allowed.empty())
      return invalid(f + ".enum", "an enum parameter lists its values");
    if (o.contains("required")) {
      if (!o.at("required").is_bool()) return invalid(f + ".required", "required is true/false");
      p.required = o.at("required").as_bool();
    }
    if (o.contains("unit") && o.at("unit").is_string())
      p.unit = std::string(o.at("unit").as_string());
    if (o.contains("description") && o.at("description").is_string())
      p.description = std::string(o.at("description").as_string());
    if (o.contains("default")) p.default_value = o.at("default");
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<ApprovalStep>> approval_chain(const CatalogService& svc,
                                                 const std::string& action) {
  boost::system::error_code ec;
  auto v = json::parse(svc.policy_json, ec);
  if (ec || !v.is_object()) return invalid("policy", "policy must be an object");
  for (const auto& kv : v.as_object()) {
    std::string k(kv.key());
    if (k != "request" && k != "modify" && k != "delete")
      return invalid("policy." + k, "policy keys are request, modify and delete");
  }
  std::vector<ApprovalStep> out;
  auto it = v.as_object().find(action);
  if (it == v.as_object().end()) return out;  // no approval needed for this action
  std::string f = "policy." + action;
  if (!it->value().is_object()) return invalid(f, f + " must be an object with steps");
  const auto& o = it->value().as_object();
  if (!o.contains("steps") || !o.at("steps").is_array())
    return invalid(f + ".steps", "steps must be a list");
  if (o.at("steps").as_array().size() > 10) return invalid(f + ".steps", "at most 10 steps");
  for (std::size_t i = 0; i < o.at("steps").as_array().size(); ++i) {
    const auto& s = o.at("steps").as_array()[i];
    std::string sf = f + ".steps[" + std::to_string(i) + "]";
    if (!s.is_object() || !s.as_object().contains("role") || !s.as_object().contains("level") ||
        !s.at("role").is_string() || !s.at("level").is_string())
      return invalid(sf, "a step names a role and a level");
    ApprovalStep step;
    if (!parse_role(std::string(s.at("role").as_string()), step.role) ||
        (step.role != Role::kTenantAdmin && step.role != Role::kSysAdmin))
      return invalid(sf + ".role",
                     "approvers are tenant-admin (of a tenant or the management "
                     "unit) or sysadmin (of the platform)");
    if (!parse_org_type(std::string(s.at("level").as_string()), step.level) ||
        step.level == OrgType::kSupervisionUnit)
      return invalid(sf + ".level",
                     "level is business_system, tenant, management_unit or platform");
    out.push_back(step);
  }
  return out;
}

Result<json::object> validate_request_params(const CatalogService& svc, const json::object& given) {
  GC_ASSIGN_OR_RETURN(auto specs, parse_params(svc.params_json));
  json::object out;
  for (const auto& kv : given) {
    bool known = false;
    for (const auto& p : specs) known |= p.name == kv.key();
    if (!known)
      return invalid("params." + std::string(kv.key()),
                     "unknown parameter '" + std::string(kv.key()) + "' for " + svc.code);
  }
  for (const auto& p : specs) {
    std::string f = "params." + p.name;
    auto it = given.find(p.name);
    json::value v = it != given.end() ? it->value() : p.default_value;
    if (v.is_null()) {
      if (p.required) return invalid(f, p.name + " is required");
      continue;
    }
    if (p.type == "integer") {
      if (!v.is_int64()) return invalid(f, p.name + " must be an integer");
      if (p.min && v.as_int64() < *p.min)
        return invalid(f, p.name + " must be at least " + std::to_string(*p.min));
      if (p.max && v.as_int64() > *p.max)
        return invalid(f, p.name + " must be at most " + std::to_string(*p.max));
    } else if (p.type == "boolean") {
      if (!v.is_bool()) return invalid(f, p.name + " must be true or false");
    } else {
      if (!v.is_string()) return invalid(f, p.name + " must be a string");
      if (v.as_string().size() > 1000) return invalid(f, p.name + " is too long");
      if (p.type == "enum" && std::find(p.allowed.begin(), p.allowed.end(),
                                        std::string(v.as_string())) == p.allowed.end()) {
        std::string list;
        for (const auto& a : p.allowed) list += (list.empty() ? "" : ", ") + a;
        return invalid(f, p.name + " must be one of: " + list);
      }
    }
    out[p.name] = v;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> quota_amounts(
    const CatalogService& svc, const json::object& params) {
  boost::system::error_code ec;
  auto quota = json::parse(svc.quota_json, ec);
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (ec || !quota.is_object()) return out;
  std::int64_t quantity = 1;
  if (auto* q = params.if_contains("quantity"); q && q->is_int64()) quantity = q->as_int64();
  for (const auto& kv : quota.as_object()) {
    std::string param;
    if (kv.value().is_string()) {
      param = kv.value().as_string();
    } else {
      // {"param": "size_gb", "when": {"tier": "normal"}}: drawn only when the request's
      // parameters have those values (a volume's tier decides which quota it takes).
      const auto& o = kv.value().as_object();
      param = o.at("param").as_string();
      bool applies = true;
      if (const auto* when = o.if_contains("when"))
        for (const auto& cond : when->as_object()) {
          const auto* have = params.if_contains(cond.key());
          applies &= have != nullptr && *have == cond.value();
        }
      if (!applies) continue;
    }
    auto* v = params.if_contains(param);
    if (v == nullptr || !v->is_int64()) continue;
    std::int64_t amount = v->as_int64();
    if (param != "quantity" && __builtin_mul_overflow(amount, quantity, &amount))
      return invalid("params." + param, param + " × quantity is too large");
    if (amount > 0) out.emplace_back(std::string(kv.key()), amount);
  }
  return out;
}

UnitConversion convert_unit(const std::string& written, const std::string& catalog_unit) {
  UnitConversion out;
  // Leading number: "100GB" → 100, "1 系统" → 1, "GB" → 1.
  std::size_t i = 0;
  while (i < written.size() && written[i] == ' ') ++i;
  std::size_t start = i;
  while (i < written.size() && std::isdigit(static_cast<unsigned char>(written[i]))) ++i;
  if (i - start > 6) {  // no document writes a unit of a million or more of anything
    out.understood = false;
    out.note = "unit '" + written.substr(0, 40) + "' has a number too large to be a unit";
    return out;
  }
  std::int64_t number = i > start ? std::stoll(written.substr(start, i - start)) : 1;
  std::string word;
  for (; i < written.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(written[i]);
    if (c < 0x80 && std::isalpha(c))
      word += static_cast<char>(std::tolower(c));
    else if (c >= 0x80 || c == '(' || c == ' ') {
      if (!word.empty()) break;  // "1IP（内网）": the ASCII word ends at the bracket
    }
  }
  out.factor = number;
  if (catalog_unit == "gb" && word == "tb") {
    out.factor = number * 1024;
    out.note = "1 TB counted as 1024 GB";
  } else if (catalog_unit == "tb" && word == "gb") {
    out.understood = false;
    out.note = "GB against a per-TB service";
  } else if (catalog_unit == "gb_traffic") {
    out.note = "traffic unit taken as written (C12)";
  } else if (!word.empty() && word != "gb" && word != "tb" && word != "cpu" && word != "vcpu" &&
             word != "mb" && word != "ip" && word != "gpu" && word != "npu" && word != "ecu" &&
             word != "cu" && word != "tflop" && word != "tflops" && word != "mbps") {
    out.understood = false;
    out.note = "unit '" + written + "' is not a known unit; counted as " + std::to_string(number);
  }
  return out;
}

bool bills_while_stopped(const CatalogService& svc) {
  boost::system::error_code ec;
  auto details = boost::json::parse(svc.details_json, ec);
  if (ec || !details.is_object()) return false;
  auto* flag = details.as_object().if_contains("bills_while_stopped");
  return flag && flag->is_bool() && flag->as_bool();
}

bool is_accelerator(const std::string& code) {
  return code.rfind("compute-gpu-", 0) == 0 || code == "compute-npu-24g" ||
         code == "ai-gpu-memory" || code == "ai-fp16-tflops";
}

bool is_host(const std::string& code) {
  return code == "compute-vcpu" ||
         (code.rfind("compute-physical-server-", 0) == 0 && code.find("disk") == std::string::npos);
}

}  // namespace govcloud
