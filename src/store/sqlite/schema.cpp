#include "store/sqlite/schema.hpp"

#include <fmt/format.h>

namespace sesame::sqlite {
namespace {

// Version 1. Times are Unix seconds; enums are their words from model.hpp; byte strings are BLOBs;
// optional values are NULL. Parent rows are referenced where the store never deletes them.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE sesame_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sesame_meta (key, value) VALUES ('application', 'sesame');

CREATE TABLE sesame_migrations (
    version INTEGER PRIMARY KEY
);

CREATE TABLE agencies (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT NOT NULL,
    time_zone          TEXT NOT NULL,
    environment        TEXT NOT NULL,
    send_mode          TEXT NOT NULL,
    default_region     TEXT NOT NULL,
    sms_countries      TEXT NOT NULL,
    sms_per_hour_limit INTEGER NOT NULL,
    created_at         INTEGER NOT NULL
);

CREATE TABLE agency_phones (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    number       TEXT NOT NULL,
    registration TEXT NOT NULL,
    UNIQUE (agency_id, number)
);

CREATE TABLE agency_emails (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    address      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    UNIQUE (agency_id, address)
);

CREATE TABLE portals (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id                INTEGER NOT NULL REFERENCES agencies (id),
    name                     TEXT NOT NULL,
    slug                     TEXT NOT NULL UNIQUE,
    client_auth              TEXT NOT NULL,
    code_digits              INTEGER NOT NULL,
    code_ttl_seconds         INTEGER NOT NULL,
    max_attempts             INTEGER NOT NULL,
    contact_failure_limit    INTEGER NOT NULL,
    resend_cooldown_seconds  INTEGER NOT NULL,
    sends_per_hour           INTEGER NOT NULL,
    sends_per_day            INTEGER NOT NULL,
    ip_starts_limit          INTEGER NOT NULL,
    ip_starts_window_seconds INTEGER NOT NULL,
    ip_verify_limit          INTEGER NOT NULL,
    ip_verify_window_seconds INTEGER NOT NULL,
    session_idle_seconds     INTEGER NOT NULL,
    session_absolute_seconds INTEGER NOT NULL,
    unknown_contact_response TEXT NOT NULL,
    default_language         TEXT NOT NULL,
    host                     TEXT NOT NULL,
    created_at               INTEGER NOT NULL
);
CREATE INDEX portals_agency ON portals (agency_id);

CREATE TABLE clients (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id        INTEGER NOT NULL REFERENCES agencies (id),
    client_reference TEXT NOT NULL,
    first_name       TEXT NOT NULL,
    middle_name      TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    dob              TEXT NOT NULL,
    gender           TEXT NOT NULL,
    type             TEXT NOT NULL,
    client_group     TEXT NOT NULL,
    language         TEXT NOT NULL,
    status           TEXT NOT NULL,
    archived         INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX clients_agency ON clients (agency_id);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id  INTEGER NOT NULL,
    client_id  INTEGER NOT NULL REFERENCES clients (id),
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (client_id, value)
);
CREATE INDEX contacts_value ON contacts (agency_id, value);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id    INTEGER NOT NULL,
    direction    TEXT NOT NULL,
    channel      TEXT NOT NULL,
    status       TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    sender       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    content      TEXT NOT NULL,
    sealed       BLOB NOT NULL,
    challenge_id TEXT NOT NULL,
    error        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX messages_to ON messages (agency_id, recipient, created_at);
CREATE INDEX messages_queued ON messages (created_at, id) WHERE status = 'queued' AND direction = 'outbound';

CREATE TABLE challenges (
    id            TEXT PRIMARY KEY,
    agency_id     INTEGER NOT NULL,
    portal_id     INTEGER NOT NULL,
    channel       TEXT NOT NULL,
    destination   TEXT NOT NULL,
    mac           BLOB NOT NULL,
    attempts      INTEGER NOT NULL,
    max_attempts  INTEGER NOT NULL,
    decoy         INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    consumed_at   INTEGER,
    superseded_at INTEGER
);
CREATE INDEX challenges_destination ON challenges (portal_id, destination);
CREATE INDEX challenges_expiry ON challenges (expires_at);

CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY,
    token_hash          BLOB NOT NULL UNIQUE,
    agency_id           INTEGER NOT NULL,
    portal_id           INTEGER NOT NULL,
    destination         TEXT NOT NULL,
    client_id           INTEGER,
    assurance           TEXT NOT NULL,
    ip                  TEXT NOT NULL,
    user_agent          TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    idle_expires_at     INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL,
    revoked_at          INTEGER,
    revoke_reason       TEXT NOT NULL
);
CREATE INDEX sessions_client ON sessions (client_id);
CREATE INDEX sessions_destination ON sessions (agency_id, destination);
CREATE INDEX sessions_portal ON sessions (portal_id);

CREATE TABLE counters (
    key          TEXT PRIMARY KEY,
    count        INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    last_at      INTEGER NOT NULL
);
CREATE INDEX counters_last ON counters (last_at);

CREATE TABLE templates (
    agency_id INTEGER NOT NULL,
    channel   TEXT NOT NULL,
    language  TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (agency_id, channel, language)
) WITHOUT ROWID;

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    reason    TEXT NOT NULL,
    ip        TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_agency ON audit (agency_id, id);
)sql";

