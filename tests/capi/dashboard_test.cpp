// The dashboard through the C ABI: staff template calls answering JSON, refusals that write
// nothing, and the rendered page for a logged-in client.
#include <doctest/doctest.h>

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

using namespace sesame::test::capi;

struct CWorld : MemoryWorld {
    std::unique_ptr<sesame_engine> handle = [this] {
        auto e = sesame::Engine::open(options());
        REQUIRE_MESSAGE(e.ok(), e.status().message());
        auto h = std::make_unique<sesame_engine>();
        h->rep = std::move(*e);
        return h;
    }();
    CActor editor{"editor-1", agency.id, {"update_portals"}};
    CActor reader{"reader-1", agency.id, {}};
    sesame_engine* h() { return handle.get(); }

    Answer set(const CActor& who, int64_t portal_id, const char* language, const char* text) {
        return call([&](sesame_buf* out) {
            return sesame_dashboard_template_set(out, h(), who.get(), portal_id, language, text);
        });
    }
    Answer list(const CActor& who, int64_t portal_id) {
        return call([&](sesame_buf* out) { return sesame_dashboard_template_list(out, h(), who.get(), portal_id); });
    }
    std::string render(const std::string& token, sesame_status expect = SESAME_OK) {
        sesame_buf out{nullptr, 0};
        const sesame_status st = sesame_dashboard_render(&out, h(), portal.id, token.c_str());
        CHECK_MESSAGE(st == expect, sesame_status_name(st), ": ", sesame_last_error_message());
        std::string html = out.data ? std::string(out.data, out.size) : std::string();
        if (st != SESAME_OK) CHECK(out.data == nullptr);
        sesame_buf_free(&out);
        return html;
    }
};

}  // namespace

TEST_CASE("capi dashboard: set, get, list and delete answer JSON records") {
    CWorld w;
    w.clock->set(1'772'463'600);
    const json stored = ok([&](sesame_buf* out) {
        return sesame_dashboard_template_set(out, w.h(), w.editor.get(), w.portal.id, "es", "Hola [ClientFirstName]");
    });
    CHECK(stored == json{{"portal_id", w.portal.id}, {"language", "es"}, {"text", "Hola [ClientFirstName]"},
                         {"updated_at", 1'772'463'600}});
    ok([&](sesame_buf* out) {
        return sesame_dashboard_template_set(out, w.h(), w.editor.get(), w.portal.id, "en", "Hi [ClientFirstName]");
    });
    const json got = ok([&](sesame_buf* out) {
        return sesame_dashboard_template_get(out, w.h(), w.reader.get(), w.portal.id, "en");
    });
    CHECK(got.at("text") == "Hi [ClientFirstName]");
    const json listed = ok([&](sesame_buf* out) {
        return sesame_dashboard_template_list(out, w.h(), w.reader.get(), w.portal.id);
    });
    REQUIRE(listed.is_array());
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].at("language") == "en");
    CHECK(listed[1].at("language") == "es");

    CHECK(sesame_dashboard_template_delete(w.h(), w.editor.get(), w.portal.id, "en") == SESAME_OK);
    CHECK(sesame_dashboard_template_delete(w.h(), w.editor.get(), w.portal.id, "en") == SESAME_E_NOT_FOUND);
    CHECK(has(sesame_last_error_message(), "no dashboard template"));
    const Answer gone = call([&](sesame_buf* out) {
        return sesame_dashboard_template_get(out, w.h(), w.reader.get(), w.portal.id, "en");
    });
    CHECK(gone.status == SESAME_E_NOT_FOUND);
    CHECK(w.list(w.reader, w.portal.id).body.size() == 1);
}

TEST_CASE("capi dashboard: refusals name the problem and write nothing") {
    CWorld w;
    Answer a = w.set(w.editor, w.portal.id, "en", "Hello\n[ClientShoeSize]");
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK_MESSAGE(has(a.message, "unknown merge tag [ClientShoeSize] at line 2, column 1"), a.message);
    a = w.set(w.editor, w.portal.id, "EN", "Hello");
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "ISO 639-1"));
    a = w.set(w.editor, w.portal.id, nullptr, "Hello");
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "language is NULL"));
    a = w.set(w.editor, w.portal.id, "en", nullptr);
    CHECK(a.status == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(a.message, "text is NULL"));
    a = w.set(w.reader, w.portal.id, "en", "Hello");
    CHECK(a.status == SESAME_E_PERMISSION_DENIED);
    a = w.set(w.editor, w.portal.id + 999, "en", "Hello");
    CHECK(a.status == SESAME_E_NOT_FOUND);
    CHECK(sesame_dashboard_template_set(nullptr, w.h(), w.editor.get(), w.portal.id, "en", "x") ==
          SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "out_json is NULL"));
    CHECK(sesame_dashboard_template_delete(w.h(), w.editor.get(), w.portal.id, nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_dashboard_template_delete(w.h(), w.reader.get(), w.portal.id, "en") == SESAME_E_PERMISSION_DENIED);
    CHECK(w.list(w.editor, w.portal.id).body.empty());

    // Another agency's portal answers as a missing one.
    sesame::Agency other = w.make_agency("Other County");
    const sesame::Portal theirs = w.make_portal(other, "theirs");
    CActor root{"root", 0, {}, true};
    REQUIRE(w.set(root, theirs.id, "en", "Theirs").status == SESAME_OK);
    CHECK(w.list(w.editor, theirs.id).status == SESAME_E_NOT_FOUND);
    CHECK(w.set(w.editor, theirs.id, "en", "Mine").status == SESAME_E_NOT_FOUND);
    CHECK(w.list(root, theirs.id).body.at(0).at("text") == "Theirs");
}

TEST_CASE("capi dashboard: render gives the client's page as escaped HTML, and checks the session") {
    CWorld w;
    w.clock->set(1'772'463'600);  // Monday March 2, 2026, 9:00 in Chicago
    w.render("not-a-token", SESAME_E_SESSION_INVALID);
    const auto login = w.login();

    // Built-in English page when the portal has none.
    const std::string built_in = w.render(login.token);
    CHECK(has(built_in, "Hello Ann,"));
    CHECK(has(built_in, "Today is Monday, March 2, 2026."));

    sesame::Client ann = w.ann;
    ann.first_name = "<script>x</script>";
    REQUIRE(w.engine->update_client(w.root, ann).ok());
    REQUIRE(w.set(w.editor, w.portal.id, "en", "<p>[ClientFirstName] [%Link:% PortalLink]</p>").status == SESAME_OK);
    CHECK(w.render(login.token) ==
          "&lt;p&gt;&lt;script&gt;x&lt;/script&gt; Link: https://portal.example.gov/&lt;/p&gt;");

    CHECK(sesame_dashboard_render(nullptr, w.h(), w.portal.id, login.token.c_str()) == SESAME_E_INVALID_ARGUMENT);
    CHECK(has(sesame_last_error_message(), "out_html is NULL"));
    sesame_buf out{nullptr, 0};
    CHECK(sesame_dashboard_render(&out, w.h(), w.portal.id, nullptr) == SESAME_E_INVALID_ARGUMENT);
    CHECK(sesame_dashboard_render(&out, nullptr, w.portal.id, login.token.c_str()) == SESAME_E_INVALID_ARGUMENT);
    CHECK(out.data == nullptr);

    REQUIRE(w.engine->logout(w.portal.id, login.token).ok());
    w.render(login.token, SESAME_E_SESSION_INVALID);
}
