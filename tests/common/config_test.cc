#include "common/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace govcloud {

TEST(Config, DefaultsAreSafe) {
  Config c;
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.password.max_age_days, 180);  // IAM-12
  EXPECT_GE(c.audit_retention_days, 366);   // AUD-02
}

TEST(Config, YamlThenEnvThenSetOverride) {
  std::string path = ::testing::TempDir() + "/govcloud_config_test.yaml";
  {
    std::ofstream f(path);
    f << "listen: 127.0.0.1:9000\npassword:\n  min_length: 14\nlockout:\n  max_failures: 3\n";
  }
  Config c;
  ASSERT_TRUE(c.load_yaml_file(path).ok());
  EXPECT_EQ(c.listen, "127.0.0.1:9000");
  EXPECT_EQ(c.password.min_length, 14);
  EXPECT_EQ(c.lockout.max_failures, 3);
  ::setenv("GOVCLOUD_PASSWORD_MIN_LENGTH", "16", 1);
  ASSERT_TRUE(c.load_env().ok());
  ::unsetenv("GOVCLOUD_PASSWORD_MIN_LENGTH");
  EXPECT_EQ(c.password.min_length, 16);
  ASSERT_TRUE(c.set("password.min_length", "20").ok());
  EXPECT_EQ(c.password.min_length, 20);
}

TEST(Config, BadValuesNameTheKey) {
  Config c;
  auto st = c.set("lockout.max_failures", "many");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "lockout.max_failures");
  EXPECT_FALSE(c.set("no_such_key", "1").ok());
  EXPECT_FALSE(c.set("audit_retention_days", "30").ok());  // below a year is refused
  EXPECT_FALSE(c.load_yaml_file("/nonexistent/govcloud.yaml").ok());
}

}  // namespace govcloud
