// The SQLite schema's step 7 (titles per language of sidebar items and gated resources): rows written
// by a build that knew only step 6 read back with no titles, and take titles afterwards.
#include <doctest/doctest.h>


#include <string>

#include "exec_sql.hpp"
#include "sesame/store.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temp_db.hpp"

using namespace sesame;
using sesame::test::exec_sql;
using sesame::test::TempDb;

TEST_CASE("sqlite: step 7 gives the sidebar items and gated resources of a version 6 file empty titles per language") {
    REQUIRE(sqlite::migrations().size() >= 7);
    CHECK(sqlite::migrations()[6].version == 7);
    TempDb db("titles-migration");
    Id agency_id = 0, portal_id = 0;
    {
        auto v6 = sqlite::open_store({db.str()}, sqlite::migrations().first(6));
        REQUIRE_MESSAGE(v6.ok(), v6.status().message());
        Agency a;
        a.name = "Old County";
        agency_id = *(*v6)->insert_agency(a);
        Portal p;
        p.agency_id = agency_id;
        p.name = "Old portal";
        p.slug = "old";
        portal_id = *(*v6)->insert_portal(p);
    }
    // The rows as a step-6 build wrote them: no titles column.
    exec_sql(db.str(), "INSERT INTO sidebar_items (agency_id, portal_id, title, link, item_order, visibility, created_at) "
                   "VALUES (" + std::to_string(agency_id) + ", " + std::to_string(portal_id) +
                       ", 'Hearing calendar', '/calendars/hearings', 10, 'public', 1)");
    exec_sql(db.str(), "INSERT INTO gated_resources (agency_id, portal_id, kind, slug, title, requires_login, created_at) "
                   "VALUES (" + std::to_string(agency_id) + ", " + std::to_string(portal_id) +
                       ", 'form', 'check-in', 'Check-in form', 1, 2)");

    auto opened = open_sqlite_store({db.str()});
    REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    Store& store = **opened;
    CHECK(*sqlite::read_pragma(store, "user_version") == std::to_string(sqlite_schema_version()));

    auto items = store.list_sidebar_items(portal_id);
    REQUIRE(items.ok());
    REQUIRE(items->size() == 1);
    SidebarItem item = items->front();
    CHECK(item.title == "Hearing calendar");
    CHECK(item.titles.empty());
    auto form = store.find_gated_resource(portal_id, ResourceKind::form, "check-in");
    REQUIRE(form.ok());
    CHECK(form->title == "Check-in form");
    CHECK(form->titles.empty());

    item.titles = {{"es", "Calendario de audiencias"}};
    REQUIRE(store.update_sidebar_item(item).ok());
    CHECK(store.get_sidebar_item(item.id)->titles == Titles{{"es", "Calendario de audiencias"}});
    GatedResource changed = *form;
    changed.titles = {{"es", "Formulario de registro"}};
    REQUIRE(store.update_gated_resource(changed).ok());
    CHECK(store.get_gated_resource(changed.id)->titles == Titles{{"es", "Formulario de registro"}});

    // A cell edited by hand into something that is not an object of strings reads as no titles
    // rather than failing the whole sidebar.
    exec_sql(db.str(), "UPDATE sidebar_items SET titles = 'not json'");
    exec_sql(db.str(), "UPDATE gated_resources SET titles = '{\"es\": 3, \"fr\": \"Formulaire\"}'");
    items = store.list_sidebar_items(portal_id);
    REQUIRE(items.ok());
    REQUIRE(items->size() == 1);
    CHECK(items->front().titles.empty());
    CHECK(store.get_gated_resource(changed.id)->titles == Titles{{"fr", "Formulaire"}});
}
