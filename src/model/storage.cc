#include "model/storage.h"

#include <array>

namespace govcloud {

namespace {
constexpr std::array kVolumeStates = {
    VolumeState::kCreating,     VolumeState::kAvailable, VolumeState::kInUse,
    VolumeState::kAttaching,    VolumeState::kDetaching, VolumeState::kResizing,
    VolumeState::kSnapshotting, VolumeState::kRestoring, VolumeState::kDeleting,
    VolumeState::kDeleted,      VolumeState::kError};
}  // namespace

const char* volume_state_name(VolumeState s) {
  switch (s) {
    case VolumeState::kCreating:
      return "creating";
    case VolumeState::kAvailable:
      return "available";
    case VolumeState::kInUse:
      return "in_use";
    case VolumeState::kAttaching:
      return "attaching";
    case VolumeState::kDetaching:
      return "detaching";
    case VolumeState::kResizing:
      return "resizing";
    case VolumeState::kSnapshotting:
      return "snapshotting";
    case VolumeState::kRestoring:
      return "restoring";
    case VolumeState::kDeleting:
      return "deleting";
    case VolumeState::kDeleted:
      return "deleted";
    case VolumeState::kError:
      return "error";
  }
  return "error";
}

std::optional<VolumeState> parse_volume_state(std::string_view text) {
  for (VolumeState s : kVolumeStates)
    if (text == volume_state_name(s)) return s;
  return std::nullopt;
}

const char* volume_purpose_name(VolumePurpose p) {
  return p == VolumePurpose::kBackup ? "backup" : "business";
}

std::optional<VolumePurpose> parse_volume_purpose(std::string_view text) {
  if (text == "business") return VolumePurpose::kBusiness;
  if (text == "backup") return VolumePurpose::kBackup;
  return std::nullopt;
}

}  // namespace govcloud
