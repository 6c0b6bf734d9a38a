#include "model/metering.h"

namespace govcloud {

const char* usage_source_name(UsageSource s) {
  switch (s) {
    case UsageSource::kLifecycle:
      return "lifecycle";
    case UsageSource::kReported:
      return "reported";
    case UsageSource::kImported:
      return "imported";
  }
  return "lifecycle";
}

std::optional<UsageSource> parse_usage_source(std::string_view text) {
  for (auto s : {UsageSource::kLifecycle, UsageSource::kReported, UsageSource::kImported})
    if (text == usage_source_name(s)) return s;
  return std::nullopt;
}

}  // namespace govcloud
