// The demo's compute (issue 9): this machine as a libvirt host when libvirtd answers, else a
// sim host — said clearly either way — and a global image the demo tenant can boot.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "common/process.h"
#include "drivers/libvirt/libvirt_compute.h"
#include "server/demo.h"

namespace govcloud {

Status seed_demo_compute(ComputeService& compute, VmService& vms, Store& store,
                         const std::string& data_dir) {
  auto root = store.read([](Tx& tx) -> Result<Org> {
    auto r = tx.find_root_org();
    if (!r) return not_found("platform root");
    return *r;
  });
  if (!root.ok()) return root.error();
  Principal installer = demo_installer(root.value(), {Role::kSysAdmin});
  RequestContext ctx{"local", "demo-seed"};

  NewHost host{"local-01", "dc1", "general", "egov", "sim", "sim://?cores=32&memory_gb=128"};
  if (LibvirtComputeDriver::reachable("qemu:///system")) {
    host.driver = "libvirt";
    host.uri = "qemu:///system";
    std::cout << "govcloud: compute: libvirtd answers at qemu:///system; VMs are real QEMU "
                 "guests on this machine (host local-01)"
              << std::endl;
  } else {
    std::cout << "govcloud: compute: libvirtd is not reachable at qemu:///system; FALLING BACK "
                 "to the sim driver: VMs are simulated in-process (host local-01). Start "
                 "libvirtd and virtlogd as root and register a libvirt host to run real guests."
              << std::endl;
  }
  GC_TRY(compute.register_host(installer, host, ctx));

  // The tiny guest scripts/run builds (tests/e2e/build-guest), or a blank disk without it.
  std::string imports = data_dir + "/image-imports";
  std::error_code ec;
  std::filesystem::create_directories(imports, ec);
  NewImage img;
  img.name = "demo-guest";
  img.scope = "global";
  if (std::filesystem::exists(imports + "/vmlinuz") &&
      std::filesystem::exists(imports + "/initrd.img") &&
      std::filesystem::exists(imports + "/disk.raw")) {
    img.source = "disk.raw";
    img.format = "raw";
    img.kernel = "vmlinuz";
    img.initrd = "initrd.img";
    img.cmdline = "console=ttyS0 panic=1";
  } else {
    img.source = "blank.qcow2";
    GC_ASSIGN_OR_RETURN(auto made, run_program({"qemu-img", "create", "-q", "-f", "qcow2",
                                                imports + "/blank.qcow2", "1G"}));
    if (made.exit_code != 0) return conflict("qemu-img create failed: " + made.out);
  }
  GC_TRY(vms.import_image(installer, img, ctx));
  return ok_status();
}

}  // namespace govcloud