// Version 2: what agencies assign to clients. Links between rows are foreign keys, so a row never
// points at a case or event that is not stored; that they belong to the same client is the
// engine's check.
constexpr const char* kVersion2 = R"sql(
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id   INTEGER NOT NULL,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    case_number TEXT NOT NULL,
    type        TEXT NOT NULL,
    charges     TEXT NOT NULL,
    status      TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX cases_client ON cases (client_id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id   INTEGER NOT NULL,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    case_id     INTEGER REFERENCES cases (id),
    event_date  TEXT NOT NULL,
    event_time  TEXT NOT NULL,
    type        TEXT NOT NULL,
    location    TEXT NOT NULL,
    judge       TEXT NOT NULL,
    case_number TEXT NOT NULL,
    status      TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX events_client ON events (client_id, event_date, event_time, id);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id   INTEGER NOT NULL,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    case_id     INTEGER REFERENCES cases (id),
    event_id    INTEGER REFERENCES events (id),
    type        TEXT NOT NULL,
    name        TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX documents_client ON documents (client_id);
)sql";

// Version 3: what a portal links to. Sidebar items and gated resources belong to a portal; a
// resource's slug is unique per portal and kind.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE sidebar_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id   INTEGER NOT NULL,
    portal_id   INTEGER NOT NULL REFERENCES portals (id),
    title       TEXT NOT NULL,
    link        TEXT NOT NULL,
    item_order  INTEGER NOT NULL,
    visibility  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX sidebar_items_portal ON sidebar_items (portal_id, item_order, id);

CREATE TABLE gated_resources (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id      INTEGER NOT NULL,
    portal_id      INTEGER NOT NULL REFERENCES portals (id),
    kind           TEXT NOT NULL,
    slug           TEXT NOT NULL,
    title          TEXT NOT NULL,
    requires_login INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (portal_id, kind, slug)
);
)sql";

// Version 4: uploads. The bytes live in a BlobStore; these rows keep their generated names,
// checksums and the types read from their first bytes.
constexpr const char* kVersion4 = R"sql(
CREATE TABLE upload_policies (
    portal_id       INTEGER PRIMARY KEY REFERENCES portals (id),
    allow_photos    INTEGER NOT NULL,
    allow_documents INTEGER NOT NULL,
    max_bytes       INTEGER NOT NULL
);

CREATE TABLE uploads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id    INTEGER NOT NULL,
    portal_id    INTEGER NOT NULL REFERENCES portals (id),
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    blob_name    TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL
);
CREATE INDEX uploads_client ON uploads (client_id, id);

CREATE TABLE document_files (
    document_id  INTEGER PRIMARY KEY REFERENCES documents (id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    blob_name    TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
)sql";

// Version 5: each portal's dashboard templates, one per language.
constexpr const char* kVersion5 = R"sql(
CREATE TABLE dashboard_templates (
    portal_id  INTEGER NOT NULL REFERENCES portals (id),
    language   TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, language)
) WITHOUT ROWID;
)sql";

