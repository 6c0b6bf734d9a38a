#include "iam/totp.h"

#include <gtest/gtest.h>

namespace govcloud {

// RFC 6238 Appendix B: 8-digit codes with the ASCII seeds of each hash's length.
struct Vector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

const Vector kVectors[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

Bytes seed(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

TEST(Totp, MatchesRfc6238TestVectors) {
  Bytes k1 = seed("12345678901234567890");
  Bytes k256 = seed("12345678901234567890123456789012");
  Bytes k512 = seed("1234567890123456789012345678901234567890123456789012345678901234");
  for (const auto& v : kVectors) {
    EXPECT_EQ(totp_code(k1, v.time, {8, 30, "SHA1"}), v.sha1) << v.time;
    EXPECT_EQ(totp_code(k256, v.time, {8, 30, "SHA256"}), v.sha256) << v.time;
    EXPECT_EQ(totp_code(k512, v.time, {8, 30, "SHA512"}), v.sha512) << v.time;
  }
}

TEST(Totp, VerifyAcceptsAdjacentStepsOnly) {
  Bytes k = seed("12345678901234567890");
  std::string code = totp_code(k, 1000 * 30);
  EXPECT_TRUE(totp_verify(k, code, 1000 * 30));
  EXPECT_TRUE(totp_verify(k, code, 1001 * 30));
  EXPECT_FALSE(totp_verify(k, code, 1003 * 30));
  EXPECT_FALSE(totp_verify(k, "12345", 1000 * 30));
  EXPECT_FALSE(totp_verify(k, "", 1000 * 30));
}

TEST(Totp, UriNamesIssuerAndSecret) {
  EXPECT_EQ(totp_uri("govcloud", "alice", "ABC"),
            "otpauth://totp/govcloud:alice?secret=ABC&issuer=govcloud&algorithm=SHA1&digits=6&"
            "period=30");
}

}  // namespace govcloud
