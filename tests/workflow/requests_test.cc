#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "metering/metering.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
namespace json = boost::json;

// A VM-shaped custom service with a two-step chain: the tenant's admin, then the management
// unit's admin.
void define_vm(Env& env) {
  ServiceInput in;
  in.code = "custom-vm";
  in.name_zh = "云主机（固定规格）";
  in.name_en = "VM (fixed flavours)";
  in.unit = "vm";
  in.period = "month";
  in.params =
      json::parse(R"([{"name":"flavor","type":"enum","enum":["2c4g","4c8g"],"required":true},
      {"name":"vcpu","type":"integer","min":1,"max":64,"required":true},
      {"name":"memory_gb","type":"integer","min":1,"max":512,"required":true}])");
  in.policy = json::parse(R"({"request":{"steps":[{"role":"tenant-admin","level":"tenant"},
      {"role":"tenant-admin","level":"management_unit"}]},
      "modify":{"steps":[{"role":"tenant-admin","level":"tenant"}]},"delete":{"steps":[]}})");
  in.quota = json::parse(R"({"vcpu":"vcpu","memory_gb":"memory_gb"})");
  must(env.catalog->create(env.admin, in, env.ctx));
}

std::int64_t used(Env& env, const std::string& resource) {
  for (const auto& l : must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id)))
    if (l.resource == resource) return l.used;
  return -1;
}

NewRequest vm(Env& env, int vcpu, int mem) {
  NewRequest r;
  r.service = "custom-vm";
  r.org = env.system_a.id;
  r.params = json::object{{"flavor", "4c8g"}, {"vcpu", vcpu}, {"memory_gb", mem}};
  return r;
}

