// Versioned schema migrations, applied in order at start. A released migration is never
// edited: a change to the schema is a new entry at the end.
#pragma once

#include <vector>

namespace govcloud::sqlite {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& migrations();

}  // namespace govcloud::sqlite
