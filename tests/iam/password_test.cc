#include "iam/password.h"

#include <gtest/gtest.h>

namespace govcloud {

TEST(Password, HashIsArgon2idAndVerifies) {
  std::string h = hash_password("Correct#Horse9");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "Correct#Horse9"));
  EXPECT_FALSE(verify_password(h, "correct#horse9"));
  EXPECT_NE(hash_password("Correct#Horse9"), h);  // salted
  EXPECT_FALSE(verify_password("", "x"));
}

TEST(Password, PolicyNamesTheBrokenRule) {
  PasswordPolicy p;
  auto too_short = check_password_policy(p, "alice", "Ab1!");
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.error().field, "password");
  EXPECT_NE(too_short.error().message.find("at least 10"), std::string::npos);
  auto simple = check_password_policy(p, "alice", "abcdefghijkl");
  ASSERT_FALSE(simple.ok());
  EXPECT_NE(simple.error().message.find("mix"), std::string::npos);
  auto named = check_password_policy(p, "alice", "Xalice#2026x");
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.error().message.find("user name"), std::string::npos);
  EXPECT_TRUE(check_password_policy(p, "alice", "Gov#Cloud2026").ok());
}

TEST(Password, GeneratedPasswordsMeetTheStrictestPolicy) {
  PasswordPolicy strict{16, 4, 180};
  for (int i = 0; i < 20; ++i) {
    std::string pw = generate_password();
    EXPECT_TRUE(check_password_policy(strict, "admin", pw).ok()) << pw;
  }
}

}  // namespace govcloud
