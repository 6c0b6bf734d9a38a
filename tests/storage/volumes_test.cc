// Volumes on the sim twin (issue 10; STO-01–05, 12): requested through the workflow with the
// tier's quota, attached to a VM and moved to another, grown, snapshotted and restored, shared,
// deleted with their blocks overwritten; bad input refused with the field named and nothing
// half-made; racing attaches and creates that cannot both win.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "drivers/sim/sim_compute.h"
#include "drivers/sim/sim_storage.h"
#include "storage/storage.h"
#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;
using testing::must;
namespace json = boost::json;

struct Volumes : ::testing::Test {
  Env env;
  SimComputeDriver sim;
  SimStorageDriver storage{sim};
  Principal ops;
  Host host;

  void SetUp() override {
    env.build_tree();
    env.set->compute.add_driver(sim);
    env.set->volumes.add_driver(storage);
    User u = env.add_user(env.secadmin, "ops-1", env.root);
    env.grant(env.secadmin, u, Role::kOps, env.root);
    ops = env.login("ops-1");
    host = must(env.set->compute.register_host(
        ops, NewHost{"h0", "dc1", "pool-a", "egov", "sim", "sim://?cores=16&memory_gb=32", false},
        env.ctx));
    std::vector<std::pair<std::string, std::int64_t>> q = {
        {"storage_normal_gb", 100}, {"storage_performance_gb", 40}, {"storage_backup_gb", 30}};
    must(env.tenancy->set_quota(env.admin, env.pool.id, q, env.ctx));
    must(env.tenancy->set_quota(env.admin, env.mu_vdc.id, q, env.ctx));
    must(env.tenancy->set_quota(env.mu_admin, env.vdc_a.id, q, env.ctx));
    ASSERT_TRUE(env.store
                    ->transact([&](Tx& tx) -> Status {
                      add_vm(tx, "vm-a1", "a1", VmState::kRunning);
                      add_vm(tx, "vm-a2", "a2", VmState::kRunning);
                      add_vm(tx, "vm-a3", "a3", VmState::kStopped);
                      return ok_status();
                    })
                    .ok());
    for (const char* id : {"vm-a1", "vm-a2", "vm-a3"}) {
      DomainSpec spec;
      spec.name = std::string("gc-") + id;
      spec.vcpu = 1;
      spec.memory_mb = 1024;
      ASSERT_TRUE(sim.define(host, spec).ok());
      if (std::string(id) != "vm-a3") {
        ASSERT_TRUE(sim.start(host, spec.name).ok());
      }
    }
  }

  void add_vm(Tx& tx, const std::string& id, const std::string& name, VmState state) {
    Vm vm;
    vm.id = VmId{id};
    vm.name = name;
    vm.org_id = env.system_a.id.value;
    vm.org_path = env.system_a.path;
    vm.vdc_id = env.vdc_a.id.value;
    vm.owner = "a-member";
    vm.host_id = host.id.value;
    vm.state = state;
    vm.vcpu = 1;
    vm.memory_mb = 1024;
    vm.disk_gb = 1;
    tx.compute().insert_vm(vm);
  }

  Result<Doc> request(json::object params) {
    return env.workflow->create_request(
        env.a_member,
        NewRequest{"cloud-disk", "request", env.system_a.id, std::nullopt, params, "", ""},
        env.ctx);
  }

  // Requests, approves and waits: the volume the request made.
  Volume create(json::object params) {
    auto r = request(std::move(params));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    std::string id(r->at("id").as_string());
    must(env.workflow->decide(env.a_admin, id, true, "ok", env.ctx));
    env.set->workers.wait_idle();
    auto req = must(env.workflow->get_request(env.a_member, id));
    EXPECT_EQ(std::string(req.at("state").as_string()), "completed") << json::serialize(req);
    return must(env.set->volumes.get(env.a_member, std::string(req.at("ref").as_string())));
  }