TEST(Requests, TwoStepApprovalThenManualFulfilment) {
  Env env;
  env.build_tree();
  define_vm(env);
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 16}, {"memory_gb", 64}},
                              env.ctx));
  auto r = must(env.workflow->create_request(env.a_member, vm(env, 4, 8), env.ctx));
  std::string id(r.at("id").as_string());
  EXPECT_EQ(r.at("state").as_string(), "pending");
  EXPECT_EQ(used(env, "vcpu"), 4);  // reserved at once
  // Step 1 is the tenant admin's; the management unit's admin cannot take it.
  EXPECT_EQ(env.workflow->decide(env.b_admin, id, true, "", env.ctx).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(env.workflow->decide(env.a_member, id, true, "", env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  r = must(env.workflow->decide(env.a_admin, id, true, "ok", env.ctx));
  EXPECT_EQ(r.at("current_step").as_int64(), 1);
  EXPECT_EQ(env.workflow->decide(env.a_admin, id, true, "", env.ctx).error().code,
            ErrorCode::kPermissionDenied);  // step 2 is the management unit's
  r = must(env.workflow->decide(env.mu_admin, id, true, "同意", env.ctx));
  EXPECT_EQ(r.at("state").as_string(), "fulfilling");
  // Operations completes the fulfilment order with delivery details.
  User ops_user = env.add_user(env.secadmin, "ops1", env.root);
  env.grant(env.secadmin, ops_user, Role::kOps, env.root);
  Principal ops = env.login("ops1");
  auto orders = must(env.workflow->list_fulfilments(ops, "open", Page{}));
  ASSERT_EQ(orders.total, 1);
  std::string fid(orders.items[0].at("id").as_string());
  auto done = must(env.workflow->complete_fulfilment(ops, fid, "VM 10.1.2.3 delivered", env.ctx));
  auto final = must(env.workflow->get_request(env.a_member, id));
  EXPECT_EQ(final.at("state").as_string(), "completed");
  std::string res(done.at("resource_id").as_string());
  auto resource = must(env.workflow->get_resource(env.a_member, res));
  EXPECT_EQ(resource.at("state").as_string(), "active");
  EXPECT_EQ(used(env, "vcpu"), 4);  // the reservation now backs the resource
  // The requester was told at each step.
  auto notes = must(env.workflow->notifications(env.a_member, true, Page{}));
  EXPECT_EQ(notes.total, 3);
  // Each decision is audited.
  AuditQuery q;
  q.action_prefix = "request.approve";
  EXPECT_EQ(must(env.audit->query(env.auditor, q)).total, 2);
  // Reclamation releases the quota.
  TimeMs delivered = env.clock.now();
  env.clock.advance(3600 * 1000);
  must(env.workflow->reclaim(env.mu_admin, res, "system retired", env.ctx));
  EXPECT_EQ(used(env, "vcpu"), 0);
  // Issue 11 §1: what people deliver is metered from delivery to reclamation.
  UsageQuery uq;
  uq.code = "custom-vm";
  auto usage = must(env.set->metering.list(env.a_member, uq));
  ASSERT_EQ(usage.total, 1);
  EXPECT_EQ(usage.items[0].resource_id, res);
  EXPECT_EQ(usage.items[0].start, delivered);
  EXPECT_EQ(usage.items[0].end, delivered + 3600 * 1000);
  EXPECT_EQ(usage.items[0].system_id, env.system_a.id.value);
}

// Issue 11 §1: a per-time service (once) is one interval, at the completion of its delivery.
TEST(Requests, APerTimeServiceIsMeteredOnceWhenDelivered) {
  Env env;
  env.build_tree();
  ServiceInput in;
  in.code = "custom-scan";
  in.name_zh = "漏洞扫描（次）";
  in.name_en = "Vulnerability scan (per time)";
  in.unit = "time";
  in.period = "once";
  in.params = json::parse(R"([{"name":"quantity","type":"integer","min":1,"max":10}])");
  in.policy = json::parse(R"({"request":{"steps":[{"role":"tenant-admin","level":"tenant"}]}})");
  must(env.catalog->create(env.admin, in, env.ctx));
  NewRequest r;
  r.service = "custom-scan";
  r.org = env.system_a.id;
  r.params = json::object{{"quantity", 3}};
  std::string id(must(env.workflow->create_request(env.a_member, r, env.ctx)).at("id").as_string());
  must(env.workflow->decide(env.a_admin, id, true, "ok", env.ctx));
  User ops_user = env.add_user(env.secadmin, "ops1", env.root);
  env.grant(env.secadmin, ops_user, Role::kOps, env.root);
  Principal ops = env.login("ops1");
  auto orders = must(env.workflow->list_fulfilments(ops, "open", Page{}));
  ASSERT_EQ(orders.total, 1);
  must(env.workflow->complete_fulfilment(ops, std::string(orders.items[0].at("id").as_string()),
                                         "3 scans done, reports attached", env.ctx));
  UsageQuery uq;
  uq.code = "custom-scan";
  auto usage = must(env.set->metering.list(env.a_member, uq));
  ASSERT_EQ(usage.total, 1);
  EXPECT_EQ(usage.items[0].quantity, Decimal::from_int(3));
  ASSERT_TRUE(usage.items[0].end.has_value());
  EXPECT_EQ(*usage.items[0].end, usage.items[0].start);
}

TEST(Requests, RejectionAndCancellationReleaseQuota) {
  Env env;
  env.build_tree();
  define_vm(env);
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 16}, {"memory_gb", 64}},
                              env.ctx));
  auto r = must(env.workflow->create_request(env.a_member, vm(env, 8, 16), env.ctx));
  std::string id(r.at("id").as_string());
  EXPECT_EQ(used(env, "memory_gb"), 16);
  EXPECT_EQ(env.workflow->decide(env.a_admin, id, false, "", env.ctx).error().field, "comment");
  r = must(env.workflow->decide(env.a_admin, id, false, "too big", env.ctx));
  EXPECT_EQ(r.at("state").as_string(), "rejected");
  EXPECT_EQ(used(env, "memory_gb"), 0);
  auto second = must(env.workflow->create_request(env.a_member, vm(env, 2, 4), env.ctx));
  must(env.workflow->cancel(env.a_member, std::string(second.at("id").as_string()), env.ctx));
  EXPECT_EQ(used(env, "vcpu"), 0);
  EXPECT_EQ(env.workflow->cancel(env.a_member, std::string(second.at("id").as_string()), env.ctx)
                .error()
                .code,
            ErrorCode::kConflict);
}

