#include "drivers/libvirt/wipe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace govcloud::libvirt {

Status overwrite_with_zeros(const std::string& path, const std::function<void(int)>& progress) {
  int fd = ::open(path.c_str(), O_WRONLY);
  if (fd < 0) return Error{ErrorCode::kConflict, "cannot open " + path + " to wipe it", {}};
  struct stat st {};
  fstat(fd, &st);
  std::vector<char> zeros(1 << 20, 0);
  const off_t total = st.st_size;
  off_t left = total;
  if (progress) progress(0);
  while (left > 0) {
    auto n = static_cast<std::size_t>(std::min<off_t>(left, static_cast<off_t>(zeros.size())));
    ssize_t w = ::write(fd, zeros.data(), n);
    if (w <= 0) {
      ::close(fd);
      return Error{ErrorCode::kConflict, "wiping " + path + " failed", {}};
    }
    left -= w;
    if (progress) progress(static_cast<int>((total - left) * 100 / total));
  }
  fsync(fd);
  ::close(fd);
  if (progress) progress(100);
  return ok_status();
}

}  // namespace govcloud::libvirt
