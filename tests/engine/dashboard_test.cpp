// The dashboard: staff templates per portal and language (permissions, agency isolation, parser
// refusals, audit) and the page a logged-in client gets (language fallback, merge values, agency
// dates, escaping).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "engine/support.hpp"
#include "sesame/merge_tags.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

// 2026-03-02T15:00:00Z: Monday March 2, 9:00 in Chicago.
constexpr UnixTime kMondayMorning = 1'772'463'600;

Actor editor(Id agency_id, std::set<std::string> permissions = {"update_portals"}) {
    return Actor{"editor-1", agency_id, std::move(permissions), false};
}

Actor content_clerk(Id agency_id) {
    return Actor{"clerk-1", agency_id, {"create_events", "create_cases", "create_documents", "update_clients"}, false};
}

template <class T>
T ok(Result<T> r) {
    REQUIRE_MESSAGE(r.ok(), code_name(r.code()), ": ", r.status().message());
    return std::move(*r);
}

Event event_on(const Client& c, const std::string& date, const std::string& time, const std::string& location) {
    Event e;
    e.client_id = c.id;
    e.date = date;
    e.time = time;
    e.type = "hearing";
    e.location = location;
    e.judge = "Hon. Ada Park";
    e.case_number = "CR-100";
    return e;
}

// Ann logged in on the demo portal, with the clock on a Monday morning in Chicago.
std::string logged_in(World& w) {
    w.clock->set(kMondayMorning);
    return w.login().token;
}

std::string page(World& w, const std::string& token) {
    auto r = w.engine->render_dashboard(w.portal.id, token);
    REQUIRE_MESSAGE(r.ok(), code_name(r.code()), ": ", r.status().message());
    return r->html;
}

}  // namespace

TEST_CASE_TEMPLATE("dashboard: staff set, replace, get, list and delete templates on each store", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    const Actor staff = editor(w.agency.id);
    w.clock->set(kMondayMorning);

    const auto es = ok(w.engine->set_dashboard_template(staff, w.portal.id, "es", "Hola [ClientFirstName]"));
    CHECK(es.portal_id == w.portal.id);
    CHECK(es.language == "es");
    CHECK(es.updated_at == kMondayMorning);
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "en", "Hello [ClientFirstName]"));
    w.clock->advance(60);
    const auto replaced = ok(w.engine->set_dashboard_template(staff, w.portal.id, "en", "Hi [ClientName]"));
    CHECK(replaced.updated_at == kMondayMorning + 60);

    const auto got = ok(w.engine->get_dashboard_template(staff, w.portal.id, "en"));
    CHECK(got.text == "Hi [ClientName]");
    CHECK(got.updated_at == kMondayMorning + 60);
    const auto listed = ok(w.engine->list_dashboard_templates(staff, w.portal.id));
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].language == "en");
    CHECK(listed[1].language == "es");

    REQUIRE(w.engine->delete_dashboard_template(staff, w.portal.id, "en").ok());
    CHECK(w.engine->get_dashboard_template(staff, w.portal.id, "en").code() == Code::not_found);
    CHECK(w.engine->delete_dashboard_template(staff, w.portal.id, "en").code() == Code::not_found);
    CHECK(ok(w.engine->list_dashboard_templates(staff, w.portal.id)).size() == 1);

    // Audited with portal and language, never the text.
    const auto sets = w.events->of("dashboard.set");
    REQUIRE(sets.size() == 3);
    CHECK(sets[0].target == "portal:" + std::to_string(w.portal.id) + " language:es");
    CHECK(sets[0].actor == "staff:editor-1");
    CHECK(sets[0].outcome == "ok");
    for (const auto& e : w.events->all()) CHECK_FALSE(contains(e.detail, "ClientFirstName"));
    REQUIRE(w.events->of("dashboard.delete").size() == 1);
    CHECK(w.events->of("dashboard.delete")[0].agency_id == w.agency.id);
}

