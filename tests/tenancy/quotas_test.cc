#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;

QuotaLine line(const std::vector<QuotaLine>& lines, const std::string& resource) {
  for (const auto& l : lines)
    if (l.resource == resource) return l;
  return {};
}

TEST(Quotas, ChildNeverExceedsWhatTheParentHasLeft) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 300}}, env.ctx));
  auto over = env.tenancy->set_quota(env.mu_admin, env.vdc_b.id, {{"vcpu", 201}}, env.ctx);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kQuotaExceeded);
  EXPECT_EQ(over.error().field, "limits.vcpu");
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_b.id, {{"vcpu", 200}}, env.ctx));
  auto mu = must(env.tenancy->get_quota(env.mu_admin, env.mu_vdc.id));
  EXPECT_EQ(line(mu, "vcpu").allocated, 500);
  EXPECT_EQ(line(mu, "vcpu").available(), 0);
  // Raising A's own limit is not A's call: the parent's owner sets it (TEN-05).
  auto self = env.tenancy->set_quota(env.a_admin, env.vdc_a.id, {{"vcpu", 301}}, env.ctx);
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().code, ErrorCode::kPermissionDenied);
}

TEST(Quotas, UsageRollsUpAndLimitsCannotDropBelowUse) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 100}}, env.ctx));
  Vdc sub = must(env.tenancy->create_vdc(
      env.a_admin, NewVdc{env.system_a.id, env.vdc_a.id, "a-sys", ""}, env.ctx));
  must(env.tenancy->set_quota(env.a_admin, sub.id, {{"vcpu", 40}}, env.ctx));
  must(env.tenancy->hold(env.a_admin, sub.id, {{"vcpu", 30}}, "test hold", "r1", env.ctx));
  must(env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 50}}, "test hold", "r2", env.ctx));
  auto a = line(must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id)), "vcpu");
  EXPECT_EQ(a.used, 50);
  EXPECT_EQ(a.allocated, 40);
  EXPECT_EQ(a.available(), 10);
  EXPECT_EQ(a.used_subtree, 80);
  auto mu = line(must(env.tenancy->get_quota(env.admin, env.mu_vdc.id)), "vcpu");
  EXPECT_EQ(mu.used_subtree, 80);
  auto shrink = env.tenancy->set_quota(env.a_admin, sub.id, {{"vcpu", 29}}, env.ctx);
  ASSERT_FALSE(shrink.ok());
  EXPECT_EQ(shrink.error().code, ErrorCode::kConflict);
  auto over =
      env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 11}}, "test hold", "", env.ctx);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kQuotaExceeded);
  EXPECT_EQ(over.error().field, "amounts.vcpu");
}

TEST(Quotas, HoldIsAllOrNothing) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 10}, {"memory_gb", 10}},
                              env.ctx));
  auto r = env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 4}, {"memory_gb", 11}},
                             "test hold", "", env.ctx);
  ASSERT_FALSE(r.ok());
  auto q = must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id));
  EXPECT_EQ(line(q, "vcpu").used, 0);  // the vcpu part was rolled back too
  auto ok = must(env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 4}, {"memory_gb", 8}},
                                   "test hold", "vm-1", env.ctx));
  ASSERT_TRUE(env.tenancy->release_hold(env.a_admin, ok.id, env.ctx).ok());
  q = must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id));
  EXPECT_EQ(line(q, "memory_gb").used, 0);
  EXPECT_FALSE(env.tenancy->release_hold(env.a_admin, ok.id, env.ctx).ok());  // not twice
}

TEST(Quotas, ConcurrentReservationsNeverExceedTheLimit) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 50}}, env.ctx));
  constexpr int kThreads = 8, kPerThread = 25;  // 200 attempts for 50 units
  std::atomic<int> granted{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r =
            env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 1}}, "test hold", "", env.ctx);
        if (r.ok())
          ++granted;
        else if (r.error().code == ErrorCode::kQuotaExceeded)
          ++refused;
        else
          ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 50);
  EXPECT_EQ(refused.load(), 150);
  EXPECT_EQ(other.load(), 0);
  auto q = must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id));
  EXPECT_EQ(line(q, "vcpu").used, 50);
  auto list = must(env.tenancy->list_reservations(env.a_admin, env.vdc_a.id, Page{1000, 0}));
  EXPECT_EQ(list.total, 50);
}

TEST(Quotas, BadAmountsNameTheField) {
  Env env;
  env.build_tree();
  auto unknown =
      env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"cpus", 1}}, "test hold", "", env.ctx);
  EXPECT_EQ(unknown.error().field, "amounts.cpus");
  auto negative = env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", -1}}, env.ctx);
  EXPECT_EQ(negative.error().field, "limits.vcpu");
  auto zero = env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 0}}, "test hold", "", env.ctx);
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
  auto none = env.tenancy->hold(env.a_admin, env.vdc_a.id, {}, "test hold", "", env.ctx);
  EXPECT_EQ(none.error().field, "amounts");
}