  Result<Operation> act(const Principal& who, const Volume& v, VolumeActionInput in) {
    auto op = env.set->volumes.act(who, v.id, in, env.ctx);
    env.set->workers.wait_idle();
    return op;
  }
  Operation done(const Principal& who, const Volume& v, VolumeActionInput in) {
    auto op = must(act(who, v, in));
    auto after = must(env.set->vms.get_operation(who, op.id));
    EXPECT_EQ(after.state, OpState::kSucceeded) << after.kind << ": " << after.error;
    return after;
  }
  VolumeActionInput attach(const char* vm) {
    VolumeActionInput in;
    in.vm = vm;
    return in;
  }
  VolumeActionInput with(VolumeAction a) {
    VolumeActionInput in;
    in.action = a;
    return in;
  }
  Volume reload(const Volume& v) { return must(env.set->volumes.get(env.a_admin, v.id)); }
  std::int64_t used(const char* resource) {
    for (const auto& line : must(env.tenancy->get_quota(env.a_admin, env.vdc_a.id)))
      if (line.resource == resource) return line.used;
    return -1;
  }
  std::string engine(const Volume& v) { return "gcv-" + v.id; }
};

// STO-01, 02, 03, 04, 05: the life of a volume, end to end on the sim twin.
TEST_F(Volumes, AVolumeMovesBetweenVmsGrowsAndComesBackFromASnapshot) {
  Volume v = create({{"name", "data-1"}, {"size_gb", 17}, {"tags", "db,prod"}});
  EXPECT_EQ(v.state, VolumeState::kAvailable) << v.reason;
  EXPECT_EQ(v.size_gb, 17);
  EXPECT_EQ(v.tier, "normal");
  EXPECT_EQ(v.tags, (std::vector<std::string>{"db", "prod"}));
  EXPECT_TRUE(storage.exists(host.id, engine(v)));
  EXPECT_EQ(used("storage_normal_gb"), 17);  // the volume owns the request's quota

  done(env.a_member, v, attach("a1"));  // by name, in the volume's system
  EXPECT_EQ(reload(v).state, VolumeState::kInUse);
  auto disks = must(storage.disks(host));
  ASSERT_EQ(disks.size(), 1U);
  EXPECT_EQ(disks[0].domain, "gc-vm-a1");
  EXPECT_EQ(disks[0].target, "vdb");
  EXPECT_EQ(disks[0].limits, VolumeService::default_limits("normal"));  // the tier's iotune
  storage.write(host.id, engine(v), "MARKER-1");

  VolumeActionInput off = with(VolumeAction::kDetach);
  done(env.a_member, v, off);
  EXPECT_EQ(reload(v).state, VolumeState::kAvailable);
  done(env.a_member, v, attach("vm-a2"));
  EXPECT_EQ(storage.read(host.id, engine(v)), "MARKER-1");  // the second VM reads the marker

  VolumeActionInput grow = with(VolumeAction::kExpand);
  grow.size_gb = 20;
  done(env.a_admin, v, grow);  // online: attached to a running VM
  EXPECT_EQ(reload(v).size_gb, 20);
  EXPECT_EQ(storage.size_gb(host.id, engine(v)), 20);
  EXPECT_EQ(used("storage_normal_gb"), 20);

  VolumeActionInput snap = with(VolumeAction::kSnapshot);
  snap.name = "before";
  done(env.a_member, v, snap);
  auto snaps = must(env.set->volumes.snapshots_of(env.a_member, v.id));
  ASSERT_EQ(snaps.size(), 1U);
  EXPECT_EQ(snaps[0].state, "ready");
  EXPECT_GT(snaps[0].used_bytes, 0);
  storage.write(host.id, engine(v), "OVERWRITTEN");
  VolumeActionInput restore = with(VolumeAction::kRestore);
  restore.snapshot = "before";
  auto attached = env.set->volumes.act(env.a_member, v.id, restore, env.ctx);
  ASSERT_FALSE(attached.ok());  // a guest would see its data change under it
  EXPECT_EQ(attached.error().code, ErrorCode::kConflict);
  done(env.a_member, v, off);
  done(env.a_member, v, restore);
  EXPECT_EQ(storage.read(host.id, engine(v)), "MARKER-1");

  // A new volume from the snapshot, through the workflow like any other.
  Volume copy = create({{"name", "data-1-copy"}, {"size_gb", 20}, {"snapshot", snaps[0].id}});
  EXPECT_EQ(storage.read(host.id, engine(copy)), "MARKER-1");

  VolumeActionInput del = with(VolumeAction::kDelete);
  del.secure = true;
  auto op = done(env.a_member, v, del);
  EXPECT_EQ(reload(v).state, VolumeState::kDeleted);
  EXPECT_FALSE(storage.exists(host.id, engine(v)));
  EXPECT_TRUE(storage.wiped(engine(v)));
  EXPECT_EQ(used("storage_normal_gb"), 20);  // only the copy's 20 GB remain held

  // Usage for metering, in the transaction of each change.
  auto events = env.store->read([&](Tx& tx) -> Result<std::vector<UsageEvent>> {
    return tx.operations().usage_events_after(0, 1000);
  });
  std::vector<std::string> seen;
  for (const auto& e : events.value())
    if (e.resource_id == v.id)
      seen.push_back(e.what + ":" + e.catalog_code + ":" + std::to_string(e.quantity));
  EXPECT_EQ(seen,
            (std::vector<std::string>{"created:storage-normal:17", "attached:storage-normal:17",
                                      "detached:storage-normal:17", "attached:storage-normal:17",
                                      "resized:storage-normal:20", "detached:storage-normal:20",
                                      "deleted:storage-normal:20"}));
}