TEST_CASE_TEMPLATE("dashboard: an unknown tag or bad syntax is refused with its position and nothing is written", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    const Actor staff = editor(w.agency.id);
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "en", "Hello [ClientFirstName]"));

    auto r = w.engine->set_dashboard_template(staff, w.portal.id, "en", "Hello\nDear [ClientShoeSize]!");
    CHECK(r.code() == Code::invalid_argument);
    CHECK_MESSAGE(contains(r.status().message(), "unknown merge tag [ClientShoeSize] at line 2, column 6"),
                  r.status().message());
    CHECK(contains(r.status().message(), "text"));
    r = w.engine->set_dashboard_template(staff, w.portal.id, "en", "Hello [ClientFirstName");
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "line 1, column 7"));
    r = w.engine->set_dashboard_template(staff, w.portal.id, "fr", "[%Case:% CaseNumber");
    CHECK(r.code() == Code::invalid_argument);
    r = w.engine->set_dashboard_template(staff, w.portal.id, "en", "");
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "delete the template"));
    r = w.engine->set_dashboard_template(staff, w.portal.id, "en", std::string(kMaxMergeTemplateBytes + 1, 'x'));
    CHECK(r.code() == Code::invalid_argument);
    CHECK(contains(r.status().message(), "20000"));

    for (const char* language : {"EN", "e", "eng", "e1", ""}) {
        CAPTURE(language);
        r = w.engine->set_dashboard_template(staff, w.portal.id, language, "Hello");
        CHECK(r.code() == Code::invalid_argument);
        CHECK(contains(r.status().message(), "ISO 639-1"));
        CHECK(w.engine->get_dashboard_template(staff, w.portal.id, language).code() == Code::invalid_argument);
    }

    // Nothing changed: the first template is still there, alone.
    const auto listed = ok(w.engine->list_dashboard_templates(staff, w.portal.id));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].text == "Hello [ClientFirstName]");
    CHECK(w.events->of("dashboard.set").size() == 1);
}

TEST_CASE("dashboard: set and delete need update_portals; another agency's portal is NOT_FOUND, as a missing one") {
    MemoryWorld w;
    const Actor staff = editor(w.agency.id);
    const Actor reader = editor(w.agency.id, {"view_messages"});
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "en", "Hello"));

    CHECK(w.engine->set_dashboard_template(reader, w.portal.id, "en", "Changed").code() == Code::permission_denied);
    CHECK(w.engine->delete_dashboard_template(reader, w.portal.id, "en").code() == Code::permission_denied);
    CHECK(w.events->count("dashboard.set", "missing_permission:update_portals") == 1);
    CHECK(w.events->count("dashboard.delete", "missing_permission:update_portals") == 1);
    // Reading needs only the portal.
    CHECK(ok(w.engine->get_dashboard_template(reader, w.portal.id, "en")).text == "Hello");
    CHECK(ok(w.engine->list_dashboard_templates(reader, w.portal.id)).size() == 1);

    Agency other = w.make_agency("Other County");
    const Portal theirs = w.make_portal(other, "other");
    ok(w.engine->set_dashboard_template(w.root, theirs.id, "en", "Theirs"));
    const Id missing = theirs.id + 1000;
    auto refused = w.engine->set_dashboard_template(staff, theirs.id, "en", "Mine now");
    auto absent = w.engine->set_dashboard_template(staff, missing, "en", "Mine now");
    CHECK(refused.code() == Code::not_found);
    CHECK(absent.code() == Code::not_found);
    CHECK(refused.status().message() ==
          "no portal with id " + std::to_string(theirs.id));
    CHECK(w.engine->get_dashboard_template(staff, theirs.id, "en").code() == Code::not_found);
    CHECK(w.engine->list_dashboard_templates(staff, theirs.id).code() == Code::not_found);
    CHECK(w.engine->delete_dashboard_template(staff, theirs.id, "en").code() == Code::not_found);
    CHECK(ok(w.engine->get_dashboard_template(w.root, theirs.id, "en")).text == "Theirs");
}

