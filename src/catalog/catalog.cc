// Loading, browsing and editing the catalog.
#include "catalog/catalog.h"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <map>
#include <regex>

namespace govcloud {

namespace json = boost::json;

namespace {

const std::vector<std::string> kCategories = {
    "compute",   "storage",    "network", "security", "security-basic", "software", "database",
    "migration", "monitoring", "crypto",  "ai",       "service",        "custom"};
const std::vector<std::string> kPeriods = {"month", "year", "once", "traffic", ""};

json::value yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    json::object o;
    for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    json::array a;
    for (const auto& x : n) a.push_back(yaml_to_json(x));
    return a;
  }
  if (n.IsNull()) return nullptr;
  return json::value(n.as<std::string>());
}

// The quota resource each built-in service draws on (TEN-05), by catalog code.
std::string builtin_resource(const std::string& code) {
  static const std::map<std::string, std::string> kByCode = {
      {"compute-vcpu", "vcpu"},
      {"compute-memory", "memory_gb"},
      {"storage-normal", "storage_normal_gb"},
      {"storage-high-perf", "storage_performance_gb"},
      {"storage-backup-local", "storage_backup_gb"},
      {"storage-backup-space", "storage_backup_gb"},
      {"storage-backup-offsite", "storage_backup_gb"},
      {"network-internet-ip", "public_ip"},
      {"network-internet-bandwidth", "bandwidth_mbps"},
      {"network-lb", "load_balancer"},
      {"network-remote-access", "vpn_account"},
      {"network-ssl-vpn", "vpn_account"},
      {"compute-npu-24g", "npu"}};
  if (auto it = kByCode.find(code); it != kByCode.end()) return it->second;
  if (code.rfind("compute-gpu-", 0) == 0) return "gpu";
  if (code.rfind("compute-physical-server-", 0) == 0 && code.find("disk") == std::string::npos)
    return "physical_server";
  return "";
}

// Default chain: the tenant's administrator approves requests and changes (CAT-08); a delete
// needs no approval.
std::string default_policy() {
  json::object step{{"role", "tenant-admin"}, {"level", "tenant"}};
  json::object policy{{"request", json::object{{"steps", json::array{step}}}},
                      {"modify", json::object{{"steps", json::array{step}}}},
                      {"delete", json::object{{"steps", json::array{}}}}};
  return json::serialize(policy);
}

CatalogService from_yaml(const YAML::Node& n, TimeMs now) {
  CatalogService s;
  s.code = n["code"].as<std::string>();
  s.category = n["category"].as<std::string>();
  s.name_zh = n["name_zh"].as<std::string>();
  s.name_en = n["name_en"].as<std::string>();
  s.unit = n["unit"].as<std::string>();
  s.period = n["period"] && !n["period"].IsNull() ? n["period"].as<std::string>() : "";
  s.free = n["free"] && n["free"].as<bool>();
  if (n["price_ceiling_yuan"] && !n["price_ceiling_yuan"].IsNull()) {
    auto m = Money::parse(n["price_ceiling_yuan"].as<std::string>(), "price_ceiling_yuan");
    if (m.ok()) s.price_ceiling = m.value();
  }
  if (n["price_ceiling_basis"]) s.ceiling_basis = n["price_ceiling_basis"].as<std::string>();
  json::object details;
  for (const char* k : {"specs", "spec_variants", "billing_variants", "doc_codes", "aliases_zh",
                        "notes", "seeds", "free_in_seeds", "bills_while_stopped"}) {
    if (n[k]) details[k] = yaml_to_json(n[k]);
  }
  s.details_json = json::serialize(details);
  s.origin = "catalog";
  json::array params{json::object{{"name", "quantity"},
                                  {"type", "integer"},
                                  {"min", 1},
                                  {"max", 100000000},
                                  {"required", true},
                                  {"unit", s.unit},
                                  {"description", "数量 / quantity"}}};
  s.params_json = json::serialize(params);
  s.policy_json = default_policy();
  s.fulfilment = "manual";
  std::string resource = builtin_resource(s.code);
  s.quota_json = resource.empty() ? "{}" : json::serialize(json::object{{resource, "quantity"}});
  s.created_by = "system";
  s.created_at = now;
  s.updated_at = now;
  return s;
}

