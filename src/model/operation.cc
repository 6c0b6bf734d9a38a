#include "model/operation.h"

namespace govcloud {

const char* op_state_name(OpState s) {
  switch (s) {
    case OpState::kRunning:
      return "running";
    case OpState::kSucceeded:
      return "succeeded";
    case OpState::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<OpState> parse_op_state(std::string_view text) {
  for (OpState s : {OpState::kRunning, OpState::kSucceeded, OpState::kFailed})
    if (text == op_state_name(s)) return s;
  return std::nullopt;
}

}  // namespace govcloud
