// Sidebar items and gated resources through the C ABI: strict JSON records for staff, and the two
// visitor calls, sesame_sidebar and sesame_can_access, with and without a session.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capi/internal.hpp"
#include "engine/support.hpp"
#include "capi/c_support.hpp"
#include "sesame/sesame.h"

namespace {

using nlohmann::json;
using sesame::test::MemoryWorld;
using sesame::test::World;

using namespace sesame::test::capi;

int64_t id_of(const json& j) { return j.at("id").get<int64_t>(); }

std::vector<std::string> titles(const json& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.at("title").get<std::string>());
    return out;
}

struct CWorld : MemoryWorld {
    std::unique_ptr<sesame_engine> handle = [this] {
        auto e = sesame::Engine::open(options());
        REQUIRE_MESSAGE(e.ok(), e.status().message());
        auto h = std::make_unique<sesame_engine>();
        h->rep = std::move(*e);
        return h;
    }();
    CActor staff{"editor-1", agency.id, {"update_portals"}};
    CActor reader{"reader-1", agency.id, {}};
    sesame_engine* h() { return handle.get(); }

    Answer create_item(const json& record, const CActor& who) {
        const std::string text = record.dump();
        return call([&](sesame_buf* out) { return sesame_sidebar_item_create(out, h(), who.get(), text.c_str()); });
    }
    json create_item(const json& record) {
        Answer a = create_item(record, staff);
        REQUIRE_MESSAGE(a.status == SESAME_OK, sesame_status_name(a.status), ": ", a.message);
        return a.body;
    }
    Answer create_resource(const json& record, const CActor& who) {
        const std::string text = record.dump();
        return call([&](sesame_buf* out) { return sesame_gated_resource_create(out, h(), who.get(), text.c_str()); });
    }
    json create_resource(const json& record) {
        Answer a = create_resource(record, staff);
        REQUIRE_MESSAGE(a.status == SESAME_OK, sesame_status_name(a.status), ": ", a.message);
        return a.body;
    }
    json sidebar(const char* token) {
        return ::ok([&](sesame_buf* out) { return sesame_sidebar(out, h(), portal.id, token); });
    }
    int32_t access(const char* token, const char* kind, const char* slug) {
        int32_t out = -1;
        const sesame_status st = sesame_can_access(&out, h(), portal.id, token, kind, slug);
        REQUIRE_MESSAGE(st == SESAME_OK, sesame_status_name(st), ": ", sesame_last_error_message());
        return out;
    }
};

}  // namespace

