// Password hashing (argon2id) and the password policy (IAM-12).
#pragma once

#include <string>

#include "common/clock.h"
#include "common/config.h"
#include "common/result.h"
#include "model/iam.h"
#include "store/store.h"

namespace govcloud {

// PHC-format argon2id hash with a random salt.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& encoded_hash, const std::string& password);
// Names the rule a weak password breaks; field is "password" unless given.
Status check_password_policy(const PasswordPolicy& policy, const std::string& username,
                             const std::string& password, const std::string& field = "password");
// A random password that satisfies any policy (for resets and bootstrap).
std::string generate_password();
// The most earlier hashes kept (password.history is at most this plus one).
inline constexpr std::size_t kMaxPasswordHistory = 24;

// A password someone else chose (a reset, a recovery): hashed, to be changed at the next
// sign-in, the account unlocked. The caller ends the user's sessions and writes the audit record.
void set_one_time_password(User& user, const std::string& password, TimeMs now);
// Ends everything that signed in with the old password — sessions (and the sessions assumed
// from them) and API keys — after a reset or a recovery (issue 8 §11).
void end_sign_ins(Tx& tx, const UserId& user);

}  // namespace govcloud