Status validate_service(const CatalogService& s) {
  static const std::regex kCode("^[a-z][a-z0-9-]{1,63}$");
  if (!std::regex_match(s.code, kCode))
    return invalid("code", "code must be 2-64 characters: lower-case letters, digits and '-'");
  if (std::find(kCategories.begin(), kCategories.end(), s.category) == kCategories.end())
    return invalid("category", "unknown category '" + s.category + "'");
  if (s.name_zh.empty() || s.name_zh.size() > 300) return invalid("name_zh", "name_zh is required");
  if (s.name_en.empty() || s.name_en.size() > 300) return invalid("name_en", "name_en is required");
  if (s.unit.empty() || s.unit.size() > 40) return invalid("unit", "unit is required");
  if (std::find(kPeriods.begin(), kPeriods.end(), s.period) == kPeriods.end())
    return invalid("period", "period must be month, year, once or traffic");
  if (s.fulfilment != "manual" && s.fulfilment != "auto")
    return invalid("fulfilment", "fulfilment must be manual or auto");
  GC_TRY(parse_params(s.params_json));
  for (const char* action : kRequestActions) GC_TRY(approval_chain(s, action));
  // Quota mapping: known resources, each drawn from an integer parameter.
  GC_ASSIGN_OR_RETURN(auto params, parse_params(s.params_json));
  boost::system::error_code ec;
  auto quota = json::parse(s.quota_json, ec);
  if (ec || !quota.is_object()) return invalid("quota", "quota must be an object");
  for (const auto& kv : quota.as_object()) {
    std::string field = "quota." + std::string(kv.key());
    if (find_resource_kind(std::string(kv.key())) == nullptr)
      return invalid(field, "unknown resource '" + std::string(kv.key()) + "'");
    std::string p;
    if (kv.value().is_string()) {
      p = kv.value().as_string();
    } else if (kv.value().is_object() && kv.value().as_object().contains("param") &&
               kv.value().at("param").is_string()) {
      p = kv.value().at("param").as_string();
      if (const auto* when = kv.value().as_object().if_contains("when")) {
        if (!when->is_object()) return invalid(field + ".when", "when maps parameters to values");
        for (const auto& cond : when->as_object()) {
          bool known = false;
          for (const auto& spec : params) known |= spec.name == cond.key();
          if (!known)
            return invalid(field + ".when",
                           "unknown parameter '" + std::string(cond.key()) + "' in when");
        }
      }
    } else {
      return invalid(field, "must name an integer parameter");
    }
    bool found = false;
    for (const auto& spec : params) found |= spec.name == p && spec.type == "integer";
    if (!found) return invalid(field, "must name an integer parameter; '" + p + "' is not one");
  }
  return ok_status();
}

Status apply_input(CatalogService& s, const ServiceInput& in) {
  if (in.category) s.category = *in.category;
  if (in.name_zh) s.name_zh = *in.name_zh;
  if (in.name_en) s.name_en = *in.name_en;
  if (in.unit) s.unit = *in.unit;
  if (in.period) s.period = *in.period;
  if (in.fulfilment) s.fulfilment = *in.fulfilment;
  if (in.free) s.free = *in.free;
  if (in.price_ceiling) {
    if (in.price_ceiling->empty()) {
      s.price_ceiling.reset();
    } else {
      GC_ASSIGN_OR_RETURN(auto m, Money::parse(*in.price_ceiling, "price_ceiling"));
      if (m.units() < 0) return invalid("price_ceiling", "price_ceiling must not be negative");
      s.price_ceiling = m;
    }
  }
  if (in.params) s.params_json = json::serialize(*in.params);
  if (in.policy) s.policy_json = json::serialize(*in.policy);
  if (in.quota) s.quota_json = json::serialize(*in.quota);
  if (in.details) s.details_json = json::serialize(*in.details);
  return ok_status();
}

}  // namespace

