// Text that leaves govcloud — audit records, JSON answers — is valid UTF-8: invalid bytes
// (from a percent-decoded path, a header) are replaced at the boundary (issue 8 §9).
#pragma once

#include <string>
#include <string_view>

namespace govcloud {

bool is_valid_utf8(std::string_view s);
// `s` with every byte that does not start or continue a valid UTF-8 sequence replaced by
// U+FFFD; overlong forms, surrogates and code points above U+10FFFF count as invalid.
std::string valid_utf8(std::string_view s);

}  // namespace govcloud
