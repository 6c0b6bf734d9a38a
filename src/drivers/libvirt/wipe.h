// Secure delete on this machine (CMP-03, issue 10 §6): a disk file is overwritten in place with
// zeros and flushed, so the same blocks hold nothing when the file's space is reused.
#pragma once

#include <functional>
#include <string>

#include "common/result.h"

namespace govcloud::libvirt {

// `progress` (may be empty) hears 0–100 as the overwrite goes on.
Status overwrite_with_zeros(const std::string& path,
                            const std::function<void(int)>& progress = nullptr);

}  // namespace govcloud::libvirt