Catalog::Catalog(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

// 云主机 (CMP-01): the one service provisioned automatically on real hosts (issue 9). It
// draws vCPU, memory and system-disk quota; the tenant's administrator approves a request.
static CatalogService cloud_host_service(TimeMs now) {
  CatalogService s;
  s.code = "cloud-host";
  s.category = "compute";
  s.name_zh = "云主机";
  s.name_en = "Cloud host (virtual machine)";
  s.unit = "vm";
  s.period = "month";
  s.origin = "builtin";
  auto integer = [](const char* name, std::int64_t min, std::int64_t max, const char* unit,
                    const char* what) {
    return json::object{{"name", name},     {"type", "integer"}, {"min", min},         {"max", max},
                        {"required", true}, {"unit", unit},      {"description", what}};
  };
  json::array params{json::object{{"name", "name"},
                                  {"type", "string"},
                                  {"required", true},
                                  {"description", "主机名 / host name (letters, digits, '-')"}},
                     integer("vcpu", 1, 64, "vcpu", "vCPU"),
                     integer("memory_gb", 1, 512, "gb", "内存 / memory"),
                     integer("disk_gb", 1, 2048, "gb", "系统盘 / system disk"),
                     json::object{{"name", "image"},
                                  {"type", "string"},
                                  {"required", true},
                                  {"description", "镜像 / image (id or name)"}},
                     json::object{{"name", "arch"},
                                  {"type", "enum"},
                                  {"enum", json::array{"x86", "arm", "c86"}},
                                  {"default", "x86"},
                                  {"description", "架构 / architecture (一云多芯)"}},
                     json::object{{"name", "tags"},
                                  {"type", "string"},
                                  {"default", ""},
                                  {"description", "标签 / tags, comma separated"}},
                     json::object{{"name", "min_cpu_mhz"},
                                  {"type", "integer"},
                                  {"min", 0},
                                  {"max", 10000},
                                  {"default", 0},
                                  {"description",
                                   "主频下限 / CPU frequency floor in MHz (CMP-07); the "
                                   "platform's floor for the architecture applies at least"}},
                     json::object{{"name", "anti_affinity_group"},
                                  {"type", "string"},
                                  {"default", ""},
                                  {"description",
                                   "反亲和组 / anti-affinity group: VMs of this system in one "
                                   "group never share a host, also after an HA restart"}}};
  s.params_json = json::serialize(params);
  s.policy_json = default_policy();
  s.fulfilment = "auto";
  s.quota_json = json::serialize(
      json::object{{"vcpu", "vcpu"}, {"memory_gb", "memory_gb"}, {"storage_normal_gb", "disk_gb"}});
  s.details_json = json::serialize(
      json::object{{"notes",
                    "provisioned on registered hosts through libvirt/QEMU (or the sim driver); "
                    "metered as compute-vcpu, compute-memory and storage-normal"}});
  s.created_by = "system";
  s.created_at = now;
  s.updated_at = now;
  return s;
}

// 云硬盘 (STO-01–05, 12): volumes provisioned automatically in a tier's pool (issue 10). The
// tier and purpose decide which quota a request draws and which catalog code meters it.
static CatalogService cloud_disk_service(TimeMs now) {
  CatalogService s;
  s.code = "cloud-disk";
  s.category = "storage";
  s.name_zh = "云硬盘";
  s.name_en = "Cloud disk (block storage volume)";
  s.unit = "gb";
  s.period = "month";
  s.origin = "builtin";
  json::array params{
      json::object{{"name", "name"},
                   {"type", "string"},
                   {"required", true},
                   {"description", "名称 / name (letters, digits, '-')"}},
      json::object{{"name", "size_gb"},
                   {"type", "integer"},
                   {"min", 1},
                   {"max", 32768},
                   {"required", true},
                   {"unit", "gb"},
                   {"description", "容量 / size in whole GB (STO-02: 1 GB steps)"}},
      json::object{{"name", "tier"},
                   {"type", "enum"},
                   {"enum", json::array{"normal", "performance"}},
                   {"default", "normal"},
                   {"description", "性能类型 / tier: 普通性能 or 高性能 (STO-01)"}},
      json::object{
          {"name", "purpose"},
          {"type", "enum"},
          {"enum", json::array{"business", "backup"}},
          {"default", "business"},
          {"description", "用途 / business storage or backup space, billed apart (STO-12)"}},
      json::object{{"name", "shareable"},
                   {"type", "boolean"},
                   {"default", false},
                   {"description", "共享盘 / may be attached to several VMs at once (STO-03)"}},
      json::object{{"name", "snapshot"},
                   {"type", "string"},
                   {"default", ""},
                   {"description", "从快照创建 / a snapshot id to copy the data from (STO-05)"}},
      json::object{{"name", "tags"},
                   {"type", "string"},
                   {"default", ""},
                   {"description", "标签 / tags, comma separated"}}};
  s.params_json = json::serialize(params);
  s.policy_json = default_policy();
  s.fulfilment = "auto";
  auto when = [](const char* tier, const char* purpose) {
    return json::object{{"param", "size_gb"},
                        {"when", json::object{{"tier", tier}, {"purpose", purpose}}}};
  };
  s.quota_json = json::serialize(json::object{
      {"storage_normal_gb", when("normal", "business")},
      {"storage_performance_gb", when("performance", "business")},
      {"storage_backup_gb",
       json::object{{"param", "size_gb"}, {"when", json::object{{"purpose", "backup"}}}}}});
  s.details_json = json::serialize(json::object{
      {"notes",
       "provisioned in the tier's storage pool (libvirt, or the sim driver) with the tier's IOPS "
       "and throughput limits; metered as storage-normal, storage-high-perf or "
       "storage-backup-space, snapshots as storage-snapshot"}});
  s.created_by = "system";
  s.created_at = now;
  s.updated_at = now;
  return s;
}

// Catalog items the platform meters that the procurement catalog has no code for.
static constexpr const char* kPlatformItemsYaml = R"YAML(
services:
- code: storage-backup-space
  category: storage
  name_zh: 备份存储空间
  name_en: Backup storage space
  unit: gb
  period: month
  free: false
  specs:
    description: 普通性能存储（备份）：备份数据所占空间，与业务存储、备份服务分开计费 (STO-12)
- code: storage-snapshot
  category: storage
  name_zh: 快照存储空间
  name_en: Snapshot storage space
  unit: gb
  period: month
  free: false
  specs:
    description: 云硬盘快照占用的空间，单独计量 (STO-05)
)YAML";

