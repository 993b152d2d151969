// What only the SQLite store has: a file that persists, its pragmas, the schema's migrations, the
// refusal of files that are not sound Sesame databases, and a connection per thread.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <latch>
#include <mutex>
#include <random>
#include <thread>

#include "sesame/clock.hpp"
#include "sesame/store.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temp_db.hpp"

using namespace sesame;
using sesame::test::file_bytes;
using sesame::test::TempDb;

namespace {

// A plain connection, to look at or tamper with a file behind the store's back.
class Raw {
public:
    explicit Raw(const std::string& path) {
        REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
    }
    ~Raw() { sqlite3_close_v2(db_); }
    Raw(const Raw&) = delete;
    Raw& operator=(const Raw&) = delete;

    void exec(const std::string& sql) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
        const std::string message = err ? err : "";
        sqlite3_free(err);
        REQUIRE_MESSAGE(rc == SQLITE_OK, message);
    }

    std::int64_t integer(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        const int rc = sqlite3_step(st);
        const std::int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
        sqlite3_finalize(st);
        REQUIRE(rc == SQLITE_ROW);
        return v;
    }

    std::string text(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        const int rc = sqlite3_step(st);
        std::string v;
        if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        REQUIRE(rc == SQLITE_ROW);
        return v;
    }

private:
    sqlite3* db_ = nullptr;
};

std::shared_ptr<Store> open_ok(const SqliteOptions& options) {
    auto s = open_sqlite_store(options);
    REQUIRE_MESSAGE(s.ok(), s.status().message());
    return *s;
}

std::shared_ptr<Store> open_ok(const std::string& path) { return open_ok(SqliteOptions{path}); }

Agency agency(const std::string& name) {
    Agency a;
    a.name = name;
    a.sms_countries = {"US", "CA"};
    return a;
}

// A Sesame database with a little data in it, closed again.
void make_database(const TempDb& db) {
    auto store = open_ok(db.str());
    REQUIRE(store->insert_agency(agency("Demo County")).ok());
    REQUIRE(store->append_audit({0, 1, 1, "system", "test", "", "ok", "", "", ""}).ok());
}

// The release list plus a second step, standing in for the next release.
std::vector<sqlite::Migration> next_release() {
    std::vector<sqlite::Migration> steps(sqlite::migrations().begin(), sqlite::migrations().end());
    steps.push_back({static_cast<int>(steps.size()) + 1,
                     "ALTER TABLE agencies ADD COLUMN motto TEXT NOT NULL DEFAULT '';"
                     "CREATE TABLE sesame_test_extra (id INTEGER PRIMARY KEY, note TEXT NOT NULL);"});
    return steps;
}

}  // namespace

TEST_CASE("sqlite: data survives closing and reopening the file") {
    TempDb db("reopen");
    FakeClock clock;
    Session s;
    s.id = "session-1";
    s.token_hash = {1, 2, 3, 0, 255};
    s.created_at = clock.now();
    s.idle_expires_at = clock.now() + 60;
    s.absolute_expires_at = clock.now() + 600;
    Id id = 0;
    {
        auto store = open_ok(db.str());
        id = *store->insert_agency(agency("Demo County"));
        REQUIRE(store->insert_session(s).ok());
        REQUIRE(store->bump_counter("k", clock.now(), 0).ok());
    }
    auto store = open_ok(db.str());
    auto a = store->get_agency(id);
    REQUIRE(a.ok());
    CHECK(a->name == "Demo County");
    CHECK(a->sms_countries == std::vector<std::string>{"US", "CA"});
    CHECK(store->find_session(s.token_hash)->id == "session-1");
    CHECK(store->get_counter("k")->count == 1);
    CHECK(*store->insert_agency(agency("Second")) == id + 1);
}

