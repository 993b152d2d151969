#include "store/sqlite/sqlite_db.hpp"

#include <limits>

#include <fmt/format.h>

namespace sesame::sqlite {

Connection::~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    // close_v2 never fails for want of finalised statements; every statement is finalised above.
    sqlite3_close_v2(db_);
}

Result<sqlite3_stmt*> Connection::statement(const char* sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return error(db_, rc, "preparing a statement");
    try {
        statements_.emplace(sql, stmt);
    } catch (...) {
        sqlite3_finalize(stmt);
        throw;
    }
    return stmt;
}

Status Connection::exec(const char* sql, std::string_view doing) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error(db_, rc, doing);
    return {};
}

Result<std::unique_ptr<Connection>> open_connection(const std::string& path, bool create,
                                                    std::int32_t busy_timeout_ms) {
    // NOMUTEX: a connection is only ever used by the thread that owns it.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (create) flags |= SQLITE_OPEN_CREATE;
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Status s = rc == SQLITE_NOMEM ? Status(Code::no_memory, "out of memory")
                                      : Status(Code::storage, fmt::format("cannot open the database {}: {}: check that "
                                                                          "the directory exists and is writable",
                                                                          path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
        sqlite3_close_v2(db);
        return s;
    }
    auto conn = std::make_unique<Connection>(db);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    return conn;
}

Status error(sqlite3* db, int rc, std::string_view doing) {
    const char* detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const std::string prefix = doing.empty() ? std::string() : std::string(doing) + ": ";
    switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return Status(Code::already_exists, fmt::format("{}the key is already taken ({})", prefix, detail));
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return Status(Code::not_found, prefix + "the agency or client it refers to does not exist");
        default: break;
    }
    switch (rc & 0xff) {
        case SQLITE_NOMEM: return Status(Code::no_memory, "out of memory");
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return Status(Code::corrupt,
                          fmt::format("{}the database file is damaged ({}): restore it from a backup", prefix, detail));
        default:
            return Status(Code::storage, fmt::format("{}{}", prefix, detail));
    }
}

Result<Stmt> Stmt::prepare(Connection& c, const char* sql) {
    auto s = c.statement(sql);
    if (!s) return s.status();
    return Stmt(c, *s);
}

Stmt::~Stmt() {
    if (!s_) return;
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
}

Stmt& Stmt::bind(int i, std::int64_t v) {
    const int rc = sqlite3_bind_int64(s_, i, v);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
    // An empty view may carry a null pointer, which SQLite would bind as NULL instead of ''.
    static const char kEmpty[] = "";
    const int rc = sqlite3_bind_text64(s_, i, v.empty() ? kEmpty : v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Stmt& Stmt::bind(int i, const std::optional<std::int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }

Stmt& Stmt::bind_blob(int i, const std::vector<std::uint8_t>& v) {
    static const std::uint8_t kEmpty[1] = {0};
    const int rc = sqlite3_bind_blob64(s_, i, v.empty() ? kEmpty : v.data(), v.size(), SQLITE_TRANSIENT);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Stmt& Stmt::bind_null(int i) {
    const int rc = sqlite3_bind_null(s_, i);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Result<bool> Stmt::step() {
    if (bind_rc_ != SQLITE_OK) return error(c_->db(), bind_rc_, "");
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return error(c_->db(), rc, "");
}

Status Stmt::run() {
    for (;;) {
        auto r = step();
        if (!r) return r.status();
        if (!*r) return {};
    }
}

std::int32_t Stmt::i32(int col) const {
    const std::int64_t v = sqlite3_column_int64(s_, col);
    if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
        throw BadColumn("column " + std::string(sqlite3_column_name(s_, col)) + " is out of range");
    return static_cast<std::int32_t>(v);
}

std::optional<std::int64_t> Stmt::opt_i64(int col) const noexcept {
    if (is_null(col)) return std::nullopt;
    return sqlite3_column_int64(s_, col);
}

std::string Stmt::text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    if (!p) return {};
    return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col)));
}

std::vector<std::uint8_t> Stmt::blob(int col) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, col));
    if (!p) return {};
    return std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(s_, col));
}

}  // namespace sesame::sqlite
