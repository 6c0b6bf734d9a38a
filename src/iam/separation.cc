#include "iam/separation.h"

namespace govcloud {
namespace {

std::string latch_key(Role role) {
  return std::string("separation_bootstrap.") + role_name(role);
}

}  // namespace

bool roles_exclude(Role a, Role b) {
  if (a == b) return false;
  if (is_separated_duty(a) && is_separated_duty(b)) return true;
  auto reads_what_the_other_runs = [](Role x, Role y) {
    return x == Role::kSupervisor && (y == Role::kSysAdmin || y == Role::kSecAdmin);
  };
  return reads_what_the_other_runs(a, b) || reads_what_the_other_runs(b, a);
}

bool separation_bootstrap_open(Tx& tx, Role role) {
  if (tx.get_meta(latch_key(role)).has_value()) return false;
  BindingQuery q;
  q.role = role;
  return tx.list_bindings(q).empty();
}

void close_separation_bootstrap(Tx& tx, Role role) {
  if (role != Role::kSecAdmin && role != Role::kAuditAdmin) return;
  if (!tx.get_meta(latch_key(role))) tx.set_meta(latch_key(role), "closed");
}

}  // namespace govcloud
