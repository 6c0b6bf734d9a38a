// Crash safety: SIGKILL the server in the middle of a burst of mutations, restart it on the
// same data dir, and find every acknowledged mutation present, nothing half-written, and the
// audit chain intact.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/world.h"

namespace govcloud::testing {
namespace {

TEST(CrashSafety, AcknowledgedMutationsSurviveSigkill) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("govcloud-crash-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::vector<std::string> acked_reservations, acked_orgs;
  std::string vdc, tenant, token_admin;
  {
    auto s = std::make_unique<TestServer>(std::vector<std::string>{}, dir);
    World w = build_world(*s);
    vdc = w.a.vdc;
    tenant = w.a.org;
    // Widest first: a child's limit never exceeds what its parent has left.
    for (const auto& [target, token, limit] :
         std::vector<std::tuple<std::string, std::string, int>>{
             {w.pool_vdc, w.tokens["admin"], 2000000},
             {w.mu_vdc, w.tokens["admin"], 1000000},
             {vdc, w.tokens["mu-admin"], 900000}}) {
      auto r = s->call("PUT", "/api/v1/vdcs/" + target + "/quota", token,
                       json::value(json::object{{"limits", json::object{{"vcpu", limit}}}}));
      ASSERT_EQ(r.status, 200) << r.body;
    }
    std::mutex mu;
    std::condition_variable progress;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    int port = s->port();
    for (int i = 0; i < 4; ++i) {
      writers.emplace_back([&, i] {
        HttpClient client("http://127.0.0.1:" + std::to_string(port));
        for (int n = 0; n < 5000 && !stop; ++n) {  // bounded in count; the kill ends it sooner
          ClientRequest req;
          req.method = "POST";
          if (i % 2 == 0) {
            req.target = "/api/v1/vdcs/" + vdc + "/reservations";
            req.token = w.a.tokens["tenant-admin"];
            req.body = R"({"amounts":{"vcpu":1},"reason":"burst","ref":"burst"})";
          } else {
            req.target = "/api/v1/orgs";
            req.token = w.a.tokens["tenant-admin"];
            req.body = R"({"parent_id":")" + tenant + R"(","type":"business_system","name":"sys-)" +
                       std::to_string(i) + "-" + std::to_string(n) +
                       R"(","dengbao_level":2,"network_domain":"internet"})";
          }
          auto r = client.send(req);
          if (!r.ok()) break;  // the server is gone
          if (r->status == 201) {
            auto id = std::string(json::parse(r->body).at("id").as_string());
            std::lock_guard lock(mu);
            (i % 2 == 0 ? acked_reservations : acked_orgs).push_back(id);
            progress.notify_all();
          }
        }
      });
    }
    {
      // Kill once enough work is acknowledged and more is in flight, not after a fixed time
      // (the wait is only a safety bound).
      std::unique_lock lock(mu);
      progress.wait_for(lock, std::chrono::seconds(60), [&] {
        return acked_reservations.size() >= 100 && acked_orgs.size() >= 100;
      });
    }
    std::fprintf(stderr, "killing after %zu holds and %zu orgs acknowledged\n",
                 acked_reservations.size(), acked_orgs.size());
    s->kill_hard();
    stop = true;
    for (auto& t : writers) t.join();
  }
  ASSERT_GT(acked_reservations.size(), 20u);
  ASSERT_GT(acked_orgs.size(), 20u);

  TestServer again({}, dir);
  std::string ta = again.login("a-admin");
  std::string member = again.login("a-member");
  for (const auto& id : acked_reservations)
    EXPECT_EQ(again.call("GET", "/api/v1/reservations/" + id, ta).status, 200) << id;
  for (const auto& id : acked_orgs)
    EXPECT_EQ(again.call("GET", "/api/v1/orgs/" + id, ta).status, 200) << id;
  // Nothing half-written: the quota's use equals the reservations that exist.
  std::int64_t reserved = 0, count = 0, total = 1, direct = 0;
  for (int offset = 0; offset < total; offset += 1000) {
    auto page = again.call(
        "GET", "/api/v1/vdcs/" + vdc + "/reservations?limit=1000&offset=" + std::to_string(offset),
        ta);
    total = page.json.at("total").as_int64();
    for (const auto& r : page.json.at("items").as_array()) {
      // Volumes hold storage only (issue 10): no vCPU in their reservations.
      if (const auto* vcpu = r.at("amounts").as_object().if_contains("vcpu"))
        reserved += vcpu->as_int64();
      ++count;
      std::string_view ref = r.at("ref").as_string();
      if (ref == "burst" || ref == "a-vm") ++direct;  // a-vm: the world's own reservation
    }
  }
  EXPECT_EQ(count, total);
  auto quota = again.call("GET", "/api/v1/vdcs/" + vdc + "/quota", ta);
  for (const auto& l : quota.json.at("items").as_array()) {
    if (l.at("resource").as_string() == "vcpu") {
      EXPECT_EQ(l.at("used").as_int64(), reserved);
    }
  }
  // Each hold has exactly its quota.hold record (the world's service requests hold the others,
  // audited as request.create), and the chain is intact.
  auto audit = again.call("GET", "/api/v1/audit?action=quota.hold&limit=1&org_id=" + tenant,
                          again.login("auditadmin-user"));
  EXPECT_EQ(audit.json.at("total").as_int64(), direct);
  EXPECT_GE(direct, static_cast<std::int64_t>(acked_reservations.size()));
  again.stop();
  std::string out;
  EXPECT_EQ(run_cli({"audit", "verify", "--data-dir", dir}, &out), 0) << out;
  EXPECT_NE(out.find("audit chain OK"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace govcloud::testing
