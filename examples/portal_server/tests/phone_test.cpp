// What a client on a phone meets: a second sign-in inside the resend wait, one countdown and the
// code's expiry, "Log out" and the way home on every signed-in page, the notices after logout and
// before sign-in, tables that stack, the dashboard's greeting and formats, Spanish, the profile's
// language choice, and the staff area's own layout with the simulated code shown plainly.
#include <regex>

#include "support.hpp"

using namespace portal;
using namespace portal::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

constexpr const char* kStaffToken = "staff-token-0123456789";

// Signs Ann in with the phone; returns the dashboard.
Reply sign_in(World& w, Browser& b) {
    const Reply verify = start_login(b);
    const Reply done = b.submit(verify, "/verify", {{"code", w.feed_code(w.ann)}});
    REQUIRE(done.status == 303);
    const Reply dash = b.get(done.header("Location"));
    REQUIRE(dash.status == 200);
    return dash;
}

// The numbers the page counts down from: every data-countdown element's text.
std::vector<std::string> countdowns(const std::string& html) {
    std::vector<std::string> found;
    const std::regex span("<span data-countdown>([0-9]+)</span>");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), span); it != std::sregex_iterator(); ++it)
        found.push_back((*it)[1]);
    return found;
}

sesame::Event event_for(World& w, const sesame::Client& c, const std::string& date, const std::string& type) {
    sesame::Event e;
    e.client_id = c.id;
    e.date = date;
    e.time = "14:05";
    e.type = type;
    e.location = "Courtroom 3B";
    return World::must(w.engine->create_event(w.root, e));
}

}  // namespace

TEST_CASE("second sign-in inside the resend wait: back to the code page with the masked phone and one countdown") {
    World w;
    Browser b(w.start());
    const Reply verify = start_login(b);
    // The code page: one countdown (the resend wait), and when the code stops working.
    CHECK(countdowns(verify.body) == std::vector<std::string>{"60"});
    CHECK(has(verify.body, "You can ask for a new code in <span data-countdown>60</span> s."));
    CHECK(has(verify.body, "data-wait-seconds=\"60\""));
    CHECK(has(verify.body, "The code works for 10 more minutes."));
    CHECK_FALSE(has(verify.body, "wait 60"));  // the button does not count on its own

    // Back to the start, the same phone written another way, 20 seconds later.
    w.clock->advance(20);
    const Reply home = b.get("/");
    const Reply again = b.submit(home, "/login", {{"identifier", "555.123.4567"}});
    REQUIRE(again.status == 303);
    CHECK(again.header("Location") == "/verify?again=1");
    const Reply back = b.get("/verify?again=1");
    CHECK(back.status == 200);
    CHECK(has(back.body, "We just sent a code to •••-•••-4567: enter it, or ask for a new one in "
                         "<span data-countdown>40</span> s."));
    CHECK_FALSE(has(back.body, "Too many attempts"));
    CHECK(countdowns(back.body) == std::vector<std::string>{"40"});
    CHECK(has(back.body, "The code works for 10 more minutes."));  // 9 min 40 s, rounded up
    // The code sent first still signs in.
    const Reply done = b.submit(back, "/verify", {{"code", w.feed_code(w.ann)}});
    CHECK(done.status == 303);

    // Another browser has no code page to go back to: it is told, with the wait.
    Browser other(b);
    other.jar.clear();
    const Reply other_home = other.get("/");
    const Reply refused = other.submit(other_home, "/login", {{"identifier", World::kPhone}});
    CHECK(refused.status == 429);
    CHECK(has(refused.body, "We just sent a code to that phone number or email: enter it on the page where you "
                            "asked for it, or ask for a new one in 40 s."));
}

TEST_CASE("code page: the expiry counts down with the clock, and pressing resend early shows the same one countdown") {
    World w;
    Browser b(w.start());
    const Reply verify = start_login(b);
    w.clock->advance(30);
    const Reply early = b.submit(verify, "/resend", {});
    CHECK(early.status == 429);
    CHECK(countdowns(early.body) == std::vector<std::string>{"30"});
    CHECK(has(early.body, "ask for a new one in <span data-countdown>30</span> s."));
    w.clock->advance(9 * 60 + 5);  // 35 s left
    CHECK(has(b.get("/verify").body, "The code works for 1 more minute."));
    w.clock->advance(60);
    const Reply expired = b.get("/verify");
    CHECK(has(expired.body, "This code has expired: send a new one."));
    CHECK(countdowns(expired.body).empty());
    CHECK_FALSE(has(expired.body, "disabled"));  // the resend button is ready
}