TEST_CASE("sqlite: the file is in WAL mode and each connection has the configured pragmas") {
    TempDb db("pragmas");
    SUBCASE("defaults: synchronous NORMAL") {
        auto store = open_ok(db.str());
        CHECK(*sqlite::read_pragma(*store, "journal_mode") == "wal");
        CHECK(*sqlite::read_pragma(*store, "synchronous") == "1");
        CHECK(*sqlite::read_pragma(*store, "foreign_keys") == "1");
        CHECK(*sqlite::read_pragma(*store, "busy_timeout") == "5000");
        CHECK(*sqlite::read_pragma(*store, "secure_delete") == "1");
        // Another thread's connection is configured the same way.
        std::string sync, keys, timeout;
        std::thread([&] {
            sync = *sqlite::read_pragma(*store, "synchronous");
            keys = *sqlite::read_pragma(*store, "foreign_keys");
            timeout = *sqlite::read_pragma(*store, "busy_timeout");
        }).join();
        CHECK(sync == "1");
        CHECK(keys == "1");
        CHECK(timeout == "5000");
    }
    SUBCASE("synchronous_full and a shorter busy timeout") {
        SqliteOptions o{db.str()};
        o.synchronous_full = true;
        o.busy_timeout_ms = 1234;
        auto store = open_ok(o);
        CHECK(*sqlite::read_pragma(*store, "journal_mode") == "wal");
        CHECK(*sqlite::read_pragma(*store, "synchronous") == "2");
        CHECK(*sqlite::read_pragma(*store, "busy_timeout") == "1234");
        std::string sync;
        std::thread([&] { sync = *sqlite::read_pragma(*store, "synchronous"); }).join();
        CHECK(sync == "2");
    }
    Raw raw(db.str());
    CHECK(raw.text("PRAGMA journal_mode") == "wal");
    CHECK(raw.integer("PRAGMA application_id") == sqlite::kApplicationId);
    CHECK(raw.integer("PRAGMA user_version") == sqlite_schema_version());
    CHECK(raw.text("SELECT value FROM sesame_meta WHERE key = 'application'") == "sesame");
    CHECK(sqlite::read_pragma(*make_memory_store(), "synchronous").code() == Code::invalid_argument);
}

TEST_CASE("sqlite: a new or empty file is initialised; an up-to-date file is opened without migrating") {
    TempDb db("init");
    SUBCASE("no file") {}
    SUBCASE("an empty file") { sesame::test::write_bytes(db.path(), {}); }
    SUBCASE("an empty SQLite database at user_version 0") {
        Raw raw(db.str());
        raw.exec("PRAGMA page_size = 4096; VACUUM;");
        CHECK(raw.integer("PRAGMA user_version") == 0);
    }
    {
        auto store = open_ok(db.str());
        CHECK(store->list_agencies()->empty());
        REQUIRE(store->insert_agency(agency("A")).ok());
    }
    {
        Raw raw(db.str());
        CHECK(raw.integer("PRAGMA user_version") == sqlite_schema_version());
        CHECK(raw.integer("SELECT count(*) FROM sesame_migrations") == sqlite_schema_version());
    }
    const auto before = file_bytes(db.path());
    {
        auto store = open_ok(db.str());
        CHECK(store->list_agencies()->size() == 1);
    }
    CHECK(file_bytes(db.path()) == before);  // nothing was written
    Raw raw(db.str());
    CHECK(raw.integer("SELECT count(*) FROM sesame_migrations") == sqlite_schema_version());
}

