#include "iam/totp.h"

namespace govcloud {

std::string totp_code(const Bytes& secret, std::int64_t unix_seconds, const TotpParams& params) {
  std::uint64_t counter = static_cast<std::uint64_t>(unix_seconds / params.step_seconds);
  Bytes msg(8);
  for (int i = 7; i >= 0; --i) {
    msg[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  Bytes mac = hmac(params.digest, secret, msg);
  std::size_t offset = mac.back() & 0x0f;
  std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                      (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                      (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                      static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t mod = 1;
  for (int i = 0; i < params.digits; ++i) mod *= 10;
  std::string code = std::to_string(bin % mod);
  return std::string(static_cast<std::size_t>(params.digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> totp_match_step(const Bytes& secret, const std::string& code,
                                            std::int64_t unix_seconds, int window,
                                            const TotpParams& params) {
  if (code.size() != static_cast<std::size_t>(params.digits)) return std::nullopt;
  std::optional<std::int64_t> matched;
  // Every candidate is compared, matched or not, so the time does not tell which step matched.
  for (int w = -window; w <= window; ++w) {
    std::int64_t at = unix_seconds + static_cast<std::int64_t>(w) * params.step_seconds;
    if (constant_time_equal(totp_code(secret, at, params), code))
      matched = at / params.step_seconds;
  }
  return matched;
}

bool totp_verify(const Bytes& secret, const std::string& code, std::int64_t unix_seconds,
                 int window, const TotpParams& params) {
  return totp_match_step(secret, code, unix_seconds, window, params).has_value();
}

std::string totp_uri(const std::string& issuer, const std::string& account,
                     const std::string& base32_secret) {
  return "otpauth://totp/" + issuer + ":" + account + "?secret=" + base32_secret +
         "&issuer=" + issuer + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace govcloud
