// 三员分立 (IAM-04) rules shared by account and role management: which roles exclude which,
// and the one-time bootstrap latch (decision 0003).
#pragma once

#include "model/iam.h"
#include "store/store.h"

namespace govcloud {

// The system, security and audit administrators exclude one another; the supervisor, who reads
// the whole audit trail, excludes the system and security administrators as well.
bool roles_exclude(Role a, Role b);

// Until a security (or audit) administrator has been granted once, the system administrator may
// create that account and grant that role. The latch closes durably at the first grant and
// never reopens, whoever holds the role later.
bool separation_bootstrap_open(Tx& tx, Role role);
void close_separation_bootstrap(Tx& tx, Role role);

}  // namespace govcloud