TEST_CASE("signed-in pages: Log out in the header, the client's own pages in the sidebar, the current one marked") {
    World w;
    sesame::GatedResource g;
    g.portal_id = w.portal.id;
    g.kind = sesame::ResourceKind::calendar;
    g.slug = "hearings";
    g.title = "Hearing calendar";
    g.requires_login = true;
    (void)World::must(w.engine->create_gated_resource(w.root, g));
    Browser b(w.start());
    (void)sign_in(w, b);
    for (const std::string path : {"/dashboard", "/profile", "/uploads", "/calendars/hearings"}) {
        CAPTURE(path);
        const Reply page = b.get(path);
        REQUIRE(page.status == 200);
        CHECK(count(page.body, "<form class=\"logout\" method=\"post\" action=\"/logout\">") == 1);
        CHECK(has(page.body, ">Log out</button>"));
        CHECK(has(page.body, "<a href=\"/dashboard\""));  // the way home
        CHECK(count(page.body, "aria-current=\"page\"") == (path == "/calendars/hearings" ? 0u : 1u));
        if (path != "/calendars/hearings") CHECK(has(page.body, "<a href=\"" + path + "\" aria-current=\"page\">"));
    }
    // The visitor's pages have neither.
    b.jar.clear();
    const Reply visitor = b.get("/");
    CHECK_FALSE(has(visitor.body, "action=\"/logout\""));
    CHECK_FALSE(has(visitor.body, "href=\"/dashboard\""));
}

TEST_CASE("notices: after logout \"You have signed out\" in the client's language; a page of theirs asks to sign in first") {
    World w;
    Browser b(w.start());
    const Reply dash = sign_in(w, b);
    const Reply out = b.submit(dash, "/logout", {{"lang", "en"}});
    REQUIRE(out.status == 303);
    CHECK(out.header("Location") == "/?lang=en&notice=signed_out");
    const Reply home = b.get(out.header("Location"));
    CHECK(has(home.body, "<p class=\"notice\" role=\"status\">You have signed out.</p>"));
    CHECK(b.get("/dashboard").header("Location") == "/");  // the session is gone

    const Reply asked = b.get("/?next=/profile");
    CHECK(has(asked.body, "<p class=\"notice\" role=\"status\">Sign in to see this page.</p>"));
    CHECK(has(b.get("/?next=/profile&lang=es").body, "Inicie sesión para ver esta página."));
    CHECK_FALSE(has(b.get("/").body, "role=\"status\""));

    // A Spanish client's logout lands on the Spanish start page.
    sesame::Client ana = w.make_client("Ana", "Ruiz", "es");
    (void)World::must(w.engine->add_contact(w.root, ana.id, sesame::ContactKind::email, "ana@example.org"));
    Browser es(b);
    es.jar.clear();
    const Reply verify = start_login(es, "ana@example.org");
    REQUIRE(es.submit(verify, "/verify", {{"code", w.feed_code(ana)}}).status == 303);
    const Reply es_dash = es.get("/dashboard");
    CHECK(has(es_dash.body, ">Cerrar sesión</button>"));
    // The header's form carries the page's language.
    CHECK(has(es_dash.body, "<input type=\"hidden\" name=\"lang\" value=\"es\">\n<button type=\"submit\" "
                            "class=\"secondary\">Cerrar sesión</button>"));
    const Reply es_out = es.submit(es_dash, "/logout", {{"lang", "es"}});
    CHECK(es_out.header("Location") == "/?lang=es&notice=signed_out");
    const Reply es_home = es.get(es_out.header("Location"));
    CHECK(has(es_home.body, "<html lang=\"es\">"));
    CHECK(has(es_home.body, "Ha cerrado la sesión."));
}

TEST_CASE("dashboard: Welcome on the first sign-in, Welcome back later; dates, times and statuses as the client reads them") {
    World w;
    (void)World::must(w.engine->set_dashboard_template(w.root, w.portal.id, "en",
                                                        "Today is [DateToday].\n[%Your next date:% EventDate]\n"));
    Browser b(w.start());
    Reply dash = sign_in(w, b);
    CHECK(has(dash.body, "<h1>Welcome, Ann</h1>"));
    // No date yet: no empty "Your next date:" line, and the table says there is none.
    CHECK_FALSE(has(dash.body, "Your next date"));
    CHECK(has(dash.body, "You have no upcoming dates."));

    (void)event_for(w, w.ann, "2026-01-15", "pretrial hearing");
    dash = b.get("/dashboard");
    CHECK(has(dash.body, "<h1>Welcome, Ann</h1>"));  // still the first session
    CHECK(has(dash.body, "Your next date: Thursday, January 15, 2026"));
    CHECK(has(dash.body, "<td role=\"cell\" data-label=\"Date\">Thursday, January 15, 2026</td>"));
    CHECK(has(dash.body, "<td role=\"cell\" data-label=\"Time\">2:05 PM</td>"));
    CHECK(has(dash.body, "<td role=\"cell\" data-label=\"Type\">Pretrial hearing</td>"));
    CHECK(has(dash.body, "<td role=\"cell\" data-label=\"Status\">Scheduled</td>"));
    CHECK_FALSE(has(dash.body, "2026-01-15"));

    // Out and in again: welcome back.
    (void)b.submit(dash, "/logout", {});
    w.clock->advance(120);
    dash = sign_in(w, b);
    CHECK(has(dash.body, "<h1>Welcome back, Ann</h1>"));
}

