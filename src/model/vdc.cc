#include "model/vdc.h"

namespace govcloud {

const std::vector<ResourceKind>& resource_kinds() {
  // The quota-able resources of the catalog (TEN-05). Storage is per tier.
  static const std::vector<ResourceKind> kKinds = {
      {"vcpu", "core", "vCPU", "vCPU"},
      {"memory_gb", "GB", "内存", "Memory"},
      {"storage_normal_gb", "GB", "普通存储", "Standard block storage"},
      {"storage_performance_gb", "GB", "高性能存储", "High-performance block storage"},
      {"storage_backup_gb", "GB", "备份存储", "Backup storage"},
      {"storage_object_gb", "GB", "对象存储", "Object storage"},
      {"gpu", "card", "GPU", "GPU"},
      {"npu", "card", "NPU", "NPU"},
      {"public_ip", "address", "公网IP", "Public IP"},
      {"bandwidth_mbps", "Mbps", "互联网带宽", "Internet bandwidth"},
      {"load_balancer", "instance", "负载均衡", "Load balancer"},
      {"vpn_account", "account", "VPN账号", "VPN account"},
      {"bastion_account", "account", "堡垒机账号", "Bastion account"},
      {"physical_server", "server", "物理服务器", "Physical server"},
  };
  return kKinds;
}

const ResourceKind* find_resource_kind(std::string_view code) {
  for (const auto& k : resource_kinds()) {
    if (code == k.code) return &k;
  }
  return nullptr;
}

}  // namespace govcloud

namespace govcloud {

const char* reservation_owner_name(ReservationOwner o) {
  switch (o) {
    case ReservationOwner::kHold:
      return "hold";
    case ReservationOwner::kRequest:
      return "request";
    case ReservationOwner::kResource:
      return "resource";
    case ReservationOwner::kContract:
      return "contract";
    case ReservationOwner::kVm:
      return "vm";
    case ReservationOwner::kVolume:
      return "volume";
  }
  return "hold";
}

bool parse_reservation_owner(std::string_view s, ReservationOwner& out) {
  for (auto o : {ReservationOwner::kHold, ReservationOwner::kRequest, ReservationOwner::kResource,
                 ReservationOwner::kContract, ReservationOwner::kVm, ReservationOwner::kVolume}) {
    if (s == reservation_owner_name(o)) {
      out = o;
      return true;
    }
  }
  return false;
}

}  // namespace govcloud
