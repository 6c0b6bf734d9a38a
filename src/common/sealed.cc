#include "common/sealed.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "common/secret_file.h"

namespace govcloud {
namespace {

constexpr std::string_view kPrefix = "sm4:";

// Separate keys for the cipher and the MAC, both derived from the one stored key.
Bytes derive(const Bytes& key, std::string_view label, std::size_t size) {
  Bytes out = hmac("SM3", key, Bytes(label.begin(), label.end()));
  out.resize(size);
  return out;
}

Bytes sm4_ctr(const Bytes& key, const Bytes& iv, const Bytes& in) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  const EVP_CIPHER* cipher = EVP_get_cipherbyname("SM4-CTR");
  if (!ctx || cipher == nullptr) throw std::runtime_error("SM4-CTR unavailable");
  Bytes out(in.size() + 16);
  int len = 0, tail = 0;
  if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1)
    throw std::runtime_error("SM4-CTR failed");
  out.resize(static_cast<std::size_t>(len) + static_cast<std::size_t>(tail));
  return out;
}

Bytes mac_of(const Bytes& key, const Bytes& iv, const Bytes& ct) {
  Bytes msg = iv;
  msg.insert(msg.end(), ct.begin(), ct.end());
  return hmac("SM3", derive(key, "govcloud seal mac v1", 32), msg);
}

}  // namespace

bool is_sealed(std::string_view text) {
  return text.substr(0, kPrefix.size()) == kPrefix;
}

std::string seal(const Bytes& key, std::string_view plain) {
  Bytes iv = random_bytes(16);
  Bytes ct =
      sm4_ctr(derive(key, "govcloud seal cipher v1", 16), iv, Bytes(plain.begin(), plain.end()));
  return std::string(kPrefix) + to_hex(iv) + ":" + to_hex(ct) + ":" + to_hex(mac_of(key, iv, ct));
}

std::optional<std::string> unseal(const Bytes& key, std::string_view sealed) {
  if (!is_sealed(sealed)) return std::nullopt;
  std::string_view rest = sealed.substr(kPrefix.size());
  auto a = rest.find(':');
  auto b = rest.rfind(':');
  if (a == std::string_view::npos || a == b) return std::nullopt;
  Bytes iv, ct, mac;
  if (!from_hex(rest.substr(0, a), iv) || !from_hex(rest.substr(a + 1, b - a - 1), ct) ||
      !from_hex(rest.substr(b + 1), mac) || iv.size() != 16)
    return std::nullopt;
  if (!constant_time_equal(to_hex(mac_of(key, iv, ct)), to_hex(mac))) return std::nullopt;
  Bytes plain = sm4_ctr(derive(key, "govcloud seal cipher v1", 16), iv, ct);
  return std::string(plain.begin(), plain.end());
}

}  // namespace govcloud