TEST_CASE("sqlite: what the sweeper deletes does not remain in the file") {
    TempDb db("swept");
    FakeClock clock;
    const std::vector<std::uint8_t> mac(32, 0xC3);
    const std::vector<std::uint8_t> hash(32, 0x5A);
    auto contains = [](const std::vector<char>& hay, const std::vector<std::uint8_t>& needle) {
        return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                           [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; }) != hay.end();
    };
    {
        auto store = open_ok(db.str());
        Challenge c;
        c.id = "secret-challenge";
        c.portal_id = 1;
        c.mac = mac;
        c.created_at = clock.now();
        c.expires_at = clock.now() + 600;
        REQUIRE(store->begin_challenge(c, std::nullopt).ok());
        Session s;
        s.id = "secret-session";
        s.token_hash = hash;
        s.created_at = clock.now();
        s.idle_expires_at = clock.now() + 60;
        s.absolute_expires_at = clock.now() + 600;
        REQUIRE(store->insert_session(s).ok());
        REQUIRE(*store->consume_challenge(c.id, clock.now()));
        REQUIRE(*store->revoke_session(s.id, clock.now(), "logout") == 1);
    }
    CHECK(contains(file_bytes(db.path()), mac));  // the probe can see them while they are stored
    {
        auto store = open_ok(db.str());
        clock.advance(1);
        auto swept = store->sweep(clock.now(), 0);
        REQUIRE(swept.ok());
        CHECK(swept->challenges == 1);
        CHECK(swept->sessions == 1);
    }
    const auto bytes = file_bytes(db.path());
    CHECK_FALSE(contains(bytes, mac));
    CHECK_FALSE(contains(bytes, hash));
}

TEST_CASE("sqlite: a file of an older schema version is migrated forward and keeps its data") {
    TempDb db("migrate");
    make_database(db);
    const auto steps = next_release();
    const int next = static_cast<int>(steps.size());
    {
        auto store = sqlite::open_store({db.str()}, steps);
        REQUIRE_MESSAGE(store.ok(), store.status().message());
        auto a = (*store)->get_agency(1);
        REQUIRE(a.ok());
        CHECK(a->name == "Demo County");
        CHECK((*store)->list_audit(0, 10)->size() == 1);
        REQUIRE((*store)->insert_agency(agency("After")).ok());
    }
    {
        Raw raw(db.str());
        CHECK(raw.integer("PRAGMA user_version") == next);
        CHECK(raw.integer("SELECT max(version) FROM sesame_migrations") == next);
        CHECK(raw.integer("SELECT count(*) FROM sesame_migrations") == next);
        CHECK(raw.integer("SELECT count(*) FROM agencies WHERE motto = ''") == 2);
        CHECK(raw.integer("SELECT count(*) FROM sesame_test_extra") == 0);
    }
    // This build is now older than the file.
    const auto before = file_bytes(db.path());
    auto old = open_sqlite_store({db.str()});
    CHECK(old.code() == Code::version_mismatch);
    CHECK(file_bytes(db.path()) == before);
}

