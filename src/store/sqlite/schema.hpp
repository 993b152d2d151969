// Sesame — the SQLite store's schema: its migrations, and how a file is checked before it is used.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sesame/status.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace sesame::sqlite {

// One forward step of the schema. Step N takes a database at user_version N-1 to N; the steps of a
// list are numbered 1, 2, 3 ... without gaps. A released step never changes: new needs get a new step.
struct Migration {
    int version;
    const char* sql;
};

// PRAGMA application_id of every Sesame database ("SSME").
inline constexpr std::int32_t kApplicationId = 0x53534D45;

// The steps this build knows.
std::span<const Migration> migrations();

// Checks the database behind `c` and brings it to the last version of `steps`.
// Before anything is written: a file that is not SQLite is CORRUPT, a SQLite database without the
// Sesame marker is CORRUPT, one whose user_version is past the last step is VERSION_MISMATCH; in each
// of these cases the file is left as it was. Otherwise the file is switched to WAL and every missing
// step runs, all of them in one BEGIN IMMEDIATE transaction. It reads only the file's first pages
// and its small tables, so opening takes the same time for any size of database: damage elsewhere
// is found by check_database, or answers CORRUPT when a request reads it.
Status prepare_database(Connection& c, std::span<const Migration> steps, const std::string& path);

// Reads the whole file (PRAGMA quick_check) and judges it as prepare_database does, writing nothing:
// OK for a sound Sesame database of any version up to the last of `steps`; CORRUPT for a damaged
// file, an empty one, or another application's; VERSION_MISMATCH for a newer one.
Status check_database(Connection& c, std::span<const Migration> steps, const std::string& path);

}  // namespace sesame::sqlite