TEST_CASE("dashboard: a list the template shows is not shown a second time") {
    World w;
    (void)World::must(w.engine->set_dashboard_template(w.root, w.portal.id, "en", "Your dates:\n[UpcomingEvents]\n"));
    (void)event_for(w, w.ann, "2026-01-15", "hearing");
    Browser b(w.start());
    const Reply dash = sign_in(w, b);
    CHECK(has(dash.body, "Your dates:"));
    CHECK_FALSE(has(dash.body, "<h2 id=\"events\">"));
    CHECK(has(dash.body, "<h2 id=\"cases\">"));
    CHECK(has(dash.body, "<h2 id=\"documents\">"));  // the template does not list them
}

TEST_CASE("Spanish client: headings, dates, types, statuses, the sidebar's own pages and glossary titles in Spanish") {
    World w;
    sesame::SidebarItem item;
    item.portal_id = w.portal.id;
    item.title = "Court information";
    item.link = "/";
    (void)World::must(w.engine->create_sidebar_item(w.root, item));
    sesame::Client ana = w.make_client("Ana", "Ruiz", "es");
    (void)World::must(w.engine->add_contact(w.root, ana.id, sesame::ContactKind::email, "ana@example.org"));
    (void)event_for(w, ana, "2026-01-15", "Pretrial hearing");
    (void)World::must(w.engine->set_dashboard_template(w.root, w.portal.id, "es", "Hoy es [DateToday]."));
    Browser b(w.start());
    const Reply verify = start_login(b, "ana@example.org");
    REQUIRE(b.submit(verify, "/verify", {{"code", w.feed_code(ana)}}).status == 303);
    const Reply dash = b.get("/dashboard");
    CHECK(has(dash.body, "<h1>Le damos la bienvenida, Ana</h1>"));
    CHECK(has(dash.body, "jueves, 15 de enero de 2026"));
    CHECK(has(dash.body, "data-label=\"Hora\">14:05</td>"));
    CHECK(has(dash.body, "data-label=\"Tipo\">Audiencia preliminar</td>"));
    CHECK(has(dash.body, "data-label=\"Estado\">Programada</td>"));
    CHECK(has(dash.body, "<a href=\"/dashboard\" aria-current=\"page\">Su portal</a>"));
    CHECK(has(dash.body, "<a href=\"/profile\">Su perfil</a>"));
    CHECK(has(dash.body, "<a href=\"/\">Información del tribunal</a>"));
    CHECK_FALSE(has(dash.body, "Scheduled"));
    CHECK_FALSE(has(dash.body, "Court information"));
}

TEST_CASE("tables: every cell carries its column's name for the phone layout") {
    World w;
    (void)event_for(w, w.ann, "2026-01-15", "hearing");
    (void)World::must(w.engine->set_dashboard_template(w.root, w.portal.id, "en", "Today is [DateToday]."));
    Browser b(w.start());
    const Reply dash = sign_in(w, b);
    CHECK(has(dash.body, "<table class=\"stack\" role=\"table\" aria-labelledby=\"events\">"));
    const std::regex bare("<td>|<td [^>]*>");
    std::size_t cells = 0;
    for (auto it = std::sregex_iterator(dash.body.begin(), dash.body.end(), bare); it != std::sregex_iterator(); ++it) {
        ++cells;
        CHECK(has(it->str(), "data-label=\""));
    }
    CHECK(cells == 7);
}