TEST_CASE_TEMPLATE("dashboard: the client's language first, then the portal's default, then built-in ones", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    const Actor staff = editor(w.agency.id);
    const std::string token = logged_in(w);

    // Nothing stored: the built-in English page.
    auto r = ok(w.engine->render_dashboard(w.portal.id, token));
    CHECK(r.built_in);
    CHECK(r.language == "en");
    CHECK(contains(r.html, "Hello Ann,"));
    CHECK(contains(r.html, "Today is Monday, March 2, 2026."));
    CHECK(contains(r.html, "Welcome to Client Portal of Demo County Court."));

    // The portal's default language (en) once stored.
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "en", "EN [ClientFirstName]"));
    r = ok(w.engine->render_dashboard(w.portal.id, token));
    CHECK_FALSE(r.built_in);
    CHECK(r.html == "EN Ann");

    // Ann reads Spanish: her language wins once it exists.
    Client ann = w.ann;
    ann.language = "es";
    ann = ok(w.engine->update_client(w.root, ann));
    CHECK(page(w, token) == "EN Ann");
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "es", "ES [ClientFirstName] [DateToday]"));
    r = ok(w.engine->render_dashboard(w.portal.id, token));
    CHECK(r.language == "es");
    CHECK(r.html == "ES Ann lunes, 2 de marzo de 2026");

    // Without stored templates, the built-in one in her language.
    REQUIRE(w.engine->delete_dashboard_template(staff, w.portal.id, "es").ok());
    REQUIRE(w.engine->delete_dashboard_template(staff, w.portal.id, "en").ok());
    r = ok(w.engine->render_dashboard(w.portal.id, token));
    CHECK(r.built_in);
    CHECK(r.language == "es");
    CHECK(contains(r.html, "Hola, Ann:"));
    CHECK(contains(r.html, "Hoy es lunes, 2 de marzo de 2026."));

    // A language without a built-in template: the portal's default language's.
    ann.language = "fr";
    ann = ok(w.engine->update_client(w.root, ann));
    w.settings([](PortalSettings& s) { s.default_language = "es"; });
    r = ok(w.engine->render_dashboard(w.portal.id, token));
    CHECK(r.built_in);
    CHECK(r.language == "es");
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "fr", "FR [ClientFirstName]"));
    CHECK(page(w, token) == "FR Ann");
    CHECK_FALSE(Engine::built_in_dashboard_template("en").empty());
    CHECK_FALSE(Engine::built_in_dashboard_template("es").empty());
    CHECK(Engine::built_in_dashboard_template("fr").empty());
    CHECK(parse_merge_template(Engine::built_in_dashboard_template("en")).ok());
    CHECK(parse_merge_template(Engine::built_in_dashboard_template("es")).ok());
}

