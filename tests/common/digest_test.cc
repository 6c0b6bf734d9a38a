#include "common/digest.h"

#include <gtest/gtest.h>

#include "common/ids.h"

namespace govcloud {

TEST(Digest, Sm3MatchesTheStandardsExample) {
  // GB/T 32905-2016, example 1: SM3("abc").
  EXPECT_EQ(to_hex(sm3("abc")), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(Digest, Sha256MatchesKnownValue) {
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, Base32RoundTripsRfc4648Vectors) {
  auto bytes = [](const std::string& s) { return Bytes(s.begin(), s.end()); };
  EXPECT_EQ(base32_encode(bytes("foobar")), "MZXW6YTBOI");
  Bytes out;
  ASSERT_TRUE(base32_decode("MZXW6YTBOI======", out));
  EXPECT_EQ(std::string(out.begin(), out.end()), "foobar");
  EXPECT_FALSE(base32_decode("MZXW1", out));
}

TEST(Digest, Base64UrlHasNoPaddingOrUnsafeCharacters) {
  std::string s = base64url(random_bytes(32));
  EXPECT_EQ(s.size(), 43u);
  EXPECT_EQ(s.find_first_of("+/="), std::string::npos);
}

TEST(Digest, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
}

TEST(Ids, AreTypedRandomAndValidated) {
  std::string a = new_id("org"), b = new_id("org");
  EXPECT_NE(a, b);
  EXPECT_TRUE(is_valid_id(a, "org"));
  EXPECT_FALSE(is_valid_id(a, "usr"));
  EXPECT_FALSE(is_valid_id("org-123", "org"));
  EXPECT_FALSE(is_valid_id("org-ABCDEF0123456789", "org"));
  EXPECT_FALSE(is_valid_id("org-0123456789abcdef/", "org"));
}

}  // namespace govcloud