TEST_CASE("capi navigation: sidebar items and gated resources round-trip as JSON records, updates are partial") {
    CWorld w;
    const json item = w.create_item({{"portal_id", w.portal.id},
                                     {"agency_id", 999},
                                     {"title", "<b>Hearings</b>"},
                                     {"link", "/hearings"},
                                     {"order", 20},
                                     {"visibility", "private"}});
    const json expected = {{"id", id_of(item)},
                           {"agency_id", w.agency.id},
                           {"portal_id", w.portal.id},
                           {"title", "<b>Hearings</b>"},
                           {"titles", json::object()},
                           {"link", "/hearings"},
                           {"order", 20},
                           {"visibility", "private"},
                           {"created_at", w.clock->now()},
                           {"revision", 1}};
    CHECK(item == expected);
    CHECK(ok([&](sesame_buf* out) { return sesame_sidebar_item_get(out, w.h(), w.reader.get(), id_of(item)); }) ==
          expected);
    const json home = w.create_item({{"portal_id", w.portal.id}, {"title", "Home"}, {"link", "https://court.example.gov/"}});
    CHECK(home["order"] == 0);
    CHECK(home["visibility"] == "public");
    CHECK(titles(ok([&](sesame_buf* out) { return sesame_sidebar_item_list(out, w.h(), w.reader.get(), w.portal.id); })) ==
          std::vector<std::string>{"Home", "<b>Hearings</b>"});

    const std::string change = json{{"id", id_of(item)}, {"order", 0}, {"visibility", "public"}}.dump();
    const json after =
        ok([&](sesame_buf* out) { return sesame_sidebar_item_update(out, w.h(), w.staff.get(), change.c_str()); });
    json want = expected;
    want["order"] = 0;
    want["visibility"] = "public";
    want["revision"] = 2;
    CHECK(after == want);
    CHECK(titles(ok([&](sesame_buf* out) { return sesame_sidebar_item_list(out, w.h(), w.reader.get(), w.portal.id); })) ==
          std::vector<std::string>{"<b>Hearings</b>", "Home"});  // both at order 0: by id

    const json form = w.create_resource(
        {{"portal_id", w.portal.id}, {"kind", "form"}, {"slug", "intake"}, {"title", "Intake"}, {"requires_login", true}});
    CHECK(form["agency_id"] == w.agency.id);
    CHECK(form["kind"] == "form");
    CHECK(form["requires_login"] == true);
    const json cal = w.create_resource({{"portal_id", w.portal.id}, {"kind", "calendar"}, {"slug", "court"}, {"title", "Court"}});
    CHECK(cal["requires_login"] == false);
    const json listed =
        ok([&](sesame_buf* out) { return sesame_gated_resource_list(out, w.h(), w.reader.get(), w.portal.id); });
    REQUIRE(listed.size() == 2);
    CHECK(listed[0] == cal);
    CHECK(listed[1] == form);
    const std::string open = json{{"id", id_of(form)}, {"requires_login", false}}.dump();
    CHECK(ok([&](sesame_buf* out) {
              return sesame_gated_resource_update(out, w.h(), w.staff.get(), open.c_str());
          })["requires_login"] == false);
    CHECK(ok([&](sesame_buf* out) { return sesame_gated_resource_get(out, w.h(), w.reader.get(), id_of(form)); })["slug"] ==
          "intake");

    CHECK(sesame_sidebar_item_delete(w.h(), w.staff.get(), id_of(home)) == SESAME_OK);
    CHECK(sesame_sidebar_item_delete(w.h(), w.staff.get(), id_of(home)) == SESAME_E_NOT_FOUND);
    CHECK(sesame_gated_resource_delete(w.h(), w.staff.get(), id_of(cal)) == SESAME_OK);
    CHECK(w.store->list_sidebar_items(w.portal.id)->size() == 1);
    CHECK(w.store->list_gated_resources(w.portal.id)->size() == 1);
}

TEST_CASE("capi navigation: titles per language cross as an object, are validated and reach the visitor's sidebar") {
    CWorld w;
    const json item = w.create_item({{"portal_id", w.portal.id},
                                     {"title", "Hearing calendar"},
                                     {"titles", {{"es", "Calendario de audiencias"}}},
                                     {"link", "/calendars/hearings"}});
    CHECK(item["titles"] == json{{"es", "Calendario de audiencias"}});
    CHECK(w.store->get_sidebar_item(id_of(item))->titles == sesame::Titles{{"es", "Calendario de audiencias"}});
    const json visible = w.sidebar(nullptr);
    REQUIRE(visible.size() == 1);
    CHECK(visible[0]["title"] == "Hearing calendar");
    CHECK(visible[0]["titles"] == json{{"es", "Calendario de audiencias"}});

    // An update without "titles" keeps them; with it, replaces them whole.
    std::string change = json{{"id", id_of(item)}, {"order", 3}}.dump();
    CHECK(ok([&](sesame_buf* out) {
              return sesame_sidebar_item_update(out, w.h(), w.staff.get(), change.c_str());
          })["titles"] == json{{"es", "Calendario de audiencias"}});
    change = json{{"id", id_of(item)}, {"titles", {{"fr", "Calendrier"}}}}.dump();
    CHECK(ok([&](sesame_buf* out) {
              return sesame_sidebar_item_update(out, w.h(), w.staff.get(), change.c_str());
          })["titles"] == json{{"fr", "Calendrier"}});

    const json form = w.create_resource({{"portal_id", w.portal.id},
                                         {"kind", "form"},
                                         {"slug", "check-in"},
                                         {"title", "Check-in form"},
                                         {"titles", {{"es", "Formulario de registro"}}}});
    CHECK(form["titles"] == json{{"es", "Formulario de registro"}});
    CHECK(ok([&](sesame_buf* out) { return sesame_gated_resource_get(out, w.h(), w.reader.get(), id_of(form)); })["titles"] ==
          json{{"es", "Formulario de registro"}});
    const json plain = w.create_resource({{"portal_id", w.portal.id}, {"kind", "calendar"}, {"slug", "c"}, {"title", "C"}});
    CHECK(plain["titles"] == json::object());

    // Refusals name the field; nothing is written.
    Answer a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}, {"link", "/x"}, {"titles", "es"}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "\"sidebar_item.titles\" must be an object of strings"));
    a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}, {"link", "/x"}, {"titles", {{"es", 1}}}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "sidebar_item.titles"));
    a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}, {"link", "/x"}, {"titles", {{"Spanish", "X"}}}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "titles: each language is an ISO 639-1 code"));
    a = w.create_resource({{"portal_id", w.portal.id},
                           {"kind", "form"},
                           {"slug", "g"},
                           {"title", "G"},
                           {"titles", {{"es", std::string(201, 'x')}}}},
                          w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "titles.es: 1 to 200 bytes"));
    CHECK(w.store->list_sidebar_items(w.portal.id)->size() == 1);
    CHECK(w.store->list_gated_resources(w.portal.id)->size() == 2);
}

