// TOTP two-factor codes, RFC 6238 (IAM-14).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/digest.h"

namespace govcloud {

struct TotpParams {
  int digits = 6;
  int step_seconds = 30;
  const char* digest = "SHA1";  // RFC 6238 also defines SHA256 and SHA512
};

// The code for Unix time `unix_seconds`, zero-padded to params.digits.
std::string totp_code(const Bytes& secret, std::int64_t unix_seconds,
                      const TotpParams& params = {});
// Accepts the code of the current step or of `window` steps either side (clock drift).
bool totp_verify(const Bytes& secret, const std::string& code, std::int64_t unix_seconds,
                 int window = 1, const TotpParams& params = {});
// The time step whose code `code` is (the current one or `window` either side), if any; for
// refusing a step at or before the last one accepted (RFC 6238 §5.2, no replay).
std::optional<std::int64_t> totp_match_step(const Bytes& secret, const std::string& code,
                                            std::int64_t unix_seconds, int window = 1,
                                            const TotpParams& params = {});
// otpauth:// URI for authenticator apps.
std::string totp_uri(const std::string& issuer, const std::string& account,
                     const std::string& base32_secret);

}  // namespace govcloud
