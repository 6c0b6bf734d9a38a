// Secrets sealed for storage (issue 8 §10): SM4-CTR for secrecy and HMAC-SM3 over the IV and
// ciphertext for integrity (encrypt-then-MAC; OpenSSL 3.0 has no SM4-GCM), under a key kept
// outside the database. The text form is "sm4:" + hex(iv) + ":" + hex(ciphertext) + ":" +
// hex(mac).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/digest.h"

namespace govcloud {

bool is_sealed(std::string_view text);
std::string seal(const Bytes& key, std::string_view plain);
// nullopt when the text is not sealed under this key or was altered.
std::optional<std::string> unseal(const Bytes& key, std::string_view sealed);

}  // namespace govcloud