TEST_CASE("sqlite: a migration that fails leaves the file at its old version") {
    TempDb db("bad-migration");
    make_database(db);
    auto steps = next_release();
    steps.back().sql = "CREATE TABLE sesame_test_extra (id INTEGER PRIMARY KEY); CREATE TABLE agencies (x);";
    auto failed = sqlite::open_store({db.str()}, steps);
    CHECK(failed.code() == Code::storage);
    Raw raw(db.str());
    CHECK(raw.integer("PRAGMA user_version") == sqlite_schema_version());
    CHECK(raw.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'sesame_test_extra'") == 0);
    CHECK(open_sqlite_store({db.str()}).ok());
}

TEST_CASE("sqlite: a file that is not a database, or is damaged, is CORRUPT and left untouched") {
    TempDb db("corrupt");
    SUBCASE("random bytes") {
        std::mt19937 rng(42);
        std::vector<char> noise(8192);
        for (char& c : noise) c = static_cast<char>(rng() & 0xff);
        sesame::test::write_bytes(db.path(), noise);
    }
    SUBCASE("text") { sesame::test::write_bytes(db.path(), {'h', 'e', 'l', 'l', 'o', '\n'}); }
    SUBCASE("a real database cut short") {
        make_database(db);
        auto bytes = file_bytes(db.path());
        REQUIRE(bytes.size() > 3 * 4096);
        bytes.resize(3 * 4096);
        sesame::test::write_bytes(db.path(), bytes);
    }
    SUBCASE("a real database with a damaged page") {
        make_database(db);
        auto bytes = file_bytes(db.path());
        REQUIRE(bytes.size() > 4 * 4096);
        // Pages 2 to 4 are b-tree pages; their headers now hold no valid page type.
        for (std::size_t page = 1; page < 4; ++page)
            for (std::size_t i = 0; i < 8; ++i) bytes[page * 4096 + i] = static_cast<char>(0xA5);
        sesame::test::write_bytes(db.path(), bytes);
    }
    const auto before = file_bytes(db.path());
    auto r = open_sqlite_store({db.str()});
    CHECK(r.code() == Code::corrupt);
    CHECK(r.status().message().find("backup") != std::string::npos);
    CHECK(file_bytes(db.path()) == before);
}

TEST_CASE("sqlite: a SQLite database of another application is CORRUPT, not a Sesame database") {
    TempDb db("foreign");
    {
        Raw raw(db.str());
        raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x');");
    }
    SUBCASE("no marker at all") {}
    SUBCASE("another application id") {
        Raw raw(db.str());
        raw.exec("PRAGMA application_id = 1234;");
    }
    SUBCASE("a sesame_meta table but not our application id") {
        Raw raw(db.str());
        raw.exec("CREATE TABLE sesame_meta (key TEXT PRIMARY KEY, value TEXT); "
                 "INSERT INTO sesame_meta VALUES ('application', 'sesame'); PRAGMA user_version = 1;");
    }
    const auto before = file_bytes(db.path());
    auto r = open_sqlite_store({db.str()});
    CHECK(r.code() == Code::corrupt);
    CHECK(r.status().message().find("not a Sesame database") != std::string::npos);
    CHECK(file_bytes(db.path()) == before);
}

TEST_CASE("sqlite: a file written by a newer schema is VERSION_MISMATCH and left untouched") {
    TempDb db("newer");
    make_database(db);
    {
        Raw raw(db.str());
        raw.exec("PRAGMA user_version = 99;");
    }
    const auto before = file_bytes(db.path());
    auto r = open_sqlite_store({db.str()});
    CHECK(r.code() == Code::version_mismatch);
    CHECK(r.status().message().find("99") != std::string::npos);
    CHECK(r.status().message().find("version " + std::to_string(sqlite_schema_version())) != std::string::npos);
    CHECK(file_bytes(db.path()) == before);
}

TEST_CASE("sqlite: opening reads only the file's first pages; check_sqlite_store reads every page and finds damage") {
    TempDb db("deep-damage");
    {
        // Enough audit rows that the table runs over many pages after the small tables.
        auto store = open_ok(db.str());
        REQUIRE(store->insert_agency(agency("Demo County")).ok());
        const std::string detail(400, 'x');
        for (int i = 0; i < 400; ++i)
            REQUIRE(store->append_audit({0, 1, i, "system", "test", "", "ok", "", "", detail}).ok());
    }
    CHECK(check_sqlite_store(db.str()).ok());
    {
        // Fold the WAL into the file, so that the bytes below are the database's last pages.
        Raw raw(db.str());
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE);");
    }
    auto bytes = file_bytes(db.path());
    const std::size_t pages = bytes.size() / 4096;
    REQUIRE(pages > 30);
    // The last two pages are the audit table's leaves; their headers now hold no valid page type.
    for (std::size_t page = pages - 2; page < pages; ++page)
        for (std::size_t i = 0; i < 8; ++i) bytes[page * 4096 + i] = static_cast<char>(0xA5);
    sesame::test::write_bytes(db.path(), bytes);
    const auto damaged = file_bytes(db.path());

    // Opening does not read those pages, so it succeeds: it costs the same for any size of file.
    CHECK(open_sqlite_store({db.str()}).ok());
    // The check reads them, says what to do, and changes nothing.
    const auto checked = check_sqlite_store(db.str());
    CHECK(checked.code() == Code::corrupt);
    CHECK(checked.message().find("backup") != std::string::npos);
    CHECK(file_bytes(db.path()) == damaged);
}