TEST_CASE("profile: the language is a choice, empty fields say so, the phone in national format") {
    World w;
    const sesame::ProfilePolicy policy = {{"first_name", sesame::FieldPolicy::read_only},
                                          {"middle_name", sesame::FieldPolicy::read_only},
                                          {"dob", sesame::FieldPolicy::read_only},
                                          {"language", sesame::FieldPolicy::editable},
                                          {"phone", sesame::FieldPolicy::read_only}};
    (void)World::must(w.engine->set_profile_policy(w.root, w.portal.id, policy));
    sesame::Client ann = w.ann;
    ann.dob = "1990-03-04";
    w.ann = World::must(w.engine->update_client(w.root, ann));
    Browser b(w.start());
    (void)sign_in(w, b);
    const Reply page = b.get("/profile");
    CHECK(has(page.body, "<select id=\"language\" name=\"language\""));
    CHECK(has(page.body, "<option value=\"en\" selected>English</option>"));
    CHECK(has(page.body, "<option value=\"es\">Spanish (Español)</option>"));
    CHECK_FALSE(has(page.body, "type=\"text\" id=\"language\""));
    CHECK(has(page.body, "<dt>Middle name</dt><dd class=\"empty-value\">Not on file</dd>"));
    CHECK(has(page.body, "<dt>Date of birth</dt><dd>Sunday, March 4, 1990</dd>"));
    CHECK(has(page.body, "<dt>Phone</dt><dd>(555) 123-4567</dd>"));
    CHECK_FALSE(has(page.body, "+15551234567"));

    const Reply es = b.submit(page, "/profile", {{"language", "es"}});
    CHECK(es.status == 200);
    CHECK(has(es.body, "<option value=\"es\" selected>Español</option>"));
    CHECK(has(es.body, "<dd class=\"empty-value\">Sin registrar</dd>"));
    CHECK(has(es.body, "domingo, 4 de marzo de 1990"));
}

TEST_CASE("staff area: its own layout, and a simulated code shown plainly in the feed") {
    World w;
    AppOptions o;
    o.staff_token = kStaffToken;
    Browser b(w.start(o));
    const Reply sign_in_page = b.get("/admin");
    CHECK(has(sign_in_page.body, "<body class=\"staff\">"));
    CHECK(has(sign_in_page.body, "<span class=\"area\">Staff area</span>"));
    CHECK_FALSE(has(sign_in_page.body, "Portal links"));
    Reply r = b.submit(sign_in_page, "/admin/login", {{"token", kStaffToken}});
    const Reply overview = b.get("/admin");
    CHECK(has(overview.body, "<nav class=\"sidebar\" aria-label=\"Staff links\">"));
    CHECK(has(overview.body, "<a href=\"/admin\" aria-current=\"page\">Clients and settings</a>"));
    CHECK(has(overview.body, "<a href=\"/\">View Portal</a>"));
    CHECK(has(overview.body, "action=\"/admin/logout\""));
    CHECK_FALSE(has(overview.body, "action=\"/logout\""));
    CHECK(has(overview.body, "data-label=\"Contacts\">(555) 123-4567</td>"));

    Browser visitor(b);
    visitor.jar.clear();
    (void)start_login(visitor);
    const Reply client = b.get("/admin/client?id=" + std::to_string(w.ann.id));
    CHECK(has(client.body, "<td role=\"cell\" data-label=\"Code\"><strong class=\"code\">000042</strong></td>"));
    CHECK(has(client.body, "data-label=\"To\">(555) 123-4567</td>"));
    CHECK(has(client.body, "<pre>"));  // the whole message too
}

TEST_CASE("staff feed: a live message shows no code") {
    World w;
    AppOptions o;
    o.staff_token = kStaffToken;
    sesame::Agency live = w.agency;
    live.send_mode = sesame::SendMode::live;
    live.environment = sesame::Environment::production;
    w.agency = World::must(w.engine->update_agency(w.root, live));
    Browser b(w.start(o));
    Reply r = b.get("/admin");
    r = b.submit(r, "/admin/login", {{"token", kStaffToken}});
    Browser visitor(b);
    visitor.jar.clear();
    (void)start_login(visitor);
    const Reply client = b.get("/admin/client?id=" + std::to_string(w.ann.id));
    REQUIRE(has(client.body, "<h2 id=\"feed\">"));
    CHECK_FALSE(has(client.body, "class=\"code\""));
    CHECK_FALSE(has(client.body, "000042"));
}

TEST_CASE("the chooser speaks the language of the page the person signed in on") {
    World w;
    auto ben = w.make_client("Ben", "Lee", "es");
    w.add_phone(ben, World::kPhone);
    Browser b(w.start());
    const Reply home = b.get("/?lang=es");
    REQUIRE(b.submit(home, "/login", {{"identifier", World::kPhone}, {"lang", "es"}}).status == 303);
    const Reply verify = b.get("/verify");
    CHECK(has(verify.body, "<html lang=\"es\">"));
    const Reply done = b.submit(verify, "/verify", {{"code", w.feed_code(ben)}, {"lang", "es"}});
    CHECK(done.header("Location") == "/choose?lang=es");
    const Reply choose = b.get(done.header("Location"));
    CHECK(has(choose.body, "<html lang=\"es\">"));
    CHECK(has(choose.body, "¿Quién inicia sesión?"));
    CHECK(has(choose.body, ">Cerrar sesión</button>"));  // a way out instead of choosing
    // The shared phone's message was written in Spanish: the page's language, which Ben speaks.
    CHECK(has(World::must(w.engine->message_feed(w.root, ben.id, 1)).front().content, "código"));
}
