// Sesame — the SQLite store opened with an explicit list of migrations. open_sqlite_store() passes
// the build's own list; tests pass a longer one to exercise an upgrade from an older file.
#pragma once

#include <memory>
#include <span>

#include "sesame/store.hpp"
#include "store/sqlite/schema.hpp"

namespace sesame::sqlite {

Result<std::shared_ptr<Store>> open_store(const SqliteOptions& options, std::span<const Migration> steps);

}  // namespace sesame::sqlite