TEST_CASE_TEMPLATE("dashboard: values from the client, agency, portal, upcoming events, open case and documents", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    const Actor staff = editor(w.agency.id);
    const Actor clerk = content_clerk(w.agency.id);
    const std::string token = logged_in(w);

    Case closed;
    closed.client_id = w.ann.id;
    closed.case_number = "CR-OLD";
    closed.status = "closed";
    ok(w.engine->create_case(clerk, closed));
    Case open = closed;
    open.case_number = "CR-2026-7";
    open.type = "misdemeanor";
    open.status = "open";
    ok(w.engine->create_case(clerk, open));
    // Yesterday in Chicago (not upcoming), a cancelled one, and two upcoming out of order.
    ok(w.engine->create_event(clerk, event_on(w.ann, "2026-03-01", "10:00", "Yesterday Hall")));
    Event cancelled = event_on(w.ann, "2026-03-02", "08:00", "Cancelled Hall");
    cancelled.status = "cancelled";
    ok(w.engine->create_event(clerk, cancelled));
    ok(w.engine->create_event(clerk, event_on(w.ann, "2026-03-10", "14:00", "Room 9")));
    ok(w.engine->create_event(clerk, event_on(w.ann, "2026-03-02", "09:30", "Courtroom 2")));
    Document doc;
    doc.client_id = w.ann.id;
    doc.type = "form";
    doc.name = "Financial affidavit";
    doc.due_date = "2026-03-05";
    ok(w.engine->create_document(clerk, doc));

    ok(w.engine->set_dashboard_template(
        staff, w.portal.id, "en",
        "[ClientName]|[ClientLastName]|[ClientReference]|[ClientLanguage]|[AgencyName]|[PortalName]|[PortalLink]|"
        "[EventDate]|[EventTime]|[EventLocation]|[EventType]|[EventJudge]|[CaseNumber]|[CaseType]|[CaseStatus]\n"
        "[UpcomingEvents]\n[AssignedDocuments]"));
    const std::string html = page(w, token);
    const std::string dot = " \xC2\xB7 ";
    CHECK(html ==
          "Ann Lee|Lee||en|Demo County Court|Client Portal|https://portal.example.gov/|"
          "Monday, March 2, 2026|9:30 AM|Courtroom 2|hearing|Hon. Ada Park|CR-2026-7|misdemeanor|open\n"
          "<ul><li>Monday, March 2, 2026" + dot + "9:30 AM" + dot + "hearing" + dot + "Courtroom 2" + dot +
              "Hon. Ada Park" + dot + "CR-100</li>"
              "<li>Tuesday, March 10, 2026" + dot + "2:00 PM" + dot + "hearing" + dot + "Room 9" + dot +
              "Hon. Ada Park" + dot + "CR-100</li></ul>\n"
              "<ul><li>Financial affidavit" + dot + "form" + dot + "Thursday, March 5, 2026</li></ul>");

    // Late at night in Chicago it is still Monday; a minute later the Monday event is past. (The
    // morning's session has gone idle by then: log in again.)
    w.clock->set(kMondayMorning + 14 * 3600 + 59 * 60);  // 23:59 in Chicago
    CHECK(w.engine->render_dashboard(w.portal.id, token).code() == Code::session_invalid);
    std::string late = w.login().token;
    CHECK(contains(page(w, late), "Courtroom 2"));
    w.clock->set(kMondayMorning + 15 * 3600);  // Tuesday 00:00 in Chicago
    const std::string tuesday = page(w, late);
    CHECK_FALSE(contains(tuesday, "Courtroom 2"));
    CHECK(contains(tuesday, "|Tuesday, March 10, 2026|2:00 PM|Room 9|"));

    // No host: no link. Spanish dates and times.
    w.settings([](PortalSettings& s) { s.host.clear(); });
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "es", "[PortalLink]<[EventDate] [EventTime]>"));
    Client ann = w.ann;
    ann.language = "es";
    ok(w.engine->update_client(w.root, ann));
    CHECK(page(w, late) == "&lt;martes, 10 de marzo de 2026 14:00&gt;");
}

TEST_CASE_TEMPLATE("dashboard: a tag without a value is left out, and a conditional label with it", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const Actor staff = editor(w.agency.id);
    const std::string token = logged_in(w);
    ok(w.engine->set_dashboard_template(staff, w.portal.id, "en",
                                        "A[EventDate]B [%Case number:% CaseNumber]C [%Judge:% EventJudge]D"
                                        "[UpcomingEvents][AssignedDocuments]E"));
    CHECK(page(w, token) == "AB C D" "E");

    Case open;
    open.client_id = w.ann.id;
    open.case_number = "CR-9";
    ok(w.engine->create_case(content_clerk(w.agency.id), open));
    CHECK(page(w, token) == "AB Case number: CR-9C D" "E");
}

