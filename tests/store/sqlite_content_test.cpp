// The SQLite schema's step 2 (events, cases, documents): a file written by a build that knew only
// step 1 is brought forward with its data, and the new tables enforce their links on disk.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <span>
#include <string>

#include "sesame/store.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temp_db.hpp"

using namespace sesame;
using sesame::test::TempDb;

namespace {

std::int64_t count_rows(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    const int prepared = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    const int rc = prepared == SQLITE_OK ? sqlite3_step(st) : prepared;
    const std::int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close_v2(db);
    REQUIRE_MESSAGE(rc == SQLITE_ROW, sql);
    return v;
}

}  // namespace

TEST_CASE("sqlite: step 2 adds events, cases and documents to a version 1 file and keeps its clients") {
    REQUIRE(sqlite::migrations().size() >= 2);
    CHECK(sqlite::migrations()[1].version == 2);
    TempDb db("content-migration");
    Id agency_id = 0, client_id = 0;
    {
        auto v1 = sqlite::open_store({db.str()}, sqlite::migrations().first(1));
        REQUIRE_MESSAGE(v1.ok(), v1.status().message());
        Agency a;
        a.name = "Old County";
        agency_id = *(*v1)->insert_agency(a);
        Client c;
        c.agency_id = agency_id;
        c.first_name = "Ann";
        client_id = *(*v1)->insert_client(c);
    }
    CHECK(count_rows(db.str(), "PRAGMA user_version") == 1);
    CHECK(count_rows(db.str(), "SELECT count(*) FROM sqlite_schema WHERE name IN ('events', 'cases', 'documents')") == 0);

    auto opened = open_sqlite_store({db.str()});
    REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    Store& store = **opened;
    CHECK(*sqlite::read_pragma(store, "user_version") == std::to_string(sqlite_schema_version()));
    REQUIRE(store.get_client(client_id).ok());
    CHECK(store.get_client(client_id)->first_name == "Ann");

    Case c;
    c.agency_id = agency_id;
    c.client_id = client_id;
    c.case_number = "CR-1";
    auto case_id = store.insert_case(c);
    REQUIRE(case_id.ok());
    Event e;
    e.agency_id = agency_id;
    e.client_id = client_id;
    e.case_id = *case_id;
    e.date = "2024-06-01";
    auto event_id = store.insert_event(e);
    REQUIRE(event_id.ok());
    Document d;
    d.agency_id = agency_id;
    d.client_id = client_id;
    d.case_id = *case_id;
    d.event_id = *event_id;
    d.name = "Notice";
    REQUIRE(store.insert_document(d).ok());

    CHECK(count_rows(db.str(), "SELECT count(*) FROM sesame_migrations WHERE version = 2") == 1);
    CHECK(count_rows(db.str(), "SELECT count(*) FROM events WHERE case_id = " + std::to_string(*case_id)) == 1);
    CHECK(count_rows(db.str(), "SELECT count(*) FROM documents WHERE event_id = " + std::to_string(*event_id)) == 1);
}

TEST_CASE("sqlite: a link to a missing row is refused by the file's foreign keys and nothing is written") {
    TempDb db("content-links");
    auto opened = open_sqlite_store({db.str()});
    REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    Store& store = **opened;
    Agency a;
    a.name = "County";
    const Id agency_id = *store.insert_agency(a);
    Client c;
    c.agency_id = agency_id;
    c.first_name = "Ben";
    const Id client_id = *store.insert_client(c);

    Event e;
    e.agency_id = agency_id;
    e.client_id = client_id;
    e.date = "2024-06-01";
    e.case_id = 77;
    CHECK(store.insert_event(e).code() == Code::not_found);
    Document d;
    d.agency_id = agency_id;
    d.client_id = client_id;
    d.name = "Form";
    d.event_id = 78;
    CHECK(store.insert_document(d).code() == Code::not_found);
    CHECK(count_rows(db.str(), "SELECT count(*) FROM events") == 0);
    CHECK(count_rows(db.str(), "SELECT count(*) FROM documents") == 0);
}
