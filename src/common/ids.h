// Typed ids: an OrgId cannot be passed where a UserId is expected. Ids are random, so they
// reveal neither counts nor order across tenants.
#pragma once

#include <string>
#include <string_view>

namespace govcloud {

template <typename Tag>
struct Id {
  std::string value;
  bool empty() const { return value.empty(); }
  friend bool operator==(const Id&, const Id&) = default;
  friend auto operator<=>(const Id&, const Id&) = default;
};

struct OrgTag {};
struct UserTag {};
struct VdcTag {};
struct BindingTag {};
struct ApiKeyTag {};
struct ReservationTag {};

using OrgId = Id<OrgTag>;
using UserId = Id<UserTag>;
using VdcId = Id<VdcTag>;
using BindingId = Id<BindingTag>;
using ApiKeyId = Id<ApiKeyTag>;
using ReservationId = Id<ReservationTag>;

// "<prefix>-" followed by 16 random hex digits, e.g. "org-3f9a1c2b7d4e5f60".
std::string new_id(std::string_view prefix);
// True when text is "<prefix>-" followed by 16 lowercase hex digits.
bool is_valid_id(std::string_view text, std::string_view prefix);

}  // namespace govcloud
