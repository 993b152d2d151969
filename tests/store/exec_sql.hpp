// Runs SQL on a test's database file through a connection of its own, as another program on the
// same file would (a trigger that plays a full disk, rows written by an older build).
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>

namespace sesame::test {

inline void exec_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close_v2(db);
    REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

}  // namespace sesame::test