Result<int> Catalog::seed_builtin() {
  GC_ASSIGN_OR_RETURN(int n, seed_from_yaml(builtin_catalog_yaml()));
  GC_ASSIGN_OR_RETURN(int platform_items, seed_from_yaml(kPlatformItemsYaml));
  n += platform_items;
  return store_.transact([&](Tx& tx) -> Result<int> {
    for (auto s : {cloud_host_service(clock_.now()), cloud_disk_service(clock_.now())}) {
      if (auto have = tx.find_service(s.code)) {
        // An upgrade brings the service's new parameters; everything a sysadmin sets (approval
        // chain, names, retirement) is kept.
        if (have->params_json != s.params_json || have->quota_json != s.quota_json) {
          have->params_json = s.params_json;
          have->quota_json = s.quota_json;
          have->updated_at = s.updated_at;
          tx.update_service(*have);
        }
        continue;
      }
      GC_TRY(validate_service(s));
      tx.insert_service(s);
      ++n;
    }
    return n;
  });
}

Result<int> Catalog::seed_from_yaml(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return invalid("catalog", std::string("catalog YAML: ") + e.what());
  }
  if (!root.IsMap() || !root["services"] || !root["services"].IsSequence())
    return invalid("catalog", "catalog YAML has no services list");
  // Adds only the codes the store lacks: an upgrade brings new services, while what a sysadmin
  // changed or retired (retired services stay in the store) is left alone.
  return store_.transact([&](Tx& tx) -> Result<int> {
    int n = 0;
    TimeMs now = clock_.now();
    for (const auto& node : root["services"]) {
      CatalogService s;
      try {
        s = from_yaml(node, now);
      } catch (const YAML::Exception& e) {
        return invalid("catalog", std::string("catalog entry: ") + e.what());
      }
      GC_TRY(validate_service(s));
      if (tx.find_service(s.code)) continue;
      tx.insert_service(s);
      ++n;
    }
    if (n == 0) return 0;
    write_audit(tx, clock_, nullptr, RequestContext{"local", "catalog-seed"},
                AuditEvent{"catalog.seed",
                           "catalog",
                           "",
                           "success",
                           {{"username", "system"}, {"services", std::to_string(n)}}});
    return n;
  });
}