// TEN-05, issue 7: a reservation belongs to what uses it. Holds are the only direct
// reservations, placed and released by a tenant admin of the VDC's node (or above); nobody
// releases a reservation a request or resource owns, whatever role they hold.
TEST(Quotas, RoleByQuotaOperationMatrix) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 100}}, env.ctx));
  User viewer = env.add_user(env.a_admin, "a-viewer", env.tenant_a.id);
  env.grant(env.a_admin, viewer, Role::kViewer, env.tenant_a.id);
  Principal a_viewer = env.login("a-viewer");
  struct Who {
    const char* name;
    const Principal* p;
    bool may_hold;  // hold and release holds on A's VDC
  };
  std::vector<Who> principals = {
      {"a/tenant-admin", &env.a_admin, true},  {"mu/tenant-admin", &env.mu_admin, true},
      {"a/member", &env.a_member, false},      {"a/viewer", &a_viewer, false},
      {"b/tenant-admin", &env.b_admin, false}, {"sysadmin", &env.admin, false},
      {"secadmin", &env.secadmin, false},      {"auditadmin", &env.auditor, false}};
  // A reservation owned by a request, and one owned by a delivered resource.
  Reservation by_request, by_resource;
  must(env.store->transact([&](Tx& tx) -> Status {
    by_request = must(
        reserve_in_tx(tx, env.vdc_a, {{"vcpu", 2}}, {ReservationOwner::kRequest, "rq-x"}, "u", 0));
    by_resource = must(reserve_in_tx(tx, env.vdc_a, {{"vcpu", 3}},
                                     {ReservationOwner::kResource, "res-x"}, "u", 0));
    return ok_status();
  }));
  for (const auto& who : principals) {
    SCOPED_TRACE(who.name);
    auto held = env.tenancy->hold(*who.p, env.vdc_a.id, {{"vcpu", 1}}, "set aside", "", env.ctx);
    EXPECT_EQ(held.ok(), who.may_hold) << (held.ok() ? "" : held.error().message);
    if (held.ok()) {
      EXPECT_EQ(held->owner_kind, ReservationOwner::kHold);
      EXPECT_TRUE(env.tenancy->release_hold(*who.p, held->id, env.ctx).ok());
    }
    for (const Reservation* owned : {&by_request, &by_resource}) {
      auto st = env.tenancy->release_hold(*who.p, owned->id, env.ctx);
      ASSERT_FALSE(st.ok());
      bool sees = env.tenancy->get_reservation(*who.p, owned->id).ok();
      if (sees) {
        EXPECT_EQ(st.error().code, ErrorCode::kConflict);
        EXPECT_NE(st.error().message.find(owned->owner_id), std::string::npos)
            << "the 409 names the owner: " << st.error().message;
      } else {
        EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
      }
    }
  }
  // A hold by A's admin is not B's admin's to release, and a member cannot release it either.
  auto hold =
      must(env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 4}}, "migration", "", env.ctx));
  EXPECT_EQ(env.tenancy->release_hold(env.b_admin, hold.id, env.ctx).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(env.tenancy->release_hold(env.a_member, hold.id, env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(line(must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id)), "vcpu").used, 9);
}

TEST(Quotas, AHoldGivesItsReasonAndIsAudited) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 10}}, env.ctx));
  auto none = env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 1}}, "", "", env.ctx);
  EXPECT_EQ(none.error().field, "reason");
  auto h =
      must(env.tenancy->hold(env.a_admin, env.vdc_a.id, {{"vcpu", 1}}, "迁移预留", "m-1", env.ctx));
  EXPECT_EQ(h.reason, "迁移预留");
  auto again = must(env.tenancy->get_reservation(env.a_admin, h.id));
  EXPECT_EQ(again.owner_kind, ReservationOwner::kHold);
  EXPECT_EQ(again.reason, "迁移预留");
  AuditQuery q;
  q.action_prefix = "quota.hold";
  auto records = must(env.audit->query(env.auditor, q));
  ASSERT_EQ(records.items.size(), 1u);
  EXPECT_EQ(records.items[0].target, h.id.value);
}

TEST(Quotas, OnlyTheOwnerReleasesOrPassesOnItsReservation) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 10}}, env.ctx));
  must(env.store->transact([&](Tx& tx) -> Status {
    auto r = must(
        reserve_in_tx(tx, env.vdc_a, {{"vcpu", 2}}, {ReservationOwner::kRequest, "rq-1"}, "u", 0));
    auto wrong = release_in_tx(tx, r.id, {ReservationOwner::kRequest, "rq-2"});
    EXPECT_EQ(wrong.error().code, ErrorCode::kConflict);
    EXPECT_NE(wrong.error().message.find("rq-1"), std::string::npos);
    EXPECT_FALSE(release_in_tx(tx, r.id, {ReservationOwner::kResource, "rq-1"}).ok());
    EXPECT_TRUE(transfer_in_tx(tx, r.id, {ReservationOwner::kRequest, "rq-1"},
                               {ReservationOwner::kResource, "res-1"})
                    .ok());
    EXPECT_FALSE(release_in_tx(tx, r.id, {ReservationOwner::kRequest, "rq-1"}).ok());
    EXPECT_TRUE(release_in_tx(tx, r.id, {ReservationOwner::kResource, "res-1"}).ok());
    return ok_status();
  }));
  EXPECT_EQ(line(must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id)), "vcpu").used, 0);
}

}  // namespace
}  // namespace govcloud
