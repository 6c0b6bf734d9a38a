// Crash safety of metering (issue 11 acceptance, BIL-*): SIGKILL the server while usage files
// are being imported and a VM is started and stopped over and over; after a restart on the same
// data dir every file is either wholly there or not at all (never half), every file the server
// acknowledged is there, a re-import completes the rest without doubling anything, and the VM's
// compute intervals neither overlap nor go missing (one open interval exactly while it runs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "api/world.h"

namespace govcloud::testing {
namespace {

constexpr int kFiles = 40;
constexpr int kRows = 5000;

// File k: kRows rows on day k of 2025 (one hour each), so a query of that day finds its rows.
std::string usage_file(int k, const std::string& system) {
  char day[32];
  std::snprintf(day, sizeof day, "2025-%02d-%02d", 1 + k / 28, 1 + k % 28);
  std::string csv = "event_id,tenant,system,code,quantity,unit,start,end\n";
  for (int i = 0; i < kRows; ++i)
    csv += "f" + std::to_string(k) + "-" + std::to_string(i) + ",," + system +
           ",storage-normal,1,GB," + day + "T00:00:00Z," + day + "T01:00:00Z\n";
  return csv;
}

std::string day_query(int k) {
  char q[96];
  std::snprintf(q, sizeof q, "from=2025-%02d-%02dT00:00:00Z&to=2025-%02d-%02dT01:00:00Z",
                1 + k / 28, 1 + k % 28, 1 + k / 28, 1 + k % 28);
  return q;
}

ClientRequest post(const std::string& target, const std::string& body, const std::string& token) {
  ClientRequest r;
  r.method = "POST";
  r.target = target;
  r.body = body;
  r.token = token;
  return r;
}

TEST(UsageCrashSafety, ImportsAreWholeOrAbsentAndIntervalsNeitherDoubleNorVanish) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("govcloud-usage-crash-" + std::to_string(::getpid())))
                        .string();
  std::filesystem::remove_all(dir);
  const std::vector<std::string> extra = {"--set", "max_body_bytes=16777216"};
  std::string system, vm;
  std::set<int> acknowledged;
  int vm_changes = 0;
  {
    TestServer s(extra, dir);
    World w = build_world(s);
    system = w.a.system;
    auto rq = request_vm(s, w.a, "metered-vm", w.a.image);
    vm = std::string(rq.json.at("ref").as_string());
    ASSERT_EQ(settled_vm(s, w.a.tokens["member"], vm).json.at("state").as_string(), "running");
    std::mutex mu;
    std::atomic<bool> stop{false};
    const std::string ops = w.tokens["ops"], member = w.a.tokens["member"];
    const std::string base = s.base_url();
    std::thread importer([&] {
      HttpClient client(base);
      for (int k = 0; k < kFiles && !stop; ++k) {
        json::object body{{"content", usage_file(k, system)}};
        auto r = client.send(post("/api/v1/usage/import", json::serialize(body), ops));
        if (!r.ok()) return;  // the server is gone
        if (r->status == 200) {
          std::lock_guard lock(mu);
          acknowledged.insert(k);
        }
      }
    });
    std::thread churn([&] {  // stop and start the VM, bounded in count
      HttpClient client(base);
      for (int n = 0; n < 400 && !stop; ++n) {
        auto r = client.send(post("/api/v1/vms/" + vm + (n % 2 ? "/start" : "/stop"),
                                  n % 2 ? "{}" : R"({"force":true})", member));
        if (!r.ok()) return;
        if (r->status == 202) ++vm_changes;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    // Kill once a few files are in, while the next one is on its way (bounded to 60 s).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu);
        if (acknowledged.size() >= 3) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    s.kill_hard();
    stop = true;
    importer.join();
    churn.join();
  }
  ASSERT_GE(acknowledged.size(), 3u);
  std::fprintf(stderr, "at the kill: %zu files acknowledged, %d VM changes accepted\n",
               acknowledged.size(), vm_changes);

  TestServer again(extra, dir);
  std::string member = again.login("a-member");
  std::string ops = again.login("ops-user");
  int whole = 0;
  for (int k = 0; k < kFiles; ++k) {
    auto r = again.call("GET", "/api/v1/usage?code=storage-normal&limit=1&" + day_query(k), member);
    ASSERT_EQ(r.status, 200) << r.body;
    std::int64_t n = r.json.at("total").as_int64();
    EXPECT_TRUE(n == 0 || n == kRows) << "file " << k << " is half there: " << n << " rows";
    if (acknowledged.contains(k)) {
      EXPECT_EQ(n, kRows) << "acknowledged file " << k << " lost";
    }
    whole += n == kRows;
  }
  std::fprintf(stderr, "after the restart: %d files whole, the rest absent\n", whole);
  // Importing every file again completes the rest and doubles nothing.
  for (int k = 0; k < kFiles; ++k) {
    auto r = again.call("POST", "/api/v1/usage/import", ops,
                        json::value(json::object{{"content", usage_file(k, system)}}));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json.at("accepted").as_int64() + r.json.at("duplicates").as_int64(), kRows);
  }
  for (int k = 0; k < kFiles; ++k) {
    auto r = again.call("GET", "/api/v1/usage?code=storage-normal&limit=1&" + day_query(k), member);
    EXPECT_EQ(r.json.at("total").as_int64(), kRows) << "file " << k;
  }

  // The VM's compute: intervals back to back or apart, never overlapping; one open exactly when
  // the VM runs once it has settled.
  auto settled = settled_vm(again, member, vm);
  std::string state(settled.json.at("state").as_string());
  auto iv = again.call("GET", "/api/v1/usage?code=compute-vcpu&limit=1000", member);
  ASSERT_EQ(iv.status, 200) << iv.body;
  int open = 0;
  std::string previous_end;
  for (const auto& i : iv.json.at("items").as_array()) {
    if (i.at("resource_id").as_string() != vm) continue;
    std::string start(i.at("start").as_string());
    EXPECT_GE(start, previous_end) << "overlapping compute intervals: " << iv.body;
    if (i.at("end").is_null()) {
      ++open;
      previous_end = "9999";
    } else {
      previous_end = std::string(i.at("end").as_string());
    }
  }
  EXPECT_EQ(open, state == "running" ? 1 : 0) << state << " " << iv.body;
}

}  // namespace
}  // namespace govcloud::testing