Result<Listing<CatalogService>> Catalog::list(const Principal& who, CatalogQuery q) {
  (void)who;  // the catalog is published to every signed-in user (CAT-01)
  if (q.include_retired && !who.can_anywhere(Action::kCatalogWrite)) q.include_retired = false;
  return store_.read(
      [&](Tx& tx) -> Result<Listing<CatalogService>> { return tx.list_services(q); });
}

Result<CatalogService> Catalog::get(const Principal& who, const std::string& code) {
  (void)who;
  return store_.read([&](Tx& tx) -> Result<CatalogService> {
    auto s = tx.find_service(code);
    if (!s) return not_found("service '" + code + "'");
    return *s;
  });
}

Result<CatalogService> Catalog::create(const Principal& who, const ServiceInput& in,
                                       const RequestContext& ctx) {
  if (!in.code) return invalid("code", "code is required");
  CatalogService s;
  s.code = *in.code;
  s.origin = "custom";
  s.category = "custom";
  s.params_json = R"([{"name":"quantity","type":"integer","min":1,"max":100000,"default":1}])";
  s.policy_json = R"({"request":{"steps":[{"role":"tenant-admin","level":"tenant"}]}})";
  GC_TRY(apply_input(s, in));
  GC_TRY(validate_service(s));
  return store_.transact([&](Tx& tx) -> Result<CatalogService> {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kCatalogWrite, root->path))
      return denied("not allowed: catalog.write");
    if (tx.find_service(s.code)) return conflict("service '" + s.code + "' exists", "code");
    s.created_by = who.user.value;
    s.created_at = s.updated_at = clock_.now();
    tx.insert_service(s);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"catalog.create", s.code, root->id.value, "success", {}});
    return s;
  });
}

Result<CatalogService> Catalog::update(const Principal& who, const std::string& code,
                                       const ServiceInput& in, const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Result<CatalogService> {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kCatalogWrite, root->path))
      return denied("not allowed: catalog.write");
    auto s = tx.find_service(code);
    if (!s) return not_found("service '" + code + "'");
    GC_TRY(apply_input(*s, in));
    GC_TRY(validate_service(*s));
    s->updated_at = clock_.now();
    tx.update_service(*s);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"catalog.update", code, root->id.value, "success", {}});
    return *s;
  });
}

Result<CatalogService> Catalog::retire(const Principal& who, const std::string& code,
                                       const RequestContext& ctx) {
  return store_.transact([&](Tx& tx) -> Result<CatalogService> {
    auto root = tx.find_root_org();
    if (!root || !who.can(Action::kCatalogWrite, root->path))
      return denied("not allowed: catalog.write");
    auto s = tx.find_service(code);
    if (!s) return not_found("service '" + code + "'");
    if (s->retired) return conflict("service '" + code + "' is already retired");
    s->retired = true;
    s->updated_at = clock_.now();
    tx.update_service(*s);
    write_audit(tx, clock_, &who, ctx,
                AuditEvent{"catalog.retire", code, root->id.value, "success", {}});
    return *s;
  });
}

}  // namespace govcloud
