// Keys that must not live in the database (issue 8 §1, §10): small files only the server's user
// can read, in a directory only it can enter. A database writer learns nothing from the store.
#pragma once

#include <string>

#include "common/digest.h"
#include "common/result.h"

namespace govcloud {

// Reads the whole file; refuses one that group or other users can read, naming the chmod.
Result<std::string> read_secret_file(const std::string& path);
// Writes atomically (temporary file, then rename), creating the directory 0700 and the file 0600.
Status write_secret_file(const std::string& path, const std::string& content);
bool secret_file_exists(const std::string& path);

// A random key of `size` bytes kept as hex in `path`: read when it exists, created otherwise.
Result<Bytes> load_or_create_key(const std::string& path, std::size_t size);

// Hex text to bytes; false on odd length or a non-hex character.
bool from_hex(std::string_view hex, Bytes& out);

}  // namespace govcloud