TEST_CASE("sqlite: check_sqlite_store on a missing, empty, foreign or newer file") {
    TempDb db("check");
    CHECK(check_sqlite_store(db.str()).code() == Code::storage);  // no such file: not created
    CHECK_FALSE(std::filesystem::exists(db.path()));
    CHECK(check_sqlite_store("").code() == Code::invalid_argument);
    sesame::test::write_bytes(db.path(), {});
    CHECK(check_sqlite_store(db.str()).code() == Code::corrupt);  // empty
    CHECK(std::filesystem::file_size(db.path()) == 0);
    sesame::test::write_bytes(db.path(), {'h', 'e', 'l', 'l', 'o', '\n'});
    CHECK(check_sqlite_store(db.str()).code() == Code::corrupt);
    std::filesystem::remove(db.path());
    make_database(db);
    CHECK(check_sqlite_store(db.str()).ok());
    {
        Raw raw(db.str());
        raw.exec("PRAGMA user_version = 99;");
    }
    CHECK(check_sqlite_store(db.str()).code() == Code::version_mismatch);
}

TEST_CASE("sqlite: a path that cannot be opened is STORAGE; a path that is not a file is refused") {
    TempDb db("missing");
    auto r = open_sqlite_store({(db.path().parent_path() / "no-such-directory" / "x.db").string()});
    CHECK(r.code() == Code::storage);
    CHECK(r.status().message().find("no-such-directory") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db.path().parent_path() / "no-such-directory"));

    CHECK(open_sqlite_store({db.path().parent_path().string()}).code() == Code::storage);  // a directory
    CHECK(open_sqlite_store({""}).code() == Code::invalid_argument);
    CHECK(open_sqlite_store({":memory:"}).code() == Code::invalid_argument);
    SqliteOptions negative{db.str()};
    negative.busy_timeout_ms = -1;
    CHECK(open_sqlite_store(negative).code() == Code::invalid_argument);
}

TEST_CASE("sqlite: a write blocked past the busy timeout is STORAGE; reads go on meanwhile") {
    TempDb db("busy");
    SqliteOptions o{db.str()};
    o.busy_timeout_ms = 20;
    auto store = open_ok(o);
    const Id id = *store->insert_agency(agency("A"));
    Raw raw(db.str());
    raw.exec("BEGIN IMMEDIATE; INSERT INTO counters VALUES ('held', 1, 0, 0);");
    CHECK(store->get_agency(id).ok());  // WAL: readers do not wait for the writer
    auto blocked = store->insert_agency(agency("B"));
    CHECK(blocked.code() == Code::storage);
    CHECK(store->bump_counter("held", 1, 0).code() == Code::storage);
    raw.exec("COMMIT;");
    CHECK(store->insert_agency(agency("B")).ok());
    CHECK(store->bump_counter("held", 1, 0)->count == 2);
    CHECK(store->list_agencies()->size() == 2);  // the failed insert left nothing behind
}

TEST_CASE("sqlite: many threads, each on its own connection, without errors") {
    TempDb db("threads");
    auto store = open_ok(db.str());
    const Id agency_id = *store->insert_agency(agency("A"));
    Portal p;
    p.agency_id = agency_id;
    p.slug = "p";
    const Id portal = *store->insert_portal(p);
    FakeClock clock;

    constexpr int kThreads = 12;
    constexpr int kRounds = 30;
    std::latch start(kThreads);
    std::atomic<int> errors{0}, consumed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < kRounds; ++i) {
                const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
                Challenge c;
                c.id = id;
                c.portal_id = portal;
                c.destination = "dest-" + std::to_string(t);
                c.mac = {1, 2, 3};
                c.created_at = clock.now();
                c.expires_at = clock.now() + 600;
                Message m;
                m.agency_id = agency_id;
                m.to = c.destination;
                m.created_at = clock.now();
                if (!store->begin_challenge(c, m).ok()) ++errors;
                if (!store->register_attempt(id).ok()) ++errors;
                auto won = store->consume_challenge(id, clock.now());
                if (!won) ++errors;
                else if (*won) ++consumed;
                if (!store->bump_counter("shared", clock.now(), 0).ok()) ++errors;
                if (!store->append_audit({0, agency_id, clock.now(), "visitor", "t", id, "ok", "", "", ""}).ok())
                    ++errors;
                if (!store->get_portal(portal).ok()) ++errors;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(errors.load() == 0);
    CHECK(consumed.load() == kThreads * kRounds);
    CHECK(store->get_counter("shared")->count == kThreads * kRounds);
    CHECK(store->list_audit(agency_id, 10000)->size() == kThreads * kRounds);
    CHECK(store->list_messages_to(agency_id, {"dest-0"}, 1000)->size() == kRounds);
    // Threads that ended gave their connections back: only this thread's remains.
    CHECK(*sqlite::open_connections(*store) == 1);
}

