// Thin wrappers over OpenSSL 3 for hashing, MACs, randomness and the text encodings the
// platform needs (hex, base32 for TOTP secrets, base64url for tokens). SM3 is the digest used
// for the audit chain (AUD-01).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace govcloud {

using Bytes = std::vector<std::uint8_t>;

Bytes sm3(std::string_view data);
Bytes sha256(std::string_view data);
// The SHA-256 of a file read in chunks; empty if it cannot be read.
Bytes sha256_file(const std::string& path);
// name: "SHA1", "SHA256" or "SHA512".
Bytes hmac(const char* digest_name, const Bytes& key, const Bytes& message);
Bytes random_bytes(std::size_t n);

std::string to_hex(const Bytes& bytes);
std::string base64url(const Bytes& bytes);
// Standard base64 (RFC 4648 §4) with padding; decoding ignores whitespace.
bool base64_decode(std::string_view text, std::string& out);
std::string base32_encode(const Bytes& bytes);
// Returns false on characters outside RFC 4648 base32 (padding and spaces are ignored).
bool base32_decode(std::string_view text, Bytes& out);

// Compares without early exit, for secrets.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace govcloud
