#include "model/vm.h"

#include <array>

namespace govcloud {
namespace {

constexpr std::array kVmStates = {VmState::kCreating,  VmState::kRunning,  VmState::kStopped,
                                  VmState::kStarting,  VmState::kStopping, VmState::kRebooting,
                                  VmState::kDeleting,  VmState::kResizing, VmState::kSnapshotting,
                                  VmState::kReverting, VmState::kCloning,  VmState::kMigrating, VmState::kDeleted,
                                  VmState::kError};

}  // namespace

const char* vm_state_name(VmState s) {
  switch (s) {
    case VmState::kCreating:
      return "creating";
    case VmState::kRunning:
      return "running";
    case VmState::kStopped:
      return "stopped";
    case VmState::kStarting:
      return "starting";
    case VmState::kStopping:
      return "stopping";
    case VmState::kRebooting:
      return "rebooting";
    case VmState::kDeleting:
      return "deleting";
    case VmState::kResizing:
      return "resizing";
    case VmState::kSnapshotting:
      return "snapshotting";
    case VmState::kReverting:
      return "reverting";
    case VmState::kCloning:
      return "cloning";
    case VmState::kMigrating:
      return "migrating";
    case VmState::kDeleted:
      return "deleted";
    case VmState::kError:
      return "error";
  }
  return "error";
}

std::optional<VmState> parse_vm_state(std::string_view text) {
  for (VmState s : kVmStates)
    if (text == vm_state_name(s)) return s;
  return std::nullopt;
}

}  // namespace govcloud