// Version 6: the client's own profile. A portal's profile policy, one row per field staff set,
// and the contact changes waiting for the code sent to the new value, keyed by their challenge.
constexpr const char* kVersion6 = R"sql(
CREATE TABLE profile_policies (
    portal_id  INTEGER NOT NULL REFERENCES portals (id),
    field      TEXT NOT NULL,
    policy     TEXT NOT NULL,
    PRIMARY KEY (portal_id, field)
);

CREATE TABLE contact_changes (
    challenge_id        TEXT PRIMARY KEY,
    agency_id           INTEGER NOT NULL,
    portal_id           INTEGER NOT NULL REFERENCES portals (id),
    client_id           INTEGER NOT NULL REFERENCES clients (id),
    session_id          TEXT NOT NULL,
    kind                TEXT NOT NULL,
    value               TEXT NOT NULL,
    replaces_contact_id INTEGER,
    created_at          INTEGER NOT NULL
);
)sql";

// Version 7: staff-given titles per language for sidebar items and gated resources, a JSON object
// keyed by ISO 639-1 code ({"es": "..."}); rows from before have none.
constexpr const char* kVersion7 = R"sql(
ALTER TABLE sidebar_items ADD COLUMN titles TEXT NOT NULL DEFAULT '{}';
ALTER TABLE gated_resources ADD COLUMN titles TEXT NOT NULL DEFAULT '{}';
)sql";

// Version 8: a revision on every staff-managed record that can be updated, for compare-and-set
// (include/sesame/store.hpp). Rows from before start at revision 1, as a new row does.
constexpr const char* kVersion8 = R"sql(
ALTER TABLE agencies ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agency_phones ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE portals ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE clients ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contacts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE documents ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sidebar_items ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE gated_resources ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
)sql";

constexpr Migration kMigrations[] = {
    {1, kVersion1},
    {2, kVersion2},
    {3, kVersion3},
    {4, kVersion4},
    {5, kVersion5},
    {6, kVersion6},
    {7, kVersion7},
    {8, kVersion8},
};

constexpr const char* kRestore =
    "restore it from a backup, or move it aside to start an empty one";

// What a read-only look at the file found.
struct Inspection {
    std::int64_t user_version = 0;
    std::int64_t application_id = 0;
    std::int64_t tables = 0;  // user tables, not SQLite's own
    bool marked = false;      // sesame_meta says application = 'sesame'
};

Result<std::int64_t> single_integer(Connection& c, const char* sql) {
    auto st = Stmt::prepare(c, sql);
    if (!st) return st.status();
    auto row = st->step();
    if (!row) return row.status();
    return *row ? st->i64(0) : 0;
}

// A failure while reading the file before it is known to be sound: SQLite's verdict that the file is
// not a database, or is damaged, becomes CORRUPT with advice; anything else stays as mapped.
Status unreadable(Connection& c, const Status& s, const std::string& path) {
    if (s.code() != Code::corrupt) return s;
    return Status(Code::corrupt, fmt::format("{} is not a readable SQLite database ({}): {}", path,
                                             sqlite3_errmsg(c.db()), kRestore));
}

