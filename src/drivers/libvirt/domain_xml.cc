#include "drivers/libvirt/domain_xml.h"

#include <cstdio>

namespace govcloud::libvirt {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool parse_pci_address(const std::string& text, unsigned& domain, unsigned& bus, unsigned& slot,
                       unsigned& function) {
  char tail = 0;
  return std::sscanf(text.c_str(), "%4x:%2x:%2x.%1x%c", &domain, &bus, &slot, &function, &tail) ==
             4 &&
         slot < 32 && function < 8;
}

namespace {

std::string hex(unsigned v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", width, v);
  return buf;
}

const char* machine_arch(Arch a) {
  return a == Arch::kArm ? "aarch64" : "x86_64";
}

}  // namespace

std::string domain_xml(const DomainSpec& spec, const std::string& virt_type,
                       const std::string& pool, const std::string& volume,
                       const std::string& console_log) {
  std::string x = "<domain type='" + xml_escape(virt_type) + "'>\n";
  x += "  <name>" + xml_escape(spec.name) + "</name>\n";
  if (!spec.uuid.empty()) x += "  <uuid>" + xml_escape(spec.uuid) + "</uuid>\n";
  x += "  <memory unit='MiB'>" + std::to_string(spec.memory_mb) + "</memory>\n";
  x += "  <vcpu>" + std::to_string(spec.vcpu) + "</vcpu>\n";
  x += "  <os>\n    <type arch='" + std::string(machine_arch(spec.arch)) + "' machine='" +
       (spec.arch == Arch::kArm ? "virt" : "pc") + "'>hvm</type>\n";
  if (!spec.kernel.empty()) {
    x += "    <kernel>" + xml_escape(spec.kernel) + "</kernel>\n";
    if (!spec.initrd.empty()) x += "    <initrd>" + xml_escape(spec.initrd) + "</initrd>\n";
    if (!spec.cmdline.empty()) x += "    <cmdline>" + xml_escape(spec.cmdline) + "</cmdline>\n";
  }
  x += "    <boot dev='hd'/>\n  </os>\n";
  x += "  <features><acpi/></features>\n";
  x += "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n";
  x += "  <on_crash>restart</on_crash>\n";
  x += "  <devices>\n";
  x += "    <disk type='volume' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n";
  x += "      <source pool='" + xml_escape(pool) + "' volume='" + xml_escape(volume) + "'/>\n";
  x += "      <target dev='vda' bus='virtio'/>\n    </disk>\n";
  if (!spec.network.name.empty()) {
    x += "    <interface type='network'>\n";
    if (!spec.mac.empty()) x += "      <mac address='" + xml_escape(spec.mac) + "'/>\n";
    x += "      <source network='" + xml_escape(spec.network.name) + "'/>\n";
    x += "      <model type='virtio'/>\n    </interface>\n";
  }
  // The serial console, also kept in a log file the platform can read back.
  x += "    <serial type='pty'>\n      <target port='0'/>\n";
  if (!console_log.empty())
    x += "      <log file='" + xml_escape(console_log) + "' append='on'/>\n";
  x += "    </serial>\n";
  x += "    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n";
  x += "    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>\n";
  if (spec.watchdog) x += "    <watchdog model='i6300esb' action='reset'/>\n";
  for (const auto& dev : spec.accelerators) {
    unsigned d = 0, b = 0, s = 0, f = 0;
    if (!parse_pci_address(dev, d, b, s, f)) continue;  // validated when the host registered
    x += "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n";
    x += "        <address domain='" + hex(d, 4) + "' bus='" + hex(b, 2) + "' slot='" + hex(s, 2) +
         "' function='" + hex(f, 1) + "'/>\n";
    x += "      </source>\n    </hostdev>\n";
  }
  x += "  </devices>\n</domain>\n";
  return x;
}

std::string volume_xml(const std::string& name, std::int64_t disk_gb,
                       const std::string& backing_path, const std::string& backing_format,
                       const std::string& format) {
  std::string x = "<volume>\n  <name>" + xml_escape(name) + "</name>\n";
  x += "  <capacity unit='G'>" + std::to_string(disk_gb) + "</capacity>\n";
  x += "  <allocation>0</allocation>\n";
  x += "  <target><format type='" + xml_escape(format) + "'/></target>\n";
  if (!backing_path.empty())
    x += "  <backingStore><path>" + xml_escape(backing_path) + "</path><format type='" +
         xml_escape(backing_format.empty() ? "qcow2" : backing_format) + "'/></backingStore>\n";
  return x + "</volume>\n";
}

std::string disk_xml(const DiskSpec& disk, const std::string& pool, const std::string& file) {
  const bool shared = disk.volume.shareable;
  std::string x = "<disk type='volume' device='disk'>\n";
  x += std::string("  <driver name='qemu' type='") + (shared ? "raw' cache='none'" : "qcow2'") +
       "/>\n";
  x += "  <source pool='" + xml_escape(pool) + "' volume='" + xml_escape(file) + "'/>\n";
  x += "  <target dev='" + xml_escape(disk.target) + "' bus='virtio'/>\n";
  // virtio-blk serials hold 20 bytes: the volume id ("vol-" and 16 hex digits) fits.
  std::string serial =
      disk.volume.name.rfind("gcv-", 0) == 0 ? disk.volume.name.substr(4) : disk.volume.name;
  x += "  <serial>" + xml_escape(serial.substr(0, 20)) + "</serial>\n";
  if (disk.limits.iops > 0 || disk.limits.bytes_per_sec > 0) {
    x += "  <iotune>\n";
    if (disk.limits.iops > 0)
      x += "    <total_iops_sec>" + std::to_string(disk.limits.iops) + "</total_iops_sec>\n";
    if (disk.limits.bytes_per_sec > 0)
      x += "    <total_bytes_sec>" + std::to_string(disk.limits.bytes_per_sec) +
           "</total_bytes_sec>\n";
    x += "  </iotune>\n";
  }
  if (shared) x += "  <shareable/>\n";
  return x + "</disk>\n";
}

std::string network_xml(const NetworkSpec& net) {
  std::string base = net.gateway.substr(0, net.gateway.rfind('.') + 1);
  std::string x = "<network>\n  <name>" + xml_escape(net.name) + "</name>\n";
  x += "  <bridge name='" + xml_escape(net.bridge) + "' stp='off' delay='0'/>\n";
  x += "  <ip address='" + xml_escape(net.gateway) + "' netmask='255.255.255.0'>\n";
  x += "    <dhcp>\n      <range start='" + xml_escape(base) + "10' end='" + xml_escape(base) +
       "254'/>\n    </dhcp>\n  </ip>\n</network>\n";
  return x;
}

std::string dhcp_host_xml(const std::string& mac, const std::string& ip, const std::string& name) {
  return "<host mac='" + xml_escape(mac) + "' name='" + xml_escape(name) + "' ip='" +
         xml_escape(ip) + "'/>";
}

std::string pool_xml(const std::string& name, const std::string& dir) {
  return "<pool type='dir'>\n  <name>" + xml_escape(name) + "</name>\n  <target><path>" +
         xml_escape(dir) + "</path></target>\n</pool>\n";
}

}  // namespace govcloud::libvirt