TEST(Requests, OverQuotaIsRefusedUpFrontNamingTheQuota) {
  Env env;
  env.build_tree();
  define_vm(env);
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 4}, {"memory_gb", 64}},
                              env.ctx));
  auto r = env.workflow->create_request(env.a_member, vm(env, 8, 8), env.ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kQuotaExceeded);
  EXPECT_EQ(r.error().field, "quota.vcpu");
  EXPECT_EQ(must(env.workflow->list_requests(env.a_member, RequestFilter{.state = "", .mine = true},
                                             Page{}))
                .total,
            0);
  // Schema violations name the parameter.
  NewRequest bad = vm(env, 2, 2);
  bad.params["flavor"] = "64c512g";
  EXPECT_EQ(env.workflow->create_request(env.a_member, bad, env.ctx).error().field,
            "params.flavor");
  bad = vm(env, 2, 2);
  bad.org = env.tenant_a.id;
  EXPECT_EQ(env.workflow->create_request(env.a_member, bad, env.ctx).error().field, "org_id");
  bad = vm(env, 2, 2);
  bad.service = "nope";
  EXPECT_EQ(env.workflow->create_request(env.a_member, bad, env.ctx).error().code,
            ErrorCode::kNotFound);
}

TEST(Requests, ConcurrentRequestsNeverExceedTheQuota) {
  Env env;
  env.build_tree();
  define_vm(env);
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 50}, {"memory_gb", 500}},
                              env.ctx));
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto r = env.workflow->create_request(env.a_member, vm(env, 1, 1), env.ctx);
        if (r.ok())
          ++ok;
        else if (r.error().code == ErrorCode::kQuotaExceeded)
          ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(refused.load(), 150);
  EXPECT_EQ(used(env, "vcpu"), 50);
}

TEST(Requests, ModifyHoldsOnlyTheIncreaseAndDeleteReleases) {
  Env env;
  env.build_tree();
  define_vm(env);
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 10}, {"memory_gb", 64}},
                              env.ctx));
  User ops_user = env.add_user(env.secadmin, "ops1", env.root);
  env.grant(env.secadmin, ops_user, Role::kOps, env.root);
  Principal ops = env.login("ops1");
  auto deliver = [&](const std::string& request_id) {
    auto orders = must(env.workflow->list_fulfilments(ops, "open", Page{}));
    for (const auto& o : orders.items)
      if (o.at("ref").as_string() == request_id)
        return must(env.workflow->complete_fulfilment(ops, std::string(o.at("id").as_string()),
                                                      "done", env.ctx));
    ADD_FAILURE() << "no fulfilment for " << request_id;
    return json::object{};
  };
  auto r = must(env.workflow->create_request(env.a_member, vm(env, 6, 8), env.ctx));
  std::string id(r.at("id").as_string());
  must(env.workflow->decide(env.a_admin, id, true, "", env.ctx));
  must(env.workflow->decide(env.mu_admin, id, true, "", env.ctx));
  std::string res(deliver(id).at("resource_id").as_string());
  // 6 → 9 vCPU fits a quota of 10 because only the increase (3) is held.
  NewRequest mod = vm(env, 9, 8);
  mod.action = "modify";
  mod.resource_id = res;
  auto m = must(env.workflow->create_request(env.a_member, mod, env.ctx));
  EXPECT_EQ(used(env, "vcpu"), 9);
  must(env.workflow->decide(env.a_admin, std::string(m.at("id").as_string()), true, "", env.ctx));
  deliver(std::string(m.at("id").as_string()));
  EXPECT_EQ(used(env, "vcpu"), 9);
  NewRequest del;
  del.service = "custom-vm";
  del.org = env.system_a.id;
  del.action = "delete";
  del.resource_id = res;
  auto d = must(env.workflow->create_request(env.a_member, del, env.ctx));
  EXPECT_EQ(d.at("state").as_string(), "fulfilling");  // no approval for delete
  deliver(std::string(d.at("id").as_string()));
  EXPECT_EQ(used(env, "vcpu"), 0);
  EXPECT_EQ(must(env.workflow->get_resource(env.a_member, res)).at("state").as_string(), "deleted");
}

