// The few changes the Engine has no call for — removing a contact, deleting an event, taking back a
// client that an import created but could not finish — made on the SQLite file directly, all of
// one change in one transaction, and recorded in the audit log through the engine's store.
#include <iostream>

#include <sqlite3.h>

#include "cli.hpp"

namespace cli {
namespace {

using sesame::Code;
using sesame::Status;

struct Db {
    sqlite3* handle = nullptr;
    ~Db() { sqlite3_close(handle); }
};

Status sql_error(sqlite3* db, const std::string& doing) {
    return Status(Code::storage, doing + ": " + (db ? sqlite3_errmsg(db) : "cannot open the database"));
}

Status exec(sqlite3* db, const char* sql, const std::string& doing) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return sql_error(db, doing);
    return Status::success();
}

const char* table_of(RowKind kind) {
    switch (kind) {
        case RowKind::client: return "clients";
        case RowKind::contact: return "contacts";
        case RowKind::event: return "events";
    }
    return "";
}

}  // namespace

Status delete_rows(const std::string& db_path, const std::vector<std::pair<RowKind, sesame::Id>>& rows) {
    Db db;
    if (sqlite3_open_v2(db_path.c_str(), &db.handle, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        return sql_error(db.handle, "opening " + db_path);
    sqlite3_busy_timeout(db.handle, 5000);
    SESAME_TRY(exec(db.handle, "PRAGMA foreign_keys = ON", "enabling foreign keys"));
    SESAME_TRY(exec(db.handle, "BEGIN IMMEDIATE", "starting a transaction"));
    for (const auto& [kind, id] : rows) {
        const std::string what = std::string(table_of(kind)).substr(0, std::string(table_of(kind)).size() - 1) + " " +
                                 std::to_string(id);
        const std::string sql = std::string("DELETE FROM ") + table_of(kind) + " WHERE id = ?1";
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db.handle, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            Status st = sql_error(db.handle, "deleting " + what);
            exec(db.handle, "ROLLBACK", "rolling back").ok();
            return st;
        }
        sqlite3_bind_int64(stmt, 1, id);
        const int rc = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            Status st = rc == SQLITE_CONSTRAINT
                            ? Status(Code::failed_precondition,
                                     what + " is still referenced by other records (a document linked to an event, "
                                            "an upload or case of a client); remove those first")
                            : sql_error(db.handle, "deleting " + what);
            exec(db.handle, "ROLLBACK", "rolling back").ok();
            return st;
        }
        if (sqlite3_changes(db.handle) != 1) {
            exec(db.handle, "ROLLBACK", "rolling back").ok();
            return Status(Code::not_found, what + " does not exist");
        }
    }
    return exec(db.handle, "COMMIT", "committing the deletion");
}

void audit_cli_change(Context& ctx, sesame::Id agency_id, const std::string& action, const std::string& target) {
    sesame::AuditEvent e;
    e.agency_id = agency_id;
    e.at = ctx.engine->clock().now();
    e.actor = (ctx.actor.super_admin ? "superadmin:" : "") + ctx.actor.id;  // as the engine writes it
    e.action = action;
    e.target = target;
    e.outcome = "ok";
    e.detail = "sesame command";
    if (auto id = ctx.engine->store().append_audit(e); !id)
        std::cerr << "sesame: warning: the change was made but not written to the audit log: " << id.status().message()
                  << "\n";
}

}  // namespace cli
