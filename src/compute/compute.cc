#include "compute/compute.h"

namespace govcloud {

const char* domain_state_name(DomainState s) {
  switch (s) {
    case DomainState::kRunning:
      return "running";
    case DomainState::kShutOff:
      return "shut off";
    case DomainState::kPaused:
      return "paused";
    case DomainState::kCrashed:
      return "crashed";
  }
  return "shut off";
}

}  // namespace govcloud
