#include "common/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>

namespace govcloud {
namespace {

Status parse_int(const std::string& key, const std::string& text, std::int64_t lo, std::int64_t hi,
                 std::int64_t& out) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size())
    return invalid(key, key + ": expected an integer, got '" + text + "'");
  if (v < lo || v > hi)
    return invalid(key,
                   key + ": must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  out = v;
  return ok_status();
}

Status parse_bool(const std::string& key, const std::string& text, bool& out) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") {
    out = true;
  } else if (text == "false" || text == "0" || text == "no" || text == "off") {
    out = false;
  } else {
    return invalid(key, key + ": expected true or false, got '" + text + "'");
  }
  return ok_status();
}

using Setter = std::function<Status(Config&, const std::string&, const std::string&)>;

template <typename T>
Setter int_field(T Config::*member, std::int64_t lo, std::int64_t hi) {
  return [=](Config& c, const std::string& k, const std::string& v) -> Status {
    std::int64_t out = 0;
    GC_TRY(parse_int(k, v, lo, hi, out));
    c.*member = static_cast<T>(out);
    return ok_status();
  };
}

template <typename S>
Setter int_field_in(int S::*member, S Config::*section, std::int64_t lo, std::int64_t hi) {
  return [=](Config& c, const std::string& k, const std::string& v) -> Status {
    std::int64_t out = 0;
    GC_TRY(parse_int(k, v, lo, hi, out));
    (c.*section).*member = static_cast<int>(out);
    return ok_status();
  };
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> kSetters = {
      {"listen",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.listen = v;
         return ok_status();
       }},
      {"data_dir",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.data_dir = v;
         return ok_status();
       }},
      {"bootstrap_password",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.bootstrap_password = v;
         return ok_status();
       }},
      {"threads", int_field(&Config::threads, 0, 256)},
      {"max_body_bytes", int_field(&Config::max_body_bytes, 1024, 64 << 20)},
      {"token_ttl_minutes", int_field(&Config::token_ttl_minutes, 1, std::int64_t{7} * 24 * 60)},
      {"max_assume_minutes", int_field(&Config::max_assume_minutes, 1, std::int64_t{24} * 60)},
      {"audit_retention_days", int_field(&Config::audit_retention_days, 366, 36500)},
      {"cpu_floor_mhz_x86", int_field(&Config::cpu_floor_mhz_x86, 0, 10000)},
      {"cpu_floor_mhz_arm", int_field(&Config::cpu_floor_mhz_arm, 0, 10000)},
      {"cpu_floor_mhz_c86", int_field(&Config::cpu_floor_mhz_c86, 0, 10000)},
      {"access_log",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         return parse_bool(k, v, c.access_log);
       }},
      {"demo",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         return parse_bool(k, v, c.demo);
       }},
      {"timezone",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         auto off = utc_offset_minutes(v);
         if (!off)
           return invalid(k, k + ": unknown time zone '" + v +
                                 "' (Asia/Shanghai, Asia/Urumqi, Asia/Hong_Kong, Asia/Macau, "
                                 "UTC or +HH:MM)");
         c.timezone = v;
         c.utc_offset_minutes = *off;
         return ok_status();
       }},
      {"require_totp_for_admins",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         return parse_bool(k, v, c.require_totp_for_admins);
       }},
      {"password.min_length",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         std::int64_t out = 0;
         GC_TRY(parse_int(k, v, 8, 128, out));
         c.password.min_length = static_cast<int>(out);
         return ok_status();
       }},
      {"password.min_classes",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         std::int64_t out = 0;
         GC_TRY(parse_int(k, v, 1, 4, out));
         c.password.min_classes = static_cast<int>(out);
         return ok_status();
       }},
      {"password.max_age_days",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         std::int64_t out = 0;
         GC_TRY(parse_int(k, v, 1, 3650, out));
         c.password.max_age_days = static_cast<int>(out);
         return ok_status();
       }},
      {"lockout.max_failures",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         std::int64_t out = 0;
         GC_TRY(parse_int(k, v, 1, 100, out));
         c.lockout.max_failures = static_cast<int>(out);
         return ok_status();
       }},
      {"keys_dir",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.keys_dir = v;
         return ok_status();
       }},
      {"audit.checkpoint_file",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.audit.checkpoint_file = v;
         return ok_status();
       }},
      {"audit.syslog",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         if (!v.empty() && v.rfind(':') == std::string::npos)
           return invalid(k, k + " must be host:port, e.g. 127.0.0.1:514");
         c.audit.syslog = v;
         return ok_status();
       }},
      {"audit.checkpoint_seconds",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         std::int64_t out = 0;
         GC_TRY(parse_int(k, v, 1, 3600, out));
         c.audit.checkpoint_seconds = static_cast<int>(out);
         return ok_status();
       }},
      {"password_rate.per_user_per_minute",
       int_field_in(&PasswordRateLimit::per_user_per_minute, &Config::password_rate, 1, 1000000)},
      {"password_rate.per_source_per_minute",
       int_field_in(&PasswordRateLimit::per_source_per_minute, &Config::password_rate, 1, 1000000)},
      {"password.history",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         std::int64_t out = 0;
         GC_TRY(parse_int(k, v, 0, 24, out));
         c.password.history = static_cast<int>(out);
         return ok_status();
       }},
      {"lockout.lock_minutes",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         std::int64_t out = 0;
         GC_TRY(parse_int(k, v, 1, std::int64_t{24} * 60, out));
         c.lockout.lock_minutes = static_cast<int>(out);
         return ok_status();
       }},
  };
  return kSetters;
}

Status load_node(Config& c, const YAML::Node& node, const std::string& prefix) {
  if (!node.IsMap()) return invalid(prefix, "config: expected a mapping at '" + prefix + "'");
  for (const auto& kv : node) {
    std::string key =
        prefix.empty() ? kv.first.as<std::string>() : prefix + "." + kv.first.as<std::string>();
    if (kv.second.IsMap()) {
      GC_TRY(load_node(c, kv.second, key));
    } else if (kv.second.IsScalar()) {
      GC_TRY(c.set(key, kv.second.as<std::string>()));
    } else {
      return invalid(key, "config: '" + key + "' must be a scalar");
    }
  }
  return ok_status();
}

}  // namespace

Status Config::set(const std::string& key, const std::string& value) {
  auto it = setters().find(key);
  if (it == setters().end()) return invalid(key, "unknown configuration key '" + key + "'");
  return it->second(*this, key, value);
}

Status Config::load_yaml_file(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return invalid("config", "cannot read config file " + path + ": " + e.what());
  }
  if (root.IsNull()) return ok_status();
  return load_node(*this, root, "");
}

Status Config::load_env() {
  for (const auto& [key, setter] : setters()) {
    std::string name = "GOVCLOUD_";
    for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    if (const char* v = std::getenv(name.c_str())) GC_TRY(set(key, v));
  }
  return ok_status();
}

std::vector<std::string> Config::keys() {
  std::vector<std::string> out;
  for (const auto& kv : setters()) out.push_back(kv.first);
  return out;
}

}  // namespace govcloud
