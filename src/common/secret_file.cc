#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace govcloud {
namespace {

Error file_error(const std::string& path, const std::string& what) {
  return Error{ErrorCode::kInternal, what + " " + path + ": " + std::strerror(errno), {}};
}

}  // namespace

bool secret_file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::string> read_secret_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return file_error(path, "cannot read key file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error{ErrorCode::kInvalidArgument,
                 "key file " + path + " can be read by other users (mode " + mode +
                     "). Run: chmod 600 " + path,
                 "keys_dir"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return file_error(path, "cannot read key file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status write_secret_file(const std::string& path, const std::string& content) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::string dir = p.parent_path().string();
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return file_error(dir, "cannot create key directory");
  }
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return file_error(tmp, "cannot write key file");
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = file_error(path, "cannot write key file");
    ::unlink(tmp.c_str());
    return err;
  }
  return ok_status();
}

bool from_hex(std::string_view hex, Bytes& out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return true;
}

Result<Bytes> load_or_create_key(const std::string& path, std::size_t size) {
  if (!secret_file_exists(path)) {
    Bytes key = random_bytes(size);
    GC_TRY(write_secret_file(path, to_hex(key) + "\n"));
    return key;
  }
  GC_ASSIGN_OR_RETURN(auto text, read_secret_file(path));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  Bytes key;
  if (!from_hex(text, key) || key.size() != size)
    return Error{
        ErrorCode::kInvalidArgument,
        "key file " + path + " is damaged (expected " + std::to_string(size * 2) + " hex digits)",
        "keys_dir"};
  return key;
}

}  // namespace govcloud