TEST_CASE("capi navigation: refusals name the field or permission and write nothing") {
    CWorld w;
    const json item = w.create_item({{"portal_id", w.portal.id}, {"title", "Home"}, {"link", "/"}});
    const json res = w.create_resource({{"portal_id", w.portal.id}, {"kind", "form"}, {"slug", "f"}, {"title", "F"}});

    Answer a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}, {"link", "javascript:alert(1)"}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "link"));
    a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "\"sidebar_item.link\" is required"));
    a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}, {"link", "/x"}, {"visibility", "secret"}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "sidebar_item.visibility"));
    // A field the record does not have is ignored, and named in the warnings.
    a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}, {"link", "/x"}, {"colour", "red"}}, w.staff);
    CHECK(a.status == SESAME_OK);
    CHECK(has(sesame_last_warnings(), "\\\"sidebar_item.colour\\\" ignored"));
    CHECK_FALSE(a.body.contains("colour"));
    CHECK(sesame_sidebar_item_delete(w.h(), w.staff.get(), id_of(a.body)) == SESAME_OK);
    a = w.create_item({{"id", 5}, {"portal_id", w.portal.id}, {"title", "X"}, {"link", "/x"}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    a = w.create_item({{"portal_id", w.portal.id}, {"title", "X"}, {"link", "/x"}}, w.reader);
    CHECK(a.status == SESAME_E_PERMISSION_DENIED);
    CHECK(has(a.message, "update_portals"));
    a = w.create_resource({{"portal_id", w.portal.id}, {"kind", "page"}, {"slug", "g"}, {"title", "G"}}, w.staff);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "gated_resource.kind"));
    a = w.create_resource({{"portal_id", w.portal.id}, {"kind", "form"}, {"slug", "f"}, {"title", "Again"}}, w.staff);
    CHECK(a.status == SESAME_E_ALREADY_EXISTS);
    CHECK(has(a.message, "slug"));
    const std::string move = json{{"id", id_of(res)}, {"portal_id", w.portal.id + 1}}.dump();
    a = call([&](sesame_buf* out) { return sesame_gated_resource_update(out, w.h(), w.staff.get(), move.c_str()); });
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_sidebar_item_delete(w.h(), w.reader.get(), id_of(item)) == SESAME_E_PERMISSION_DENIED);
    CHECK(sesame_gated_resource_delete(w.h(), w.reader.get(), id_of(res)) == SESAME_E_PERMISSION_DENIED);
    CHECK(sesame_sidebar_item_delete(nullptr, w.staff.get(), id_of(item)) == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_gated_resource_delete(w.h(), nullptr, id_of(res)) == SESAME_E_INVALID_ARGUMENT);

    // Another agency's rows read as missing ones.
    sesame::Agency rival = w.make_agency("Rival County");
    CActor outsider{"outsider", rival.id, {"update_portals"}};
    a = call([&](sesame_buf* out) { return sesame_sidebar_item_get(out, w.h(), outsider.get(), id_of(item)); });
    CHECK(a.status == SESAME_E_NOT_FOUND);
    a = call([&](sesame_buf* out) { return sesame_gated_resource_list(out, w.h(), outsider.get(), w.portal.id); });
    CHECK(a.status == SESAME_E_NOT_FOUND);
    CHECK(sesame_gated_resource_delete(w.h(), outsider.get(), id_of(res)) == SESAME_E_NOT_FOUND);

    CHECK(w.store->list_sidebar_items(w.portal.id)->size() == 1);
    CHECK(w.store->get_gated_resource(id_of(res))->portal_id == w.portal.id);
    CHECK(w.store->list_gated_resources(w.portal.id)->size() == 1);
}

