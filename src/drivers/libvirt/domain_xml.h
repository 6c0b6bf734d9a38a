// The libvirt XML govcloud writes: domains (guests), volumes (system disks over a base image)
// and isolated networks with DHCP. Pure functions, so every element — the i6300esb watchdog
// (CMP-15), PCI passthrough of GPUs/NPUs as <hostdev> (CMP-17), direct kernel boot — is checked
// by unit tests on machines that have no GPU or KVM.
#pragma once

#include <string>

#include "compute/compute.h"
#include "storage/storage.h"

namespace govcloud::libvirt {

// `virt_type` is "kvm" on hosts with hardware virtualisation, "qemu" (TCG) elsewhere.
std::string domain_xml(const DomainSpec& spec, const std::string& virt_type,
                       const std::string& pool, const std::string& volume,
                       const std::string& console_log);
std::string volume_xml(const std::string& name, std::int64_t disk_gb,
                       const std::string& backing_path, const std::string& backing_format,
                       const std::string& format = "qcow2");
// A data volume on a guest (issue 10): virtio, the volume's serial, the tier's iotune, and
// <shareable/> with the host cache off for volumes several guests write.
std::string disk_xml(const DiskSpec& disk, const std::string& pool, const std::string& file);
// An isolated network: a bridge, the host's address on it, DHCP for .10–.254.
std::string network_xml(const NetworkSpec& net);
// One static DHCP entry: the address IPAM gave this MAC.
std::string dhcp_host_xml(const std::string& mac, const std::string& ip, const std::string& name);
std::string pool_xml(const std::string& name, const std::string& dir);

// "0000:3b:00.0" → domain, bus, slot, function; false if malformed.
bool parse_pci_address(const std::string& text, unsigned& domain, unsigned& bus, unsigned& slot,
                       unsigned& function);
// Escapes &, <, >, ' and " for attribute and text content.
std::string xml_escape(const std::string& s);

}  // namespace govcloud::libvirt