// Issue 7 §1: a member consumes quota only through a request; the reservation behind a pending
// request or an active resource is owned by it, so nobody can release it from under the
// workflow, and approving a request without its quota is impossible by construction.
TEST(Requests, ReservationsBelongToTheRequestThenTheResource) {
  Env env;
  env.build_tree();
  define_vm(env);
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 16}, {"memory_gb", 64}},
                              env.ctx));
  // No direct path for a member.
  auto grab = env.tenancy->hold(env.a_member, env.vdc_a.id, {{"vcpu", 16}}, "grab", "", env.ctx);
  EXPECT_EQ(grab.error().code, ErrorCode::kPermissionDenied);
  auto r = must(env.workflow->create_request(env.a_member, vm(env, 4, 8), env.ctx));
  std::string id(r.at("id").as_string());
  ReservationId rsv{std::string(r.at("reservation_id").as_string())};
  auto held = must(env.tenancy->get_reservation(env.a_admin, rsv));
  EXPECT_EQ(held.owner_kind, ReservationOwner::kRequest);
  EXPECT_EQ(held.owner_id, id);
  // Neither the member nor any admin can release it while the request is pending.
  for (const Principal* p : {&env.a_member, &env.a_admin, &env.mu_admin, &env.admin}) {
    auto st = env.tenancy->release_hold(*p, rsv, env.ctx);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::kConflict) << st.error().message;
    EXPECT_NE(st.error().message.find(id), std::string::npos);
  }
  EXPECT_EQ(used(env, "vcpu"), 4);
  must(env.workflow->decide(env.a_admin, id, true, "ok", env.ctx));
  r = must(env.workflow->decide(env.mu_admin, id, true, "同意", env.ctx));
  EXPECT_EQ(r.at("state").as_string(), "fulfilling");
  User ops_user = env.add_user(env.secadmin, "ops1", env.root);
  env.grant(env.secadmin, ops_user, Role::kOps, env.root);
  Principal ops = env.login("ops1");
  auto done = must(env.workflow->complete_fulfilment(
      ops, std::string(r.at("fulfilment_id").as_string()), "delivered", env.ctx));
  std::string res(done.at("resource_id").as_string());
  held = must(env.tenancy->get_reservation(env.a_admin, rsv));
  EXPECT_EQ(held.owner_kind, ReservationOwner::kResource);  // passed on, not re-taken
  EXPECT_EQ(held.owner_id, res);
  auto st = env.tenancy->release_hold(env.a_admin, rsv, env.ctx);
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_NE(st.error().message.find(res), std::string::npos);
  EXPECT_EQ(used(env, "vcpu"), 4);
  // Only the resource's own lifecycle gives it back.
  must(env.workflow->reclaim(env.a_admin, res, "no longer needed", env.ctx));
  EXPECT_EQ(used(env, "vcpu"), 0);
  EXPECT_FALSE(env.tenancy->get_reservation(env.a_admin, rsv).ok());
}

// Attacker: a database writer (or a bug) that removes a pending request's reservation. The
// approval then refuses: a request is never approved into fulfilment without its quota.
TEST(Requests, ARequestWhoseReservationIsGoneCannotBeApproved) {
  Env env;
  env.build_tree();
  define_vm(env);
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"vcpu", 16}, {"memory_gb", 64}},
                              env.ctx));
  auto r = must(env.workflow->create_request(env.a_member, vm(env, 4, 8), env.ctx));
  std::string id(r.at("id").as_string());
  ReservationId rsv{std::string(r.at("reservation_id").as_string())};
  must(env.store->transact([&](Tx& tx) -> Status {
    tx.delete_reservation(rsv);
    return ok_status();
  }));
  auto approved = env.workflow->decide(env.a_admin, id, true, "ok", env.ctx);
  ASSERT_FALSE(approved.ok());
  EXPECT_EQ(approved.error().code, ErrorCode::kConflict);
  EXPECT_EQ(approved.error().field, "reservation_id");
  EXPECT_EQ(must(env.workflow->get_request(env.a_admin, id)).at("state").as_string(), "pending");
}

