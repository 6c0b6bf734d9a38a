// Crash safety of VM operations (issue 9 acceptance; CMP-02, TEN-05): SIGKILL the server during
// a burst of VM creations and lifecycle actions on a slow (sim) engine, restart it on the same
// data dir, and find every operation finished or failed with a reason, no VM stuck between
// states, the quota equal to what the VMs own, no drift between engine and store, and the audit
// chain intact. The sim engine keeps its guests in a file, as a real hypervisor keeps running
// when its control plane dies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "api/world.h"

namespace govcloud::testing {
namespace {

ClientRequest request(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& token) {
  ClientRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.token = token;
  return r;
}

bool transitional(std::string_view st) {
  return st == "creating" || st == "starting" || st == "stopping" || st == "rebooting" ||
         st == "deleting" || st == "resizing" || st == "snapshotting" || st == "reverting" ||
         st == "cloning" || st == "migrating";
}

TEST(VmCrashSafety, OperationsInterruptedBySigkillFinishOrFailAndNothingDrifts) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("govcloud-vm-crash-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::string vdc, system, image;
  std::mutex mu;
  std::condition_variable progress;
  std::vector<std::string> requests, operations;
  {
    auto s = std::make_unique<TestServer>(std::vector<std::string>{}, dir);
    World w = build_world(*s);
    vdc = w.a.vdc;
    system = w.a.system;
    image = w.a.image;
    // New VMs land on a slow engine (150 ms a call), so the kill finds work in flight.
    auto hosts = s->call("GET", "/api/v1/hosts", w.tokens["ops"]);
    std::string fast(hosts.json.at("items").at(0).at("id").as_string());
    ASSERT_EQ(s->call("POST", "/api/v1/hosts/" + fast + "/state", w.tokens["ops"],
                      json::value(json::object{{"state", "maintenance"}}))
                  .status,
              200);
    auto slow = s->call("POST", "/api/v1/hosts", w.tokens["ops"],
                        json::value(json::object{{"name", "slow-1"},
                                                 {"site", "dc1"},
                                                 {"pool", "pool-a"},
                                                 {"domain", "egov"},
                                                 {"driver", "sim"},
                                                 {"uri",
                                                  "sim://?cores=64&memory_gb=256&"
                                                  "latency_ms=150"}}));
    ASSERT_EQ(slow.status, 201) << slow.body;

    std::atomic<bool> stop{false};
    int port = s->port();
    std::string member = w.a.tokens["member"], admin = w.a.tokens["tenant-admin"];
    std::thread creator([&] {
      HttpClient client("http://127.0.0.1:" + std::to_string(port));
      for (int n = 0; n < 40 && !stop; ++n) {  // bounded; the kill ends it sooner
        ClientRequest rq = request("POST", "/api/v1/requests", "", member);
        rq.body = json::serialize(
            json::object{{"service", "cloud-host"},
                         {"org_id", system},
                         {"params", json::object{{"name", "burst-" + std::to_string(n)},
                                                 {"vcpu", 1},
                                                 {"memory_gb", 1},
                                                 {"disk_gb", 1},
                                                 {"image", image}}}});
        auto made = client.send(rq);
        if (!made.ok() || made->status != 201) break;
        std::string id(json::parse(made->body).at("id").as_string());
        ClientRequest ok =
            request("POST", "/api/v1/requests/" + id + "/approve", R"({"comment":"ok"})", admin);
        auto approved = client.send(ok);
        if (!approved.ok() || approved->status != 200) break;
        std::lock_guard lock(mu);
        requests.push_back(id);
        progress.notify_all();
      }
    });
    std::thread actor([&] {
      HttpClient client("http://127.0.0.1:" + std::to_string(port));
      // Bounded in count; the kill (or the 90 s bound below) ends it sooner.
      for (int n = 0; n < 20000 && !stop; ++n) {
        auto listed = client.send(request("GET", "/api/v1/vms?limit=100", "", member));
        if (!listed.ok()) break;
        json::value page = json::parse(listed->body);
        for (const auto& vm : page.at("items").as_array()) {
          std::string_view st = vm.at("state").as_string();
          if (st != "running" && st != "stopped") continue;
          std::string action = st == "running" ? (n % 2 ? "reboot" : "stop") : "start";
          auto r = client.send(
              request("POST", "/api/v1/vms/" + std::string(vm.at("id").as_string()) + "/" + action,
                      "{}", member));
          if (!r.ok()) return;
          if (r->status == 202) {
            std::lock_guard lock(mu);
            operations.emplace_back(json::parse(r->body).at("id").as_string());
            progress.notify_all();
          }
        }
      }
    });
    {
      // Kill once enough is acknowledged and more is in flight (the wait is only a bound).
      std::unique_lock lock(mu);
      progress.wait_for(lock, std::chrono::seconds(90),
                        [&] { return requests.size() >= 8 && operations.size() >= 8; });
    }
    s->kill_hard();
    stop = true;
    creator.join();
    actor.join();
  }
  ASSERT_GE(requests.size(), 4u);
  ASSERT_GE(operations.size(), 4u);

  TestServer again({}, dir);
  std::string member = again.login("a-member");
  std::string ta = again.login("a-admin");
  std::string ops = again.login("ops-user");
  // Every approved request became a VM (or failed with a reason), and every VM settles.
  std::set<std::string> vms;
  for (const auto& id : requests) {
    Resp r;
    for (int i = 0; i < 2000; ++i) {  // the resumed provisioning runs on the workers
      r = again.call("GET", "/api/v1/requests/" + id, member);
      std::string_view st = r.json.at("state").as_string();
      if (st == "completed" || st == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (r.json.at("ref").as_string() != "") vms.insert(std::string(r.json.at("ref").as_string()));
  }
  auto listed = again.call("GET", "/api/v1/vms?limit=500", member);
  for (const auto& vm : listed.json.at("items").as_array())
    vms.insert(std::string(vm.at("id").as_string()));
  std::map<std::string, std::int64_t> live_vcpu;
  int finished = 0, failed = 0;
  for (const auto& id : vms) {
    auto vm = settled_vm(again, member, id);
    ASSERT_EQ(vm.status, 200) << vm.body;
    std::string st(vm.json.at("state").as_string());
    EXPECT_FALSE(transitional(st)) << id << " " << st;
    if (st != "deleted" && st != "error") live_vcpu[id] = vm.json.at("vcpu").as_int64();
    auto vm_ops = again.call("GET", "/api/v1/vms/" + id + "/operations", member);
    for (const auto& op : vm_ops.json.at("items").as_array()) {
      std::string_view state = op.at("state").as_string();
      EXPECT_TRUE(state == "succeeded" || state == "failed") << op;
      if (state == "failed") {
        ++failed;
        EXPECT_NE(op.at("error").as_string(), "") << op;
      } else {
        ++finished;
      }
    }
  }
  for (const auto& id : operations) {
    auto op = again.call("GET", "/api/v1/operations/" + id, member);
    ASSERT_EQ(op.status, 200) << op.body;
    EXPECT_NE(op.json.at("state").as_string(), "running") << op.body;
  }
  std::fprintf(stderr, "after the kill: %zu VMs, %d operations finished, %d failed\n", vms.size(),
               finished, failed);

  // The quota is what the VMs own: one reservation per live VM, with its vCPU, and no more.
  std::map<std::string, std::int64_t> owned;
  std::int64_t reserved = 0;
  auto holds = again.call("GET", "/api/v1/vdcs/" + vdc + "/reservations?limit=1000", ta);
  for (const auto& r : holds.json.at("items").as_array()) {
    std::int64_t v =
        r.at("amounts").as_object().contains("vcpu") ? r.at("amounts").at("vcpu").as_int64() : 0;
    reserved += v;
    if (r.at("owner_kind").as_string() == "vm")
      owned[std::string(r.at("owner_id").as_string())] = v;
    if (r.at("owner_kind").as_string() == "request") {  // only the world's own pending one
      EXPECT_FALSE(std::count(requests.begin(), requests.end(), r.at("owner_id").as_string()))
          << "an approved cloud-host request left holding quota: " << r;
    }
  }
  EXPECT_EQ(owned, live_vcpu);
  auto quota = again.call("GET", "/api/v1/vdcs/" + vdc + "/quota", ta);
  for (const auto& l : quota.json.at("items").as_array()) {
    if (l.at("resource").as_string() == "vcpu") {
      EXPECT_EQ(l.at("used").as_int64(), reserved);
    }
  }

  // The engine and the store agree.
  auto drift = again.call("POST", "/api/v1/compute/reconcile", ops);
  ASSERT_EQ(drift.status, 200) << drift.body;
  EXPECT_EQ(drift.json.at("items").as_array().size(), 0u) << drift.body;
  again.stop();
  std::string out;
  EXPECT_EQ(run_cli({"audit", "verify", "--data-dir", dir}, &out), 0) << out;
  EXPECT_NE(out.find("audit chain OK"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir + "-storage");
}

}  // namespace
}  // namespace govcloud::testing
