#include "iam/password.h"

#include <argon2.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "common/digest.h"

namespace govcloud {
namespace {

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr std::size_t kSaltLen = 16;
constexpr std::size_t kHashLen = 32;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string hash_password(const std::string& password) {
  Bytes salt = random_bytes(kSaltLen);
  std::size_t len = argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltLen, kHashLen, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashLen, encoded.data(), len);
  if (rc != ARGON2_OK) throw std::runtime_error(argon2_error_message(rc));
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool verify_password(const std::string& encoded_hash, const std::string& password) {
  if (encoded_hash.empty()) return false;
  return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Status check_password_policy(const PasswordPolicy& policy, const std::string& username,
                             const std::string& password, const std::string& field) {
  if (static_cast<int>(password.size()) < policy.min_length)
    return invalid(
        field, "password must be at least " + std::to_string(policy.min_length) + " characters");
  if (password.size() > 256) return invalid(field, "password must be at most 256 characters");
  bool lo = false, up = false, digit = false, sym = false;
  for (unsigned char c : password) {
    if (std::islower(c))
      lo = true;
    else if (std::isupper(c))
      up = true;
    else if (std::isdigit(c))
      digit = true;
    else
      sym = true;
  }
  int classes = lo + up + digit + sym;
  if (classes < policy.min_classes)
    return invalid(field, "password must mix at least " + std::to_string(policy.min_classes) +
                              " of: lower case, upper case, digits, symbols");
  if (!username.empty() && lower(password).find(lower(username)) != std::string::npos)
    return invalid(field, "password must not contain the user name");
  return ok_status();
}

std::string generate_password() {
  // 18 base64url characters plus fixed classes so every policy's class rule is met.
  return "Gc1!" + base64url(random_bytes(14));
}

void end_sign_ins(Tx& tx, const UserId& user) {
  tx.delete_sessions_for_user(user);
  tx.revoke_api_keys_for_user(user);
}

void set_one_time_password(User& user, const std::string& password, TimeMs now) {
  // The replaced password stays in the history, so a reset is no way back to it.
  if (!user.password_hash.empty()) {
    user.password_history.insert(user.password_history.begin(), user.password_hash);
    if (user.password_history.size() > kMaxPasswordHistory)
      user.password_history.resize(kMaxPasswordHistory);
  }
  user.password_hash = hash_password(password);
  user.password_changed_at = now;
  user.must_change_password = true;
  user.failed_logins = 0;
  user.locked_until = 0;
  user.updated_at = now;
}

}  // namespace govcloud