TEST(Requests, GpuOnlyWithAVmOrServer) {
  Env env;
  env.build_tree();
  must(env.tenancy->set_quota(env.admin, env.pool.id, {{"gpu", 8}}, env.ctx));
  must(env.tenancy->set_quota(env.admin, env.mu_vdc.id, {{"gpu", 8}}, env.ctx));
  must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, {{"gpu", 4}, {"vcpu", 4}}, env.ctx));
  NewRequest gpu;
  gpu.service = "compute-gpu-8g";
  gpu.org = env.system_a.id;
  gpu.params = json::object{{"quantity", 1}};
  auto r = env.workflow->create_request(env.a_member, gpu, env.ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("CAT-13"), std::string::npos);
}

TEST(WorkOrders, LifecycleWithCommentsAttachmentsAndTimestamps) {
  Env env;
  env.build_tree();
  User ops_user = env.add_user(env.secadmin, "ops1", env.root);
  env.grant(env.secadmin, ops_user, Role::kOps, env.root);
  Principal ops = env.login("ops1");
  auto w = must(env.workflow->create_work_order(
      env.a_member, WorkOrderInput{"onboarding", env.system_a.id, "A系统入云", "迁移上云"},
      env.ctx));
  std::string id(w.at("id").as_string());
  EXPECT_TRUE(w.at("responded_at").is_null());
  EXPECT_EQ(env.workflow->get_work_order(env.b_admin, id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(env.workflow->assign_work_order(env.a_admin, id, ops_user.id, env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  env.clock.advance(10 * kMinuteMs);
  w = must(env.workflow->assign_work_order(ops, id, ops_user.id, env.ctx));
  EXPECT_FALSE(w.at("responded_at").is_null());
  must(env.workflow->transition_work_order(ops, id, "in_progress", "", env.ctx));
  must(env.workflow->comment_work_order(env.a_member, id, "请加快", env.ctx));
  w = must(env.workflow->attach_to_work_order(ops, id, "plan.txt", "migration plan", env.ctx));
  EXPECT_EQ(w.at("attachments").as_array().size(), 1u);
  auto file = must(env.workflow->attachment(env.a_member, id, 0));
  EXPECT_EQ(file.first, "migration plan");
  EXPECT_EQ(file.second, "plan.txt");
  // The same content again under another name shares the stored file; both read back whole.
  w = must(env.workflow->attach_to_work_order(ops, id, "plan-v2.txt", "migration plan", env.ctx));
  EXPECT_EQ(w.at("attachments").as_array().size(), 2u);
  EXPECT_EQ(must(env.workflow->attachment(env.a_member, id, 1)).first, "migration plan");
  EXPECT_EQ(must(env.workflow->attachment(env.a_member, id, 1)).second, "plan-v2.txt");
  EXPECT_EQ(
      env.workflow->transition_work_order(env.a_member, id, "resolved", "", env.ctx).error().code,
      ErrorCode::kPermissionDenied);
  must(env.workflow->transition_work_order(ops, id, "resolved", "done", env.ctx));
  w = must(env.workflow->transition_work_order(env.a_member, id, "closed", "", env.ctx));
  EXPECT_FALSE(w.at("resolved_at").is_null());
  EXPECT_FALSE(w.at("closed_at").is_null());
  EXPECT_EQ(env.workflow->transition_work_order(ops, id, "in_progress", "", env.ctx).error().field,
            "state");
  EXPECT_EQ(env.workflow
                ->create_work_order(env.a_member, WorkOrderInput{"party", env.system_a.id, "x", ""},
                                    env.ctx)
                .error()
                .field,
            "type");
  EXPECT_EQ(
      env.workflow->attach_to_work_order(ops, id, "../../etc/passwd", "x", env.ctx).error().field,
      "filename");
}

}  // namespace
}  // namespace govcloud
