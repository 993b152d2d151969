// Sesame — the SQLite store opened with an explicit list of migrations. open_sqlite_store() passes
// the build's own list; tests pass a longer one to exercise an upgrade from an older file.
#pragma once

#include <memory>
#include <cstddef>
#include <span>
#include <string>

#include "sesame/store.hpp"
#include "store/sqlite/schema.hpp"

namespace sesame::sqlite {

Result<std::shared_ptr<Store>> open_store(const SqliteOptions& options, std::span<const Migration> steps);

// Diagnostics for tests. `store` must come from open_sqlite_store / open_store (INVALID_ARGUMENT
// otherwise). read_pragma answers `PRAGMA <name>` (name: lower-case letters and '_') on the calling
// thread's connection; open_connections counts the connections the store holds open right now;
// write_transactions counts the write transactions the store has committed since it was opened
// (each a BEGIN IMMEDIATE ... COMMIT, and so one fsync of the WAL at synchronous=FULL).
Result<std::string> read_pragma(Store& store, const std::string& name);
Result<std::size_t> open_connections(Store& store);
Result<std::int64_t> write_transactions(Store& store);

}  // namespace sesame::sqlite