TEST_CASE("sqlite: a store destroyed while another thread holds a connection; a new store on that thread") {
    TempDb first_file("first");
    TempDb second_file("second");
    auto first = open_ok(first_file.str());
    const Store* first_address = first.get();

    // A worker that outlives the first store and runs each job it is handed.
    std::mutex mu;
    std::condition_variable cv;
    std::function<void()> job;
    bool done = false, quit = false;
    std::thread worker([&] {
        std::unique_lock lock(mu);
        for (;;) {
            cv.wait(lock, [&] { return job || quit; });
            if (quit) return;
            auto run = std::move(job);
            job = nullptr;
            lock.unlock();
            run();
            lock.lock();
            done = true;
            cv.notify_all();
        }
    });
    auto on_worker = [&](std::function<void()> f) {
        std::unique_lock lock(mu);
        done = false;
        job = std::move(f);
        cv.notify_all();
        cv.wait(lock, [&] { return done; });
    };

    Result<Id> a = Status(Code::internal, "not run");
    on_worker([&] { a = first->insert_agency(agency("First")); });
    REQUIRE(a.ok());
    CHECK(*sqlite::open_connections(*first) == 1);  // the worker's
    first.reset();  // closes the worker's connection under it

    auto second = open_ok(second_file.str());
    if (second.get() == first_address) MESSAGE("the second store took the first one's address");
    Result<Id> b = Status(Code::internal, "not run");
    Result<std::vector<Agency>> listed = Status(Code::internal, "not run");
    on_worker([&] {
        b = second->insert_agency(agency("Second"));
        listed = second->list_agencies();
    });
    REQUIRE(b.ok());
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 1);
    CHECK((*listed)[0].name == "Second");
    {
        std::lock_guard lock(mu);
        quit = true;
    }
    cv.notify_all();
    worker.join();
    CHECK(*sqlite::open_connections(*second) == 0);  // the worker's went back when it ended

    auto reopened = open_ok(first_file.str());
    auto names = reopened->list_agencies();
    REQUIRE(names->size() == 1);
    CHECK((*names)[0].name == "First");
}

// ---- units of work (Store::transact) ----------------------------------------------------------------

TEST_CASE("sqlite transact: the calls of a unit are one write transaction, and see each other's writes") {
    TempDb db("unit");
    auto store = open_ok(db.str());
    auto before = sqlite::write_transactions(*store);
    REQUIRE(before.ok());
    Status st = store->transact([&]() -> Status {
        auto a = store->insert_agency(agency("North"));
        if (!a) return a.status();
        auto seen = store->get_agency(*a);  // the unit's own write, not yet committed
        if (!seen) return seen.status();
        CHECK(seen->name == "North");
        for (int i = 0; i < 5; ++i) {
            auto c = store->bump_counter("unit-counter", 100, 0);
            if (!c) return c.status();
        }
        // A unit inside the unit joins it.
        return store->transact([&]() -> Status { return store->bump_counter("unit-counter", 100, 0).status(); });
    });
    REQUIRE_MESSAGE(st.ok(), st.message());
    auto after = sqlite::write_transactions(*store);
    REQUIRE(after.ok());
    CHECK(*after - *before == 1);
    auto c = store->get_counter("unit-counter");
    REQUIRE(c.ok());
    CHECK(c->count == 6);
    // Each call outside a unit is its own transaction.
    REQUIRE(store->bump_counter("unit-counter", 100, 0).ok());
    REQUIRE(store->bump_counter("unit-counter", 100, 0).ok());
    auto last = sqlite::write_transactions(*store);
    REQUIRE(last.ok());
    CHECK(*last - *after == 2);
}