// STO-03: a shareable volume is on two VMs at once; a non-shareable one on one.
TEST_F(Volumes, OnlyAShareableVolumeIsOnTwoVmsAtOnce) {
  Volume shared = create({{"name", "quorum"}, {"size_gb", 1}, {"shareable", true}});
  done(env.a_member, shared, attach("a1"));
  done(env.a_member, shared, attach("a2"));
  EXPECT_EQ(must(env.set->volumes.attachments_of(env.a_member, shared.id)).size(), 2U);
  EXPECT_EQ(must(storage.disks(host)).size(), 2U);

  Volume single = create({{"name", "single"}, {"size_gb", 1}});
  done(env.a_member, single, attach("a1"));
  EXPECT_EQ(must(env.set->volumes.attachments_of(env.a_member, single.id))[0].target, "vdc");
  auto second = env.set->volumes.act(env.a_member, single.id, attach("a2"), env.ctx);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().field, "vm");
  // Detaching a shareable volume needs the VM named.
  auto which = env.set->volumes.act(env.a_member, shared.id, with(VolumeAction::kDetach), env.ctx);
  ASSERT_FALSE(which.ok());
  EXPECT_EQ(which.error().field, "vm");
  // A VM snapshot cannot cover a raw shared disk: refused, saying why.
  VmActionInput vs;
  vs.action = VmAction::kSnapshot;
  vs.name = "s1";
  auto refused = env.set->vms.act(env.a_member, VmId{"vm-a1"}, vs, env.ctx);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("shareable"), std::string::npos);
}

