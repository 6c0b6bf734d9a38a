// Server configuration. Sources, weakest first: built-in defaults, a YAML file (--config),
// GOVCLOUD_* environment variables, command-line flags. Every source goes through set(), so a
// key means the same thing everywhere: YAML `password: {min_length: 12}` ==
// GOVCLOUD_PASSWORD_MIN_LENGTH=12 == --set password.min_length=12.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace govcloud {

struct PasswordPolicy {
  int min_length = 10;
  int min_classes = 3;     // of lower, upper, digit, symbol
  int max_age_days = 180;  // IAM-12: rotated every six months
  int history = 5;         // the last N passwords cannot be reused (issue 8 §14); 0: off
};

// Where the audit chain is vouched for outside the database (issue 8 §1).
struct AuditSealConfig {
  std::string checkpoint_file;  // default <data_dir>/audit-checkpoints.log
  std::string syslog;           // "host:port" of an RFC 5424 receiver over UDP; empty: none
  int checkpoint_seconds = 10;  // cadence while the trail grows
};

// Password checks per minute (issue 8 §5), each the sustained rate and the burst.
struct PasswordRateLimit {
  int per_user_per_minute = 10;
  int per_source_per_minute = 60;
};

struct LockoutPolicy {
  int max_failures = 5;  // IAM-13
  int lock_minutes = 15;
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  int threads = 0;  // 0: one per core
  std::int64_t max_body_bytes = 1 << 20;
  int token_ttl_minutes = 480;
  int max_assume_minutes = 60;  // IAM-07: role assumption is bounded
  bool access_log = true;
  bool require_totp_for_admins = false;  // IAM-14, see docs/decisions/0004
  std::string bootstrap_password;        // GOVCLOUD_BOOTSTRAP_PASSWORD
  bool demo = false;                     // seed a demo management unit and tenant on first start
  bool test_clock = false;
  // The platform's time zone: dates (price effective dates, reports) are its calendar days.
  std::string timezone = "Asia/Shanghai";
  int utc_offset_minutes = 480;    // test builds only (`serve --test-clock`); no config key sets it
  int audit_retention_days = 366;  // AUD-02: at least a year
  // CMP-07: the platform's CPU frequency floor per architecture, in MHz (0: none). The seeds
  // ask 2200 (x86, C86) and 2400 (ARM), some 2400 for all; a request may ask more, never less.
  int cpu_floor_mhz_x86 = 0;
  int cpu_floor_mhz_arm = 0;
  int cpu_floor_mhz_c86 = 0;
  // Keys that must not be in the database (audit chain, TOTP secrets); default <data_dir>/keys.
  std::string keys_dir;
  PasswordPolicy password;
  LockoutPolicy lockout;
  PasswordRateLimit password_rate;
  AuditSealConfig audit;

  std::string keys_path() const { return keys_dir.empty() ? data_dir + "/keys" : keys_dir; }
  std::string checkpoint_path() const {
    return audit.checkpoint_file.empty() ? data_dir + "/audit-checkpoints.log"
                                         : audit.checkpoint_file;
  }

  // key is dotted lower case ("password.min_length"); value is text.
  Status set(const std::string& key, const std::string& value);
  Status load_yaml_file(const std::string& path);
  // Reads GOVCLOUD_<KEY> for every known key, '.' written as '_'.
  Status load_env();
  static std::vector<std::string> keys();
};

}  // namespace govcloud
