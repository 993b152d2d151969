// Sesame — a thin layer over the SQLite C API for the SQLite store: one connection with its cache
// of prepared statements, a statement cursor that resets itself, and the mapping of SQLite result
// codes to Sesame codes.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sesame/model.hpp"
#include "sesame/status.hpp"

namespace sesame::sqlite {

// A row holds a value this build cannot read (an unknown enum word, say). Thrown by the column
// readers and turned into Code::corrupt at the Store boundary.
class BadColumn : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One connection, used by one thread at a time. Statements are prepared once per connection and
// kept (SQLITE_PREPARE_PERSISTENT); the cache is keyed by the address of the SQL text, so callers
// pass string literals or other text with static storage.
class Connection {
public:
    explicit Connection(sqlite3* db) noexcept : db_(db) {}
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* db() const noexcept { return db_; }
    // The cached statement for `sql`, preparing it on first use.
    Result<sqlite3_stmt*> statement(const char* sql);
    // Runs SQL without results (pragmas, schema, BEGIN/COMMIT). Not cached.
    Status exec(const char* sql, std::string_view doing);

    // True while a unit of work (Store::transact) holds this connection's transaction open: the
    // store's methods then join it instead of beginning their own.
    bool in_unit = false;

private:
    sqlite3* db_;
    std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// Opens `path` with the per-connection settings every Sesame connection needs. `create` allows
// SQLite to create a missing file. Errors: STORAGE (cannot open), NO_MEMORY.
Result<std::unique_ptr<Connection>> open_connection(const std::string& path, bool create, std::int32_t busy_timeout_ms);

// A failed SQLite call as a Status: unique and primary-key violations are ALREADY_EXISTS, a missing
// parent row (foreign key) NOT_FOUND, damage CORRUPT, memory NO_MEMORY, anything else STORAGE.
Status error(sqlite3* db, int rc, std::string_view doing);

// A borrowed cached statement. Binds, steps and reads; resets and clears its bindings when it goes
// out of scope so the next user finds it clean.
class Stmt {
public:
    static Result<Stmt> prepare(Connection& c, const char* sql);
    Stmt(Stmt&& o) noexcept : c_(o.c_), s_(o.s_), bind_rc_(o.bind_rc_) { o.s_ = nullptr; }
    Stmt& operator=(Stmt&&) = delete;
    ~Stmt();

    Stmt& bind(int i, std::int64_t v);
    Stmt& bind(int i, std::string_view v);
    Stmt& bind(int i, const std::optional<std::int64_t>& v);
    Stmt& bind_blob(int i, const std::vector<std::uint8_t>& v);
    Stmt& bind_null(int i);

    // One step: true when a row is ready, false when the statement is done.
    Result<bool> step();
    // Steps to the end and discards any rows.
    Status run();
    // Rows changed by the last completed INSERT/UPDATE/DELETE on this connection.
    std::int64_t changes() const noexcept { return sqlite3_changes64(c_->db()); }

    bool is_null(int col) const noexcept { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
    std::int64_t i64(int col) const noexcept { return sqlite3_column_int64(s_, col); }
    std::int32_t i32(int col) const;  // BadColumn when out of range
    std::optional<std::int64_t> opt_i64(int col) const noexcept;
    std::string text(int col) const;
    std::vector<std::uint8_t> blob(int col) const;

    template <class E>
    E word(int col) const {
        E out{};
        if (!parse(text(col), out))
            throw BadColumn("column " + std::string(sqlite3_column_name(s_, col)) + " holds an unknown value");
        return out;
    }

private:
    Stmt(Connection& c, sqlite3_stmt* s) noexcept : c_(&c), s_(s) {}
    Connection* c_;
    sqlite3_stmt* s_;
    int bind_rc_ = SQLITE_OK;  // the first failed bind, reported by step()
};

}  // namespace sesame::sqlite