TEST_CASE_TEMPLATE("dashboard: markup in any value is escaped, never injected", W, MemoryWorld, SqliteWorld) {
    W w;
    const Actor staff = editor(w.agency.id);
    const Actor clerk = content_clerk(w.agency.id);
    const std::string token = logged_in(w);
    const std::string script = "<script>alert(1)</script>";
    const std::string quote = "\" onmouseover=\"alert('x')";

    Client ann = w.ann;
    ann.first_name = script;
    ann.last_name = quote;
    ok(w.engine->update_client(w.root, ann));
    Agency agency = w.agency;
    agency.name = "Court & <b>Co</b>";
    w.update(agency);
    Case open;
    open.client_id = w.ann.id;
    open.case_number = "CR\"><img src=x onerror=alert(2)>";
    ok(w.engine->create_case(clerk, open));
    ok(w.engine->create_event(clerk, event_on(w.ann, "2026-03-03", "", "<iframe src=javascript:alert(3)>")));
    Document doc;
    doc.client_id = w.ann.id;
    doc.name = "</li><script>alert(4)</script>";
    ok(w.engine->create_document(clerk, doc));

    ok(w.engine->set_dashboard_template(staff, w.portal.id, "en",
                                        "<a title=\"[ClientName]\">[ClientFirstName]</a> [AgencyName] "
                                        "[%Case:% CaseNumber] [EventLocation] [UpcomingEvents][AssignedDocuments]"));
    const std::string html = page(w, token);
    CAPTURE(html);
    CHECK_FALSE(contains(html, "<script"));
    CHECK_FALSE(contains(html, "<img"));
    CHECK_FALSE(contains(html, "<iframe"));
    CHECK_FALSE(contains(html, "<a "));
    CHECK_FALSE(contains(html, "<b>"));
    CHECK_FALSE(contains(html, "\""));
    CHECK_FALSE(contains(html, "'"));
    CHECK(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK(contains(html, "&quot; onmouseover=&quot;alert(&#39;x&#39;)"));
    CHECK(contains(html, "Court &amp; &lt;b&gt;Co&lt;/b&gt;"));
    CHECK(contains(html, "CR&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    CHECK(contains(html, "&lt;iframe src=javascript:alert(3)&gt;"));
    CHECK(contains(html, "<li>&lt;/li&gt;&lt;script&gt;alert(4)&lt;/script&gt;</li>"));
    // The only markup is the renderer's own lists.
    CHECK(html.find('<') == html.find("<ul>"));
}

TEST_CASE("dashboard: the session is checked as check_session checks it, and counts as activity") {
    MemoryWorld w;
    CHECK(w.engine->render_dashboard(w.portal.id, "not-a-token").code() == Code::session_invalid);
    const std::string token = logged_in(w);
    const Portal second = w.make_portal(w.agency, "second");
    CHECK(w.engine->render_dashboard(second.id, token).code() == Code::session_invalid);

    // Activity: rendering near the idle limit moves it on.
    const auto before = ok(w.session_by_token(token));
    w.clock->advance(w.portal.settings.session_idle_seconds - 10);
    REQUIRE(w.engine->render_dashboard(w.portal.id, token).ok());
    const auto after = ok(w.session_by_token(token));
    CHECK(after.idle_expires_at > before.idle_expires_at);
    w.clock->advance(w.portal.settings.session_idle_seconds - 10);
    CHECK(w.engine->render_dashboard(w.portal.id, token).ok());

    REQUIRE(w.engine->logout(w.portal.id, token).ok());
    CHECK(w.engine->render_dashboard(w.portal.id, token).code() == Code::session_invalid);

    // A shared phone: nothing until the person chooses, then the chosen client's page.
    const Client kim = w.make_client(w.agency, "Kim");
    w.add_contact(kim, ContactKind::phone, World::kPhone);
    w.next_send();
    const auto shared = w.login();
    CHECK(w.engine->render_dashboard(w.portal.id, shared.token).code() == Code::selection_required);
    REQUIRE(w.engine->select_client(w.portal.id, shared.token, kim.id).ok());
    CHECK(contains(page(w, shared.token), "Hello Kim,"));
}