// STO-02 and the bad-input rules: each refused with the field named, nothing half-made.
TEST_F(Volumes, BadInputIsRefusedNamingTheFieldAndNothingIsMade) {
  auto field_of = [&](json::object p) {
    auto r = request(std::move(p));
    return r.ok() ? std::string("accepted") : r.error().field;
  };
  EXPECT_EQ(field_of({{"name", "z"}, {"size_gb", 0}}), "params.size_gb");
  EXPECT_EQ(field_of({{"name", "z"}, {"size_gb", 1.5}}), "params.size_gb");
  EXPECT_EQ(field_of({{"name", "z"}, {"size_gb", -3}}), "params.size_gb");
  EXPECT_EQ(field_of({{"name", "z"}, {"size_gb", 101}}), "quota.storage_normal_gb");
  EXPECT_EQ(field_of({{"name", "z"}, {"size_gb", 41}, {"tier", "performance"}}),
            "quota.storage_performance_gb");
  EXPECT_EQ(field_of({{"name", "z"}, {"size_gb", 1}, {"tier", "gold"}}), "params.tier");
  EXPECT_EQ(field_of({{"name", "a/b"}, {"size_gb", 1}}), "params.name");
  EXPECT_EQ(
      field_of({{"name", "z"}, {"size_gb", 1}, {"purpose", "backup"}, {"tier", "performance"}}),
      "params.tier");
  EXPECT_EQ(field_of({{"name", "z"}, {"size_gb", 1}, {"snapshot", "vsn-0000000000000000"}}),
            "params.snapshot");
  EXPECT_EQ(must(env.set->volumes.list(env.a_admin, {})).total, 0);
  EXPECT_EQ(used("storage_normal_gb"), 0);

  Volume v = create({{"name", "v"}, {"size_gb", 5}});
  VolumeActionInput shrink = with(VolumeAction::kExpand);
  shrink.size_gb = 4;
  auto r = env.set->volumes.act(env.a_admin, v.id, shrink, env.ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "size_gb");
  EXPECT_NE(r.error().message.find("never shrinks"), std::string::npos);
  shrink.size_gb = 200;  // beyond the quota
  r = env.set->volumes.act(env.a_admin, v.id, shrink, env.ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "quota.storage_normal_gb");
  EXPECT_EQ(reload(v).state, VolumeState::kAvailable);
  EXPECT_EQ(used("storage_normal_gb"), 5);
  // A member may not take quota without a request; another tenant sees nothing.
  shrink.size_gb = 6;
  EXPECT_EQ(env.set->volumes.act(env.a_member, v.id, shrink, env.ctx).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(env.set->volumes.get(env.b_admin, v.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(env.set->volumes.act(env.b_admin, v.id, attach("vm-a1"), env.ctx).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(env.set->volumes.act(env.a_member, v.id, attach("vm-nope"), env.ctx).error().field,
            "vm");
}

// STO-12: backup space draws the backup quota and is billed under its own code.
TEST_F(Volumes, BackupSpaceIsKeptAndBilledApartFromBusinessStorage) {
  Volume b = create({{"name", "backup-1"}, {"size_gb", 10}, {"purpose", "backup"}});
  EXPECT_EQ(b.purpose, VolumePurpose::kBackup);
  EXPECT_EQ(used("storage_backup_gb"), 10);
  EXPECT_EQ(used("storage_normal_gb"), 0);
  auto events = env.store->read([&](Tx& tx) -> Result<std::vector<UsageEvent>> {
    return tx.operations().usage_events_after(0, 100);
  });
  ASSERT_FALSE(events.value().empty());
  EXPECT_EQ(events.value().back().catalog_code, "storage-backup-space");
}

// Two attaches of one non-shareable volume race: exactly one wins (decision 0011's attacker:
// a tenant racing to read one disk from two VMs).
TEST_F(Volumes, ParallelAttachesOfOneVolumeLetExactlyOneWin) {
  Volume v = create({{"name", "raced"}, {"size_gb", 1}});
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (const char* vm : {"vm-a1", "vm-a2", "vm-a3", "vm-a1", "vm-a2", "vm-a3"})
    threads.emplace_back([&, vm] {
      if (env.set->volumes.act(env.a_member, v.id, attach(vm), env.ctx).ok()) ++accepted;
    });
  for (auto& t : threads) t.join();
  env.set->workers.wait_idle();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(must(env.set->volumes.attachments_of(env.a_member, v.id)).size(), 1U);
  EXPECT_EQ(must(storage.disks(host)).size(), 1U);
}

// Parallel creates against a 100 GB quota: exactly what fits is made.
TEST_F(Volumes, ParallelCreatesTakeExactlyWhatTheQuotaHolds) {
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      if (request({{"name", "p" + std::to_string(i)}, {"size_gb", 30}}).ok()) ++accepted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 3);  // 3 × 30 ≤ 100 < 4 × 30
  EXPECT_EQ(used("storage_normal_gb"), 90);
}

// A deleted VM's volumes come off it and stay, available; a VM with volumes does not migrate.
TEST_F(Volumes, AVolumeOutlivesItsVmAndPinsItToTheHost) {
  Volume v = create({{"name", "keep"}, {"size_gb", 2}});
  done(env.a_member, v, attach("a1"));
  VmActionInput mig;
  mig.action = VmAction::kMigrate;
  auto moved = env.set->vms.act(ops, VmId{"vm-a1"}, mig, env.ctx);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.error().message.find("detach"), std::string::npos);
  VmActionInput del;
  del.action = VmAction::kDelete;
  must(env.set->vms.act(env.a_member, VmId{"vm-a1"}, del, env.ctx));
  env.set->workers.wait_idle();
  EXPECT_EQ(reload(v).state, VolumeState::kAvailable);
  EXPECT_TRUE(must(env.set->volumes.attachments_of(env.a_member, v.id)).empty());
  EXPECT_TRUE(storage.exists(host.id, engine(v)));
}

// Detach waits for the guest: one that holds the disk keeps it unless forced.
TEST_F(Volumes, AGuestThatHoldsItsDiskKeepsItUnlessForced) {
  Volume v = create({{"name", "held"}, {"size_gb", 1}});
  done(env.a_member, v, attach("a1"));
  storage.hold_disk("gc-vm-a1", true);
  auto op = must(act(env.a_member, v, with(VolumeAction::kDetach)));
  auto failed = must(env.set->vms.get_operation(env.a_member, op.id));
  EXPECT_EQ(failed.state, OpState::kFailed);
  EXPECT_NE(failed.error.find("did not release"), std::string::npos);
  EXPECT_EQ(reload(v).state, VolumeState::kInUse);
  VolumeActionInput force = with(VolumeAction::kDetach);
  force.force = true;
  done(env.a_member, v, force);
  EXPECT_EQ(reload(v).state, VolumeState::kAvailable);
}

// The tier limits change for every attached disk; the reconciler finds a disk put on a guest
// behind the platform's back.
TEST_F(Volumes, TierLimitsReachEveryDiskAndDriftIsReported) {
  Volume v = create({{"name", "tuned"}, {"size_gb", 1}});
  done(env.a_member, v, attach("a1"));
  EXPECT_EQ(
      env.set->volumes.set_tier(env.a_admin, "normal", {5000, 200 << 20}, env.ctx).error().code,
      ErrorCode::kPermissionDenied);
  must(env.set->volumes.set_tier(ops, "normal", {5000, 200 << 20}, env.ctx));
  env.set->workers.wait_idle();
  EXPECT_EQ(must(storage.disks(host))[0].limits, (IoLimits{5000, 200 << 20}));
  EXPECT_TRUE(must(env.set->volumes.reconcile_now(ops)).empty());
  Volume other = create({{"name", "sneaky"}, {"size_gb", 1}});
  ASSERT_TRUE(storage
                  .attach(host, DiskSpec{VolumeSpec{engine(other), "normal", 1, false}, "gc-vm-a2",
                                         "vdb", IoLimits{5000, 200 << 20}})
                  .ok());
  auto drift = must(env.set->volumes.reconcile_now(ops));
  ASSERT_EQ(drift.size(), 1U);
  EXPECT_EQ(drift[0].kind, "attached_in_engine_only");
  EXPECT_EQ(env.set->volumes.reconcile_now(env.a_admin).error().code, ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace govcloud