// What the file is. With `deep`, SQLite's quick_check also reads every page (seconds for a large
// file: `check_database`, not every open).
Result<Inspection> inspect(Connection& c, const std::string& path, bool deep) {
    Inspection in;
    auto tables = single_integer(c, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    if (!tables) return unreadable(c, tables.status(), path);
    in.tables = *tables;

    if (deep) {
        auto check = Stmt::prepare(c, "PRAGMA quick_check");
        if (!check) return unreadable(c, check.status(), path);
        auto row = check->step();
        if (!row) return unreadable(c, row.status(), path);
        const std::string verdict = *row ? check->text(0) : "no answer";
        if (verdict != "ok")
            return Status(Code::corrupt, fmt::format("{} is damaged (integrity check: {}): {}", path, verdict, kRestore));
    }

    auto version = single_integer(c, "PRAGMA user_version");
    if (!version) return unreadable(c, version.status(), path);
    in.user_version = *version;
    auto app = single_integer(c, "PRAGMA application_id");
    if (!app) return unreadable(c, app.status(), path);
    in.application_id = *app;

    auto has_meta = single_integer(c, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sesame_meta'");
    if (!has_meta) return unreadable(c, has_meta.status(), path);
    if (*has_meta) {
        auto st = Stmt::prepare(c, "SELECT value FROM sesame_meta WHERE key = 'application'");
        if (!st) return unreadable(c, st.status(), path);
        auto row = st->step();
        if (!row) return unreadable(c, row.status(), path);
        in.marked = *row && st->text(0) == "sesame";
    }
    return in;
}

bool pristine(const Inspection& in) { return in.tables == 0 && in.user_version == 0 && in.application_id == 0; }

// The verdict on a file that is a sound SQLite database: usable as is, to be migrated, or refused.
Status judge(const Inspection& in, int latest, const std::string& path) {
    if (pristine(in)) return {};
    if (!in.marked || in.application_id != kApplicationId)
        return Status(Code::corrupt,
                      fmt::format("{} is a SQLite database but not a Sesame database: open a Sesame database file, or "
                                  "choose a new path to create one",
                                  path));
    if (in.user_version < 1)
        return Status(Code::corrupt, fmt::format("{} carries the Sesame marker but no schema version: {}", path, kRestore));
    if (in.user_version > latest)
        return Status(Code::version_mismatch,
                      fmt::format("{} has schema version {}, newer than version {} that this build of Sesame knows: "
                                  "upgrade Sesame to open it",
                                  path, in.user_version, latest));
    return {};
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

Status prepare_database(Connection& c, std::span<const Migration> steps, const std::string& path) {
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (steps[i].version != static_cast<int>(i) + 1)
            return Status(Code::internal, "the schema migrations are not numbered 1, 2, 3 ...");
    const int latest = static_cast<int>(steps.size());

    // Read only, until the file is known to be ours.
    auto seen = inspect(c, path, false);
    if (!seen) return seen.status();
    SESAME_TRY(judge(*seen, latest, path));

    // Persistent in the file; a no-op when the file is already in WAL mode.
    {
        auto st = Stmt::prepare(c, "PRAGMA journal_mode = WAL");
        if (!st) return st.status();
        auto row = st->step();
        if (!row) return row.status();
        if (!*row || st->text(0) != "wal")
            return Status(Code::storage, fmt::format("{}: the file system does not allow WAL mode", path));
    }
    if (seen->user_version == latest) return {};

    SESAME_TRY(c.exec("BEGIN IMMEDIATE", "starting the schema migration"));
    auto run = [&]() -> Status {
        // Another process may have migrated the file since it was inspected.
        auto now = inspect(c, path, false);
        if (!now) return now.status();
        SESAME_TRY(judge(*now, latest, path));
        for (const Migration& m : steps) {
            if (m.version <= now->user_version) continue;
            SESAME_TRY(c.exec(m.sql, fmt::format("migrating the schema to version {}", m.version)));
            auto note = Stmt::prepare(c, "INSERT INTO sesame_migrations (version) VALUES (?1)");
            if (!note) return note.status();
            SESAME_TRY(note->bind(1, std::int64_t{m.version}).run());
        }
        SESAME_TRY(c.exec(fmt::format("PRAGMA user_version = {}", latest).c_str(), "recording the schema version"));
        SESAME_TRY(c.exec(fmt::format("PRAGMA application_id = {}", kApplicationId).c_str(), "marking the file"));
        return c.exec("COMMIT", "committing the schema migration");
    };
    Status s = run();
    if (!s.ok() && !sqlite3_get_autocommit(c.db())) sqlite3_exec(c.db(), "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
}

Status check_database(Connection& c, std::span<const Migration> steps, const std::string& path) {
    auto seen = inspect(c, path, true);
    if (!seen) return seen.status();
    if (pristine(*seen)) return Status(Code::corrupt, fmt::format("{} is empty: it is not a Sesame database", path));
    return judge(*seen, static_cast<int>(steps.size()), path);
}

}  // namespace sesame::sqlite
