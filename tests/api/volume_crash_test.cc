// Crash safety of volume operations (issue 10 acceptance; STO-02–05): SIGKILL the server while
// attaches, expansions and snapshots run on a slow (sim) engine, restart it on the same data
// dir, and find every operation finished or failed with a reason, no volume stuck between
// states, no disk attached on the engine but not in the store (or the reverse: the storage
// reconciler reports none), the quota equal to what the volumes own, and the audit chain intact.
// The sim engine keeps its volumes and guests' disks in files, as a real host keeps them when
// its control plane dies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
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
  return st == "creating" || st == "attaching" || st == "detaching" || st == "resizing" ||
         st == "snapshotting" || st == "restoring" || st == "deleting";
}

TEST(VolumeCrashSafety, AttachExpandAndSnapshotInterruptedBySigkillFinishOrFailWithoutDrift) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("govcloud-volume-crash-" + std::to_string(::getpid())))
                        .string();
  std::filesystem::remove_all(dir);
  std::string vdc, vm;
  std::mutex mu;
  std::map<std::string, std::string> operations;  // id → kind
  std::set<std::string> in_flight_at_kill;        // kinds seen running just before the kill
  {
    auto s = std::make_unique<TestServer>(std::vector<std::string>{}, dir);
    World w = build_world(*s);
    vdc = w.a.vdc;
    const std::string& ops = w.tokens["ops"];
    // Volumes and the VM land on a slow engine (150 ms a call), so the kill finds work in flight.
    auto hosts = s->call("GET", "/api/v1/hosts", ops);
    for (const auto& h : hosts.json.at("items").as_array())
      s->call("POST", "/api/v1/hosts/" + std::string(h.at("id").as_string()) + "/state", ops,
              obj({{"state", "maintenance"}}));
    auto slow = s->call("POST", "/api/v1/hosts", ops,
                        obj({{"name", "slow-1"},
                             {"site", "dc1"},
                             {"pool", "pool-a"},
                             {"domain", "egov"},
                             {"driver", "sim"},
                             {"uri", "sim://?cores=64&memory_gb=256&latency_ms=150"}}));
    ASSERT_EQ(slow.status, 201) << slow.body;
    auto rq = request_vm(*s, w.a, "crash-vm", w.a.image);
    vm = std::string(rq.json.at("ref").as_string());
    ASSERT_EQ(settled_vm(*s, w.a.tokens["member"], vm).json.at("state").as_string(), "running");
    std::vector<std::string> volumes;
    for (int i = 0; i < 6; ++i) {
      auto v = request_volume(*s, w.a,
                              json::object{{"name", "crash-" + std::to_string(i)}, {"size_gb", 1}});
      ASSERT_EQ(v.json.at("state").as_string(), "available") << v.body;
      volumes.emplace_back(v.json.at("id").as_string());
    }

    std::atomic<bool> stop{false};
    int port = s->port();
    std::string member = w.a.tokens["member"], admin = w.a.tokens["tenant-admin"];
    std::thread actor([&] {
      HttpClient client("http://127.0.0.1:" + std::to_string(port));
      // Bounded in count; the kill (or the 60 s bound below) ends it sooner.
      for (int n = 0; n < 20000 && !stop; ++n) {
        for (const auto& id : volumes) {
          auto got = client.send(request("GET", "/api/v1/volumes/" + id, "", member));
          if (!got.ok()) return;
          json::value v = json::parse(got->body);
          std::string_view st = v.at("state").as_string();
          std::string verb, body = "{}", token = member;
          if (st == "available") {
            verb = "attach";
            body = json::serialize(json::object{{"vm", vm}});
          } else if (st == "in_use") {
            switch (n % 3) {
              case 0:
                verb = "expand";
                token = admin;
                body = json::serialize(json::object{{"size_gb", v.at("size_gb").as_int64() + 1}});
                break;
              case 1:
                verb = "snapshots";
                body = json::serialize(json::object{{"name", "s" + std::to_string(n)}});
                break;
              default:
                verb = "detach";
            }
          } else {
            continue;
          }
          auto r = client.send(request("POST", "/api/v1/volumes/" + id + "/" + verb, body, token));
          if (!r.ok()) return;
          if (r->status == 202) {
            std::lock_guard lock(mu);
            operations[std::string(json::parse(r->body).at("id").as_string())] =
                "volume." + (verb == "snapshots" ? std::string("snapshot") : verb);
          }
        }
      }
    });
    {
      // Kill while an attach, an expansion and a snapshot all run (polled, bounded to 60 s;
      // past the bound the kill comes anyway and the assertion below says what it found).
      HttpClient client("http://127.0.0.1:" + std::to_string(port));
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (std::chrono::steady_clock::now() < deadline) {
        std::map<std::string, std::string> accepted;
        {
          std::lock_guard lock(mu);
          accepted = operations;
        }
        std::set<std::string> running;
        for (const auto& [id, kind] : accepted) {
          auto op = client.send(request("GET", "/api/v1/operations/" + id, "", member));
          if (op.ok() && op->status == 200 &&
              json::parse(op->body).at("state").as_string() == "running")
            running.insert(kind);
        }
        in_flight_at_kill = running;
        if (running.contains("volume.attach") && running.contains("volume.expand") &&
            running.contains("volume.snapshot"))
          break;
      }
    }
    s->kill_hard();
    stop = true;
    actor.join();
  }
  ASSERT_GE(operations.size(), 6u);
  std::string seen;
  for (const auto& k : in_flight_at_kill) seen += k + " ";
  std::fprintf(stderr, "at the kill: %zu volume operations accepted; running: %s\n",
               operations.size(), seen.c_str());
  for (const char* kind : {"volume.attach", "volume.expand", "volume.snapshot"})
    EXPECT_TRUE(in_flight_at_kill.contains(kind)) << "the kill found no " << kind << " in flight";

  TestServer again({}, dir);
  std::string member = again.login("a-member");
  std::string ta = again.login("a-admin");
  std::string ops = again.login("ops-user");
  // Every operation finished or failed with a reason; no volume is left between states.
  int finished = 0, failed = 0;
  for (const auto& [id, kind] : operations) {
    Resp op;
    for (int i = 0; i < 2000; ++i) {  // the resumed engine halves run on the workers
      op = again.call("GET", "/api/v1/operations/" + id, member);
      if (op.status != 200 || op.json.at("state").as_string() != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(op.status, 200) << op.body;
    std::string_view state = op.json.at("state").as_string();
    EXPECT_TRUE(state == "succeeded" || state == "failed") << op.body;
    if (state == "failed") {
      ++failed;
      EXPECT_NE(op.json.at("error").as_string(), "") << op.body;
    } else {
      ++finished;
    }
  }
  std::fprintf(stderr, "after the restart: %d finished, %d failed with a reason\n", finished,
               failed);
  std::map<std::string, std::int64_t> live_gb;
  auto listed = again.call("GET", "/api/v1/volumes?limit=100", member);
  for (const auto& v : listed.json.at("items").as_array()) {
    std::string id(v.at("id").as_string());
    auto settled = settled_volume(again, member, id);
    std::string st(settled.json.at("state").as_string());
    EXPECT_FALSE(transitional(st)) << id << " " << st;
    if (st != "deleted" && st != "error") live_gb[id] = settled.json.at("size_gb").as_int64();
  }

  // The quota is what the volumes own: one reservation per live volume, of its size.
  std::map<std::string, std::int64_t> owned;
  std::int64_t reserved = 0;
  auto holds = again.call("GET", "/api/v1/vdcs/" + vdc + "/reservations?limit=1000", ta);
  for (const auto& r : holds.json.at("items").as_array()) {
    const auto& amounts = r.at("amounts").as_object();
    std::int64_t gb =
        amounts.contains("storage_normal_gb") ? amounts.at("storage_normal_gb").as_int64() : 0;
    reserved += gb;
    if (r.at("owner_kind").as_string() == "volume")
      owned[std::string(r.at("owner_id").as_string())] = gb;
  }
  EXPECT_EQ(owned, live_gb);
  auto quota = again.call("GET", "/api/v1/vdcs/" + vdc + "/quota", ta);
  for (const auto& l : quota.json.at("items").as_array())
    if (l.at("resource").as_string() == "storage_normal_gb") {
      EXPECT_EQ(l.at("used").as_int64(), reserved);
    }

  // The engine's disks and the store's attachments agree.
  auto drift = again.call("POST", "/api/v1/storage/reconcile", ops);
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
