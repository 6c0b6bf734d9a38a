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
  must(env.tenancy->reserve(env.a_member, sub.id, {{"vcpu", 30}}, "r1", env.ctx));
  must(env.tenancy->reserve(env.a_member, env.vdc_a.id, {{"vcpu", 50}}, "r2", env.ctx));
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
  auto over = env.tenancy->reserve(env.a_member, env.vdc_a.id, {{"vcpu", 11}}, "", env.ctx);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kQuotaExceeded);
  EXPECT_EQ(over.error().field, "amounts.vcpu");
}

TEST(Quotas, ReservationIsAllOrNothing) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 10}, {"memory_gb", 10}},
                              env.ctx));
  auto r = env.tenancy->reserve(env.a_member, env.vdc_a.id, {{"vcpu", 4}, {"memory_gb", 11}}, "",
                                env.ctx);
  ASSERT_FALSE(r.ok());
  auto q = must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id));
  EXPECT_EQ(line(q, "vcpu").used, 0);  // the vcpu part was rolled back too
  auto ok = must(env.tenancy->reserve(env.a_member, env.vdc_a.id, {{"vcpu", 4}, {"memory_gb", 8}},
                                      "vm-1", env.ctx));
  ASSERT_TRUE(env.tenancy->release(env.a_member, ok.id, env.ctx).ok());
  q = must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id));
  EXPECT_EQ(line(q, "memory_gb").used, 0);
  EXPECT_FALSE(env.tenancy->release(env.a_member, ok.id, env.ctx).ok());  // not twice
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
        auto r = env.tenancy->reserve(env.a_member, env.vdc_a.id, {{"vcpu", 1}}, "", env.ctx);
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
  auto unknown = env.tenancy->reserve(env.a_member, env.vdc_a.id, {{"cpus", 1}}, "", env.ctx);
  EXPECT_EQ(unknown.error().field, "amounts.cpus");
  auto negative = env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", -1}}, env.ctx);
  EXPECT_EQ(negative.error().field, "limits.vcpu");
  auto zero = env.tenancy->reserve(env.a_member, env.vdc_a.id, {{"vcpu", 0}}, "", env.ctx);
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
  auto none = env.tenancy->reserve(env.a_member, env.vdc_a.id, {}, "", env.ctx);
  EXPECT_EQ(none.error().field, "amounts");
}

}  // namespace
}  // namespace govcloud