TEST_CASE("capi navigation: the sidebar and the gate follow the visitor's session and Client Authentication") {
    CWorld w;
    w.create_item({{"portal_id", w.portal.id}, {"title", "Home"}, {"link", "/"}, {"order", 1}});
    w.create_item({{"portal_id", w.portal.id}, {"title", "Mine"}, {"link", "/mine"}, {"order", 2}, {"visibility", "private"}});
    w.create_resource(
        {{"portal_id", w.portal.id}, {"kind", "calendar"}, {"slug", "hearings"}, {"title", "H"}, {"requires_login", true}});
    w.create_resource({{"portal_id", w.portal.id}, {"kind", "form"}, {"slug", "contact"}, {"title", "C"}});

    CHECK(titles(w.sidebar(nullptr)) == std::vector<std::string>{"Home"});
    CHECK(titles(w.sidebar("not-a-token")) == std::vector<std::string>{"Home"});
    CHECK(w.access(nullptr, "calendar", "hearings") == SESAME_ACCESS_LOGIN_REQUIRED);
    CHECK(w.access(nullptr, "form", "contact") == SESAME_ACCESS_ALLOWED);

    const auto v = w.login();
    const json shown = w.sidebar(v.token.c_str());
    CHECK(titles(shown) == std::vector<std::string>{"Home", "Mine"});
    CHECK(shown[1]["visibility"] == "private");
    CHECK(w.access(v.token.c_str(), "calendar", "hearings") == SESAME_ACCESS_ALLOWED);

    w.set_client_auth(w.portal, sesame::ClientAuth::disabled);
    CHECK(titles(w.sidebar(v.token.c_str())) == std::vector<std::string>{"Home"});
    CHECK(w.access(v.token.c_str(), "calendar", "hearings") == SESAME_ACCESS_UNAVAILABLE);
    CHECK(w.access(nullptr, "calendar", "hearings") == SESAME_ACCESS_UNAVAILABLE);
    w.set_client_auth(w.portal, sesame::ClientAuth::one_time_password);
    CHECK(w.access(v.token.c_str(), "calendar", "hearings") == SESAME_ACCESS_LOGIN_REQUIRED);
    CHECK(titles(w.sidebar(v.token.c_str())) == std::vector<std::string>{"Home"});

    int32_t out = 77;
    CHECK(sesame_can_access(&out, w.h(), w.portal.id, nullptr, "calendar", "missing") == SESAME_E_NOT_FOUND);
    CHECK(sesame_can_access(&out, w.h(), 9999, nullptr, "calendar", "hearings") == SESAME_E_NOT_FOUND);
    CHECK(sesame_can_access(&out, w.h(), w.portal.id, nullptr, "page", "hearings") == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "kind"));
    CHECK(sesame_can_access(&out, w.h(), w.portal.id, nullptr, nullptr, "hearings") == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_can_access(&out, w.h(), w.portal.id, nullptr, "calendar", nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "slug"));
    CHECK(sesame_can_access(nullptr, w.h(), w.portal.id, nullptr, "calendar", "hearings") == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_can_access(&out, nullptr, w.portal.id, nullptr, "calendar", "hearings") == SESAME_E_INVALID_ARGUMENT);
    CHECK(out == 77);  // untouched by every failure

    Answer a = call([&](sesame_buf* o) { return sesame_sidebar(o, w.h(), 9999, nullptr); });
    CHECK(a.status == SESAME_E_NOT_FOUND);
    CHECK(sesame_sidebar(nullptr, w.h(), w.portal.id, nullptr) == SESAME_E_INVALID_ARGUMENT);
    a = call([&](sesame_buf* o) { return sesame_sidebar(o, nullptr, w.portal.id, nullptr); });
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
}
