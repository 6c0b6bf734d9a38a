// JSON views of domain objects for API replies. Secrets (password hashes, TOTP secrets, key
// hashes) never appear here.
#pragma once

#include <boost/json/value.hpp>

#include "iam/authz.h"
#include "model/audit.h"
#include "model/iam.h"
#include "model/operation.h"
#include "model/org.h"
#include "model/vdc.h"
#include "store/store.h"

namespace govcloud {

boost::json::value to_json(const Org& o);
boost::json::value to_json(const User& u);
boost::json::value to_json(const RoleBinding& b);
boost::json::value to_json(const ApiKey& k);
boost::json::value to_json(const Vdc& v);
boost::json::value to_json(const QuotaLine& q);
boost::json::value to_json(const Reservation& r);
boost::json::value to_json(const AuditRecord& r);
boost::json::value to_json(const Principal& p);
// A long action's state, progress %, current step and why it failed (VMs, volumes).
boost::json::value to_json(const Operation& o);

template <typename T>
boost::json::value listing_json(const Listing<T>& l, const Page& page) {
  boost::json::array items;
  for (const auto& x : l.items) items.push_back(to_json(x));
  boost::json::object o{{"items", std::move(items)},
                        {"total", l.total},
                        {"limit", page.limit},
                        {"offset", page.offset}};
  return o;
}

}  // namespace govcloud
