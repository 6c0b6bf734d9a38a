// Issue 8 §1: the audit trail against someone who can write the database. A real server writes
// a real trail (and its checkpoints, to a file and to Debian's rsyslog on 127.0.0.1); then each
// attack runs on its own copy of the data dir with the sqlite3 library alone, and
// `govcloud audit verify --data-dir` must name what it found. Requirement AUD-01.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/world.h"
#include "audit/checkpoints.h"
#include "audit/syslog_sink.h"
#include "common/secret_file.h"
#include "model/audit.h"

extern char** environ;

namespace govcloud::testing {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls (bounded) for text that another process writes; nothing here waits for time to pass.
bool appears(const fs::path& file, const std::string& text) {
  for (int i = 0; i < 200; ++i) {
    if (slurp(file).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

int free_udp_port() {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket s(
      io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return s.local_endpoint().port();
}

// Debian's rsyslogd in the foreground, listening on 127.0.0.1 only, writing what it receives.
class Rsyslog {
 public:
  explicit Rsyslog(const fs::path& dir) : dir_(dir), port_(free_udp_port()) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "rsyslog.conf")
        << "global(workDirectory=\"" << dir_.string() << "\")\n"
        << "module(load=\"imudp\")\n"
        << "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" << port_ << "\")\n"
        << "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
        << "action(type=\"omfile\" file=\"" << (dir_ / "received.log").string()
        << "\" template=\"raw\")\n";
    std::string conf = (dir_ / "rsyslog.conf").string(), pid = (dir_ / "rsyslog.pid").string();
    std::vector<std::string> args = {"/usr/sbin/rsyslogd", "-n", "-f", conf, "-i", pid};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }
  ~Rsyslog() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool running() const { return pid_ > 0; }
  // UDP before the listener is up is lost: probe until one probe arrives.
  bool ready() {
    for (int i = 0; i < 40; ++i) {
      SyslogMessage m;
      m.msgid = "probe";
      m.text = "probe-" + std::to_string(i);
      (void)send_syslog_udp(target(), m);
      for (int j = 0; j < 5; ++j) {
        if (slurp(received()).find("probe-") != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    return false;
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  fs::path received() const { return dir_ / "received.log"; }

 private:
  fs::path dir_;
  int port_;
  pid_t pid_ = -1;
};

// The attacker's tool: the sqlite3 library on the database file.
void sql(const fs::path& dir, const std::string& text) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "govcloud.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err), SQLITE_OK)
      << (err ? err : "") << "\n"
      << text;
  sqlite3_free(err);
  sqlite3_close(db);
}

std::vector<AuditRecord> records(const fs::path& dir) {
  std::vector<AuditRecord> out;
  sqlite3* db = nullptr;
  sqlite3_open((dir / "govcloud.db").c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT seq, at, actor_id, actor_name, assumed_role, org_id, action, target, "
                     "result, source_ip, request_id, detail, prev_hash, hash FROM audit_log "
                     "ORDER BY seq",
                     -1, &st, nullptr);
  auto text = [&](int i) {
    const auto* p = sqlite3_column_text(st, i);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  };
  while (sqlite3_step(st) == SQLITE_ROW) {
    AuditRecord r;
    r.seq = sqlite3_column_int64(st, 0);
    r.at = sqlite3_column_int64(st, 1);
    r.actor_id = text(2);
    r.actor_name = text(3);
    r.assumed_role = text(4);
    r.org_id = text(5);
    r.action = text(6);
    r.target = text(7);
    r.result = text(8);
    r.source_ip = text(9);
    r.request_id = text(10);
    r.detail = text(11);
    r.prev_hash = text(12);
    r.hash = text(13);
    out.push_back(r);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::string set_head(const AuditRecord& r) {
  return "UPDATE meta SET value = '" + std::to_string(r.seq) +
         "' WHERE key = 'audit_head_seq'; UPDATE meta SET value = '" + r.hash +
         "' WHERE key = 'audit_head_hash';";
}

// Edits record `seq` and recomputes every later hash and link, under `key` (empty: plain SM3,
// the algorithm being public).
void rewrite_from(const fs::path& dir, std::int64_t seq, const AuditKey& key) {
  auto all = records(dir);
  std::string text = "DROP TRIGGER audit_no_update;";
  std::string prev;
  for (auto& r : all) {
    if (r.seq < seq) {
      prev = r.hash;
      continue;
    }
    if (r.seq == seq) r.actor_name = "someone-else";
    r.prev_hash = prev;
    r.hash = audit_chain_hash(key, prev, r);
    prev = r.hash;
    text += "UPDATE audit_log SET actor_name = '" + r.actor_name + "', prev_hash = '" +
            r.prev_hash + "', hash = '" + r.hash + "' WHERE seq = " + std::to_string(r.seq) + ";";
  }
  text += set_head(all.back());
  sql(dir, text);
}

// What an insider who stole keys/audit.key would hold.
Bytes stolen_key(const fs::path& dir) {
  std::string text = slurp(dir / "keys" / "audit.key");
  Bytes key;
  EXPECT_TRUE(from_hex(text.substr(4, 64), key)) << text;
  return key;
}

struct Verdict {
  int exit = 0;
  std::string problem;
  std::string output;
};

Verdict verify(const fs::path& dir) {
  Verdict v;
  v.exit = run_cli({"audit", "verify", "--data-dir", dir.string(), "-o", "json"}, &v.output);
  auto j = boost::json::parse(v.output.substr(v.output.find('{')));
  v.problem = std::string(j.at("problem").as_string());
  return v;
}

class AuditTamper : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("govcloud-tamper-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    syslog_ = new Rsyslog(root_ / "rsyslog");
    ASSERT_TRUE(syslog_->running()) << "rsyslogd (Debian package rsyslog) is needed";
    ASSERT_TRUE(syslog_->ready()) << "rsyslogd did not start listening";
    TestServer s({"--test-clock", "--set", "audit.syslog=" + syslog_->target(), "--set",
                  "audit.checkpoint_seconds=30"},
                 (root_ / "original").string());
    World w = build_world(s);
    // The cadence: once the clock has moved past it, the next audited change writes one.
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(s.call("POST", "/api/v1/test/clock", std::string(),
                       std::string(R"({"advance_seconds":31})"))
                    .status,
                200);
      auto r = s.call("POST", "/api/v1/orgs", w.a.tokens["tenant-admin"],
                      json::value(json::object{{"parent_id", w.a.org},
                                               {"type", "business_system"},
                                               {"name", "tamper-" + std::to_string(i)},
                                               {"dengbao_level", 2},
                                               {"network_domain", "internet"}}));
      ASSERT_EQ(r.status, 201) << r.body;
    }
    s.stop();  // the last checkpoint is written at shutdown
  }
  static void TearDownTestSuite() {
    delete syslog_;
    fs::remove_all(root_);
  }

  // A fresh copy of the data dir the server left, for one attack.
  fs::path copy(const std::string& name) {
    fs::path to = root_ / name;
    fs::remove_all(to);
    fs::copy(root_ / "original", to, fs::copy_options::recursive);
    fs::permissions(to, fs::perms::owner_all);
    return to;
  }

  static fs::path root_;
  static Rsyslog* syslog_;
};

fs::path AuditTamper::root_;
Rsyslog* AuditTamper::syslog_ = nullptr;

TEST_F(AuditTamper, TheUntouchedTrailVerifiesAgainstItsCheckpoints) {
  auto dir = copy("untouched");
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 0) << v.output;
  auto log =
      read_checkpoints((dir / "audit-checkpoints.log").string(), AuditKey{stolen_key(dir), 1});
  EXPECT_TRUE(log.problem.empty()) << log.problem;
  EXPECT_GE(log.entries.size(), 4u);  // first start, three by cadence, shutdown
  EXPECT_EQ(log.entries.back().seq, records(dir).back().seq);
}

TEST_F(AuditTamper, RsyslogReceivedEveryCheckpoint) {
  auto dir = copy("syslog");
  auto log =
      read_checkpoints((dir / "audit-checkpoints.log").string(), AuditKey{stolen_key(dir), 1});
  ASSERT_FALSE(log.entries.empty());
  for (const auto& c : log.entries) {
    EXPECT_TRUE(appears(syslog_->received(), "mac=\"" + c.mac + "\"")) << c.seq;
  }
  std::string got = slurp(syslog_->received());
  EXPECT_NE(got.find("<110>1 "), std::string::npos);  // log audit, informational, RFC 5424
  EXPECT_NE(got.find("audit-checkpoint [govcloud@32473 seq=\""), std::string::npos);
}

TEST_F(AuditTamper, DeletingTheNewestRecordsAndMovingTheHeadBackIsFound) {
  auto dir = copy("truncated");
  auto all = records(dir);
  const auto& keep = all[all.size() - 6];
  sql(dir, "DROP TRIGGER audit_no_early_delete; DELETE FROM audit_log WHERE seq > " +
               std::to_string(keep.seq) + ";" + set_head(keep));
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 2) << v.output;
  EXPECT_NE(v.problem.find("records " + std::to_string(keep.seq + 1) + ".." +
                           std::to_string(all.back().seq) + " were removed"),
            std::string::npos)
      << v.problem;
}

TEST_F(AuditTamper, RaisingThePurgeHorizonAndDeletingTheOldestIsFound) {
  auto dir = copy("oldest");
  auto all = records(dir);
  // No trigger dropped: the attacker moves the horizon the trigger trusts, and the anchor.
  sql(dir,
      "UPDATE meta SET value = '99999999999999' WHERE key = 'audit_purge_horizon';"
      "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_purge_horizon', "
      "'99999999999999');"
      "DELETE FROM audit_log WHERE seq <= 10;"
      "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_anchor_seq', '10');"
      "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_anchor_hash', '" +
          all[9].hash + "');");
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 2) << v.output;
  EXPECT_NE(v.problem.find("records 1..10 were removed from the start"), std::string::npos)
      << v.problem;
}

TEST_F(AuditTamper, EditingARecordAndRecomputingEveryLaterHashIsFound) {
  auto dir = copy("rewritten");
  rewrite_from(dir, 12, AuditKey{});  // SM3 is public; the key is not
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 2) << v.output;
  EXPECT_NE(v.problem.find("record 12 was changed after it was written"), std::string::npos)
      << v.problem;
}

TEST_F(AuditTamper, EvenWithTheStolenKeyARewriteDisagreesWithTheCheckpoints) {
  auto dir = copy("rewritten-with-key");
  rewrite_from(dir, 12, AuditKey{stolen_key(dir), 1});
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 2) << v.output;
  EXPECT_NE(v.problem.find("differs from the checkpoint of"), std::string::npos) << v.problem;
}

TEST_F(AuditTamper, DeletingEverythingIsFound) {
  auto dir = copy("emptied");
  auto last = records(dir).back().seq;
  sql(dir,
      "DROP TRIGGER audit_no_early_delete; DELETE FROM audit_log; DELETE FROM meta WHERE key "
      "LIKE 'audit_%';");
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 2) << v.output;
  EXPECT_NE(v.problem.find("the trail is empty"), std::string::npos) << v.problem;
  EXPECT_NE(v.problem.find("records 1.." + std::to_string(last) + " were removed"),
            std::string::npos)
      << v.problem;
}