TEST_CASE("sqlite transact: a body that fails or throws rolls back everything it wrote, and other connections never saw it") {
    TempDb db("unit-rollback");
    auto store = open_ok(db.str());
    REQUIRE(store->bump_counter("kept", 100, 0).ok());
    SUBCASE("a failing status") {
        Status st = store->transact([&]() -> Status {
            REQUIRE(store->bump_counter("kept", 100, 0).ok());
            REQUIRE(store->insert_agency(agency("Rolled back")).ok());
            return Status(Code::failed_precondition, "the body changed its mind");
        });
        CHECK(st.code() == Code::failed_precondition);
        CHECK(st.message() == "the body changed its mind");
    }
    SUBCASE("an exception") {
        Status st = store->transact([&]() -> Status {
            REQUIRE(store->bump_counter("kept", 100, 0).ok());
            REQUIRE(store->insert_agency(agency("Rolled back")).ok());
            throw std::runtime_error("thrown inside the unit");
        });
        CHECK(st.code() == Code::internal);
    }
    auto c = store->get_counter("kept");
    REQUIRE(c.ok());
    CHECK(c->count == 1);
    auto agencies = store->list_agencies();
    REQUIRE(agencies.ok());
    CHECK(agencies->empty());
    // The connection is usable again, outside any unit.
    REQUIRE(store->insert_agency(agency("After")).ok());
    auto again = store->list_agencies();
    REQUIRE(again.ok());
    CHECK(again->size() == 1);
}

TEST_CASE("sqlite transact: a call that fails inside a unit undoes only itself; the unit goes on and commits") {
    TempDb db("unit-savepoint");
    auto store = open_ok(db.str());
    auto a = store->insert_agency(agency("North"));
    REQUIRE(a.ok());
    Status st = store->transact([&]() -> Status {
        AgencyPhone p;
        p.agency_id = *a;
        p.number = "+15555550100";
        REQUIRE(store->insert_agency_phone(p).ok());
        auto twice = store->insert_agency_phone(p);  // the same number: ALREADY_EXISTS, nothing written
        CHECK(twice.code() == Code::already_exists);
        AgencyPhone orphan = p;
        orphan.agency_id = *a + 100;
        orphan.number = "+15555550101";
        CHECK(store->insert_agency_phone(orphan).code() == Code::not_found);
        return store->bump_counter("after-failures", 100, 0).status();
    });
    REQUIRE_MESSAGE(st.ok(), st.message());
    auto phones = store->list_agency_phones(*a);
    REQUIRE(phones.ok());
    CHECK(phones->size() == 1);
    auto c = store->get_counter("after-failures");
    REQUIRE(c.ok());
    CHECK(c->count == 1);
}

TEST_CASE("sqlite transact: 8 threads each check-then-bump a limit of 3 inside a unit: exactly 3 pass") {
    TempDb db("unit-race");
    auto store = open_ok(db.str());
    constexpr int n = 8;
    std::atomic<int> passed{0};
    std::latch go(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&] {
            go.arrive_and_wait();
            Status st = store->transact([&]() -> Status {
                auto c = store->get_counter("limit");
                if (!c) return c.status();
                if (c->count >= 3) return {};  // the check sees every bump committed before the unit began
                auto b = store->bump_counter("limit", 100, 0);
                if (!b) return b.status();
                passed.fetch_add(1);
                return {};
            });
            CHECK(st.ok());
        });
    for (auto& t : threads) t.join();
    CHECK(passed.load() == 3);
    auto c = store->get_counter("limit");
    REQUIRE(c.ok());
    CHECK(c->count == 3);
}
