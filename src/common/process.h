// Runs a helper program (qemu-img) without a shell: arguments are passed as they are, so no
// value can be read as shell syntax. Captures what it prints.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace govcloud {

struct ProgramOutput {
  int exit_code = -1;
  std::string out;  // stdout and stderr together, at most 1 MiB
};

// argv[0] is looked up in PATH. An error means it could not be started at all.
Result<ProgramOutput> run_program(const std::vector<std::string>& argv);

}  // namespace govcloud
