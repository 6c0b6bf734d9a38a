// Owning handles for libvirt objects and the driver's error helper, shared by the files of the
// libvirt driver (not part of any module's face).
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <memory>
#include <string>

#include "common/result.h"

namespace govcloud::libvirt {

inline std::string last_error() {
  const char* m = virGetLastErrorMessage();
  return m ? m : "unknown libvirt error";
}

inline Error engine_error(const std::string& what) {
  return Error{ErrorCode::kConflict, what + ": " + last_error(), {}};
}

struct DomainFree {
  void operator()(virDomainPtr d) const { virDomainFree(d); }
};
struct NetworkFree {
  void operator()(virNetworkPtr n) const { virNetworkFree(n); }
};
struct PoolFree {
  void operator()(virStoragePoolPtr p) const { virStoragePoolFree(p); }
};
struct VolFree {
  void operator()(virStorageVolPtr v) const { virStorageVolFree(v); }
};
struct SnapshotFree {
  void operator()(virDomainSnapshotPtr s) const { virDomainSnapshotFree(s); }
};
using Domain = std::unique_ptr<virDomain, DomainFree>;
using Network = std::unique_ptr<virNetwork, NetworkFree>;
using Pool = std::unique_ptr<virStoragePool, PoolFree>;
using Vol = std::unique_ptr<virStorageVol, VolFree>;
using DomainSnapshot = std::unique_ptr<virDomainSnapshot, SnapshotFree>;

}  // namespace govcloud::libvirt
