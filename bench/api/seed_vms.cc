// Fills a stopped server's store with VMs of one business system, for the list-VMs benchmark
// (issue 9: listing 100,000 VMs filtered by tenant and name prefix stays fast). The rows are
// what provisioning writes; no engine is involved, the benchmark only reads them.
//   seed_vms DATA_DIR COUNT SYSTEM_ORG_ID
#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/compute_tx.h"
#include "store/store.h"

int main(int argc, char** argv) {
  using namespace govcloud;
  if (argc != 4) {
    std::fprintf(stderr, "usage: seed_vms DATA_DIR COUNT SYSTEM_ORG_ID\n");
    return 2;
  }
  auto opened = open_sqlite_store(argv[1]);
  if (!opened.ok()) {
    std::fprintf(stderr, "seed_vms: %s\n", opened.error().message.c_str());
    return 1;
  }
  auto& store = *opened.value();
  int count = std::atoi(argv[2]);
  const char* kTiers[] = {"web", "db", "app", "cache", "batch"};
  constexpr int kBatch = 5000;
  for (int start = 0; start < count; start += kBatch) {
    auto done = store.transact([&](Tx& tx) -> Status {
      auto system = tx.find_org(OrgId{argv[3]});
      if (!system) return not_found("org");
      for (int i = start; i < start + kBatch && i < count; ++i) {
        Vm vm;
        vm.id = VmId{"vm-bench-" + std::to_string(i)};
        vm.name = std::string(kTiers[i % 5]) + "-" + std::to_string(i);
        vm.org_id = system->id.value;
        vm.org_path = system->path;
        vm.owner = "bench";
        vm.state = i % 7 == 0 ? VmState::kStopped : VmState::kRunning;
        vm.vcpu = 2;
        vm.memory_mb = 4096;
        vm.disk_gb = 40;
        vm.image_id = "img-bench";
        vm.ip = "10.200." + std::to_string(i / 250 % 256) + "." + std::to_string(i % 250 + 2);
        vm.tags = {i % 2 ? "prod" : "test"};
        tx.compute().insert_vm(vm);
      }
      return ok_status();
    });
    if (!done.ok()) {
      std::fprintf(stderr, "seed_vms: %s\n", done.error().message.c_str());
      return 1;
    }
  }
  std::printf("seeded %d VMs\n", count);
  return 0;
}
