#include "common/ids.h"

#include "common/digest.h"

namespace govcloud {

std::string new_id(std::string_view prefix) {
  std::string out(prefix);
  out += '-';
  out += to_hex(random_bytes(8));
  return out;
}

bool is_valid_id(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + 17) return false;
  if (text.substr(0, prefix.size()) != prefix || text[prefix.size()] != '-') return false;
  for (char c : text.substr(prefix.size() + 1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace govcloud
