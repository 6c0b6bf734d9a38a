// The catalog module's face: the procurement documents' service catalog loaded at first start,
// browsing by category and keyword in either language, and custom services with their request
// schema, approval chains and fulfilment mode (CAT-01–03, 07–09, 13).
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/authz.h"
#include "iam/context.h"
#include "model/org.h"
#include "store/store.h"

namespace govcloud {

// One request parameter (CAT-07): what a user must enter when requesting the service.
struct ParamSpec {
  std::string name;
  std::string type;  // integer, string, boolean, enum
  std::optional<std::int64_t> min, max;
  std::vector<std::string> allowed;  // enum values
  boost::json::value default_value;
  bool required = false;
  std::string unit;
  std::string description;
};

// One approval step (CAT-08, IAM-09): a holder of `role` at the nearest ancestor of type
// `level` of the business system decides.
struct ApprovalStep {
  Role role = Role::kTenantAdmin;
  OrgType level = OrgType::kTenant;
};

// Editable parts of a service; unset fields stay as they are.
struct ServiceInput {
  std::optional<std::string> code, category, name_zh, name_en, unit, period, fulfilment;
  std::optional<bool> free;
  std::optional<std::string> price_ceiling;  // yuan as text
  std::optional<boost::json::value> params, policy, quota, details;
};

// Request actions that can each have their own approval chain.
inline constexpr const char* kRequestActions[] = {"request", "modify", "delete"};

class Catalog {
 public:
  Catalog(Store& store, const Clock& clock);

  // Adds the services of the built-in catalog (share/catalog.yaml, compiled in) that the store
  // lacks; returns how many. Existing services, changed or retired, are left as they are.
  Result<int> seed_builtin();
  Result<int> seed_from_yaml(std::string_view yaml_text);

  Result<Listing<CatalogService>> list(const Principal& who, CatalogQuery q);
  Result<CatalogService> get(const Principal& who, const std::string& code);
  Result<CatalogService> create(const Principal& who, const ServiceInput& in,
                                const RequestContext& ctx);
  Result<CatalogService> update(const Principal& who, const std::string& code,
                                const ServiceInput& in, const RequestContext& ctx);
  Result<CatalogService> retire(const Principal& who, const std::string& code,
                                const RequestContext& ctx);

 private:
  Store& store_;
  const Clock& clock_;
};

// Helpers the workflow uses on a service definition.
Result<std::vector<ParamSpec>> parse_params(const std::string& params_json);
Result<std::vector<ApprovalStep>> approval_chain(const CatalogService& svc,
                                                 const std::string& action);
// Checks request parameters against the schema, fills defaults; errors name "params.<name>".
Result<boost::json::object> validate_request_params(const CatalogService& svc,
                                                    const boost::json::object& given);
// What a request with these parameters reserves: resource → amount.
Result<std::vector<std::pair<std::string, std::int64_t>>> quota_amounts(
    const CatalogService& svc, const boost::json::object& params);
// The catalog unit a unit as written in a procurement document converts to, and the factor:
// "100GB" → (gb, 100); "1TB" for a tb service → (tb, 1); "1 系统" → (system, 1).
struct UnitConversion {
  std::int64_t factor = 1;
  bool understood = true;
  std::string note;
};
UnitConversion convert_unit(const std::string& written, const std::string& catalog_unit);

// Joint rental (CAT-13): accelerators (GPU, NPU, GPU memory, AI compute) are sold only with a
// host (a VM's vCPU or a physical server) for the same business system.
bool is_accelerator(const std::string& code);
// Whether a resource of this item bills while stopped (details.bills_while_stopped; issue 11):
// by default a stopped VM's compute does not, its disks always do.
bool bills_while_stopped(const CatalogService& svc);
bool is_host(const std::string& code);

std::string_view builtin_catalog_yaml();

}  // namespace govcloud