TEST_F(AuditTamper, AnEditedCheckpointIsFound) {
  auto dir = copy("forged-checkpoint");
  auto path = dir / "audit-checkpoints.log";
  std::string text = slurp(path);
  auto at = text.rfind("\"seq\":");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + 6, "1");  // vouch for a different record
  std::ofstream(path, std::ios::trunc) << text;
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 2) << v.output;
  EXPECT_NE(v.problem.find("bad signature"), std::string::npos) << v.problem;
}

TEST_F(AuditTamper, TheServerRefusesToVouchForATruncatedTrailAfterARestart) {
  auto dir = copy("restart");
  auto all = records(dir);
  const auto& keep = all[all.size() - 4];
  sql(dir, "DROP TRIGGER audit_no_early_delete; DELETE FROM audit_log WHERE seq > " +
               std::to_string(keep.seq) + ";" + set_head(keep));
  auto lines_before = slurp(dir / "audit-checkpoints.log");
  {
    TestServer s({}, dir.string());
    s.login("admin");  // an audited change after the restart
    s.stop();
  }
  // The truncated trail got no checkpoint: the last one still vouches for the removed records.
  EXPECT_EQ(slurp(dir / "audit-checkpoints.log"), lines_before);
  auto v = verify(dir);
  EXPECT_EQ(v.exit, 2) << v.output;
}

}  // namespace
}  // namespace govcloud::testing
