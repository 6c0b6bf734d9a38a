// VM lists searched by tag, state and name inside visible subtrees (issue 9 §2, CMP-01): the tag
// index follows every change of a VM and never shows another tenant's or a deleted VM.
#include <gtest/gtest.h>

#include "test_env.h"

namespace govcloud {
namespace {

using testing::Env;

struct VmListing : ::testing::Test {
  Env env;
  Org system_b;

  void SetUp() override {
    env.build_tree();
    system_b = testing::must(
        env.tenancy->create_org(env.mu_admin,
                                NewOrg{env.tenant_b.id, OrgType::kBusinessSystem, "B系统", "",
                                       BusinessSystemProfile{3, true, false, "internet"}},
                                env.ctx));
    ASSERT_TRUE(env.store
                    ->transact([&](Tx& tx) -> Status {
                      GuestNetwork net{"net-l",        env.vdc_a.id.value, "", "gcbrl",
                                       "10.98.0.0/24", "10.98.0.1",        0};
                      tx.compute().insert_network(net);
                      Image img;
                      img.id = "img-l";
                      img.name = "guest";
                      img.format = "qcow2";
                      img.path = "/nonexistent/l.qcow2";
                      tx.compute().insert_image(img);
                      add(tx, "vm-a1", "web-1", env.system_a, {"prod", "web"}, VmState::kRunning);
                      add(tx, "vm-a2", "web-2", env.system_a, {"test"}, VmState::kStopped);
                      add(tx, "vm-a3", "db-1", env.system_a, {"prod"}, VmState::kStopped);
                      add(tx, "vm-b1", "web-1", system_b, {"prod"}, VmState::kRunning);
                      return ok_status();
                    })
                    .ok());
  }

  static void add(Tx& tx, const std::string& id, const std::string& name, const Org& org,
                  std::vector<std::string> tags, VmState state) {
    Vm vm;
    vm.id = VmId{id};
    vm.name = name;
    vm.org_id = org.id.value;
    vm.org_path = org.path;
    vm.owner = "someone";
    vm.state = state;
    vm.vcpu = 1;
    vm.memory_mb = 512;
    vm.disk_gb = 1;
    vm.image_id = "img-l";
    vm.network_id = "net-l";
    vm.tags = std::move(tags);
    tx.compute().insert_vm(vm);
  }

  std::vector<std::string> ids(VmQuery q) {
    auto r =
        env.store->read([&](Tx& tx) -> Result<Listing<Vm>> { return tx.compute().list_vms(q); });
    std::vector<std::string> out;
    for (const auto& v : r.value().items) out.push_back(v.id.value);
    EXPECT_EQ(r.value().total, static_cast<std::int64_t>(out.size()));
    return out;
  }

  VmQuery in_a() {
    VmQuery q;
    q.within_paths = {env.tenant_a.path};
    return q;
  }
};

TEST_F(VmListing, TagStateAndPrefixStayInsideTheSubtree) {
  auto q = in_a();
  q.tag = "prod";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"vm-a3", "vm-a1"}));  // ordered by name
  q.name_prefix = "web";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"vm-a1"}));
  q.name_prefix = "";
  q.state = VmState::kStopped;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"vm-a3"}));
  q = in_a();
  q.state = VmState::kStopped;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"vm-a3", "vm-a2"}));
  q.name_prefix = "w";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"vm-a2"}));
  q = in_a();
  q.tag = "pro";  // a tag is matched whole
  EXPECT_TRUE(ids(q).empty());
  q = in_a();
  q.within_paths = {env.tenant_a.path, system_b.path};
  q.tag = "prod";
  EXPECT_EQ(ids(q).size(), 3u);
  q.within_paths = {};
  EXPECT_TRUE(ids(q).empty());
}

TEST_F(VmListing, TheTagIndexFollowsRetaggingAndDeletion) {
  ASSERT_TRUE(env.store
                  ->transact([&](Tx& tx) -> Status {
                    auto vm = tx.compute().find_vm(VmId{"vm-a1"}).value();
                    vm.tags = {"staging"};
                    vm.state = VmState::kStopped;
                    tx.compute().update_vm(vm);
                    auto gone = tx.compute().find_vm(VmId{"vm-a3"}).value();
                    gone.state = VmState::kDeleted;
                    tx.compute().update_vm(gone);
                    return ok_status();
                  })
                  .ok());
  auto q = in_a();
  q.tag = "prod";
  EXPECT_TRUE(ids(q).empty());
  q.tag = "staging";
  EXPECT_EQ(ids(q), (std::vector<std::string>{"vm-a1"}));
  q.state = VmState::kRunning;
  EXPECT_TRUE(ids(q).empty());  // the tag index follows the state too
  q.state = VmState::kStopped;
  EXPECT_EQ(ids(q), (std::vector<std::string>{"vm-a1"}));
  q = in_a();
  q.include_deleted = true;
  EXPECT_EQ(ids(q).size(), 3u);
  q.include_deleted = false;
  EXPECT_EQ(ids(q).size(), 2u);
}

}  // namespace
}  // namespace govcloud
