#include "model/compute.h"

namespace govcloud {

const char* arch_name(Arch a) {
  switch (a) {
    case Arch::kX86:
      return "x86";
    case Arch::kArm:
      return "arm";
    case Arch::kC86:
      return "c86";
  }
  return "x86";
}

std::optional<Arch> parse_arch(std::string_view text) {
  if (text == "x86" || text == "x86_64") return Arch::kX86;
  if (text == "arm" || text == "aarch64") return Arch::kArm;
  if (text == "c86") return Arch::kC86;
  return std::nullopt;
}

const char* host_state_name(HostState s) {
  switch (s) {
    case HostState::kUp:
      return "up";
    case HostState::kDown:
      return "down";
    case HostState::kMaintenance:
      return "maintenance";
    case HostState::kFenced:
      return "fenced";
  }
  return "down";
}

std::optional<HostState> parse_host_state(std::string_view text) {
  for (HostState s :
       {HostState::kUp, HostState::kDown, HostState::kMaintenance, HostState::kFenced})
    if (text == host_state_name(s)) return s;
  return std::nullopt;
}

}  // namespace govcloud
