// The client pages beyond sign-in (sidebar, dashboard, gated calendars and forms, profile,
// uploads) and the staff's test clock, over real HTTP as server_test.cpp drives them.
#include "support.hpp"

using namespace portal;
using namespace portal::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* kStaffToken = "staff-token-0123456789";

// Signs the staff member in and returns the /admin overview.
Reply admin_sign_in(Browser& b) {
    Reply r = b.get("/admin");
    r = b.submit(r, "/admin/login", {{"token", kStaffToken}});
    REQUIRE(r.status == 303);
    r = b.get("/admin");
    REQUIRE(r.status == 200);
    return r;
}

}  // namespace

TEST_CASE("test clock: staff move the engine's clock forward from /admin, and only forward") {
    World w;
    AppOptions o;
    o.staff_token = kStaffToken;
    o.test_clock = w.clock;
    Browser b(w.start(o));
    Reply r = admin_sign_in(b);
    CHECK(has(r.body, "<h2>Test clock</h2>"));
    CHECK(has(r.body, "action=\"/admin/test-clock\""));
    CHECK(has(r.body, "<label for=\"advance\">"));
    const sesame::UnixTime before = w.clock->now();

    CHECK(b.post("/admin/test-clock", {{"advance", "60"}}).status == 403);  // no CSRF token
    CHECK(w.clock->now() == before);
    Reply bad = b.submit(r, "/admin/test-clock", {{"advance", "-5"}});
    CHECK(bad.status == 400);
    CHECK(has(bad.body, "advance must be a whole number of seconds"));
    CHECK(b.submit(r, "/admin/test-clock", {{"advance", "ten"}}).status == 400);
    CHECK(b.submit(r, "/admin/test-clock", {{"advance", ""}}).status == 400);
    CHECK(w.clock->now() == before);

    Reply moved = b.submit(r, "/admin/test-clock", {{"advance", "600"}});
    CHECK(moved.status == 200);
    CHECK(has(moved.body, "The test clock moved forward 600 seconds."));
    CHECK(w.clock->now() == before + 600);

    // A code sent before the move has expired after it (the portal's code lifetime is 10 minutes or less).
    Browser visitor(b);
    visitor.jar.clear();
    const Reply verify = start_login(visitor);
    CHECK(b.submit(r, "/admin/test-clock", {{"advance", "3600"}}).status == 200);
    const Reply late = visitor.submit(verify, "/verify", {{"code", w.feed_code(w.ann)}});
    CHECK(late.status == 400);
    CHECK(has(late.body, "That code has expired."));
}

TEST_CASE("test clock: no route without --test-clock") {
    World w;
    AppOptions o;
    o.staff_token = kStaffToken;
    Browser b(w.start(o));
    Reply r = admin_sign_in(b);
    CHECK_FALSE(has(r.body, "Test clock"));
    CHECK(b.submit(r, "/admin/test-clock", {{"advance", "60"}}).status == 404);
}

namespace {

// Sidebar items like the demo's: one public, two private.
void add_sidebar(World& w) {
    auto item = [&](const std::string& title, const std::string& link, int order, sesame::Visibility visibility) {
        sesame::SidebarItem i;
        i.portal_id = w.portal.id;
        i.title = title;
        i.link = link;
        i.order = order;
        i.visibility = visibility;
        (void)World::must(w.engine->create_sidebar_item(w.root, i));
    };
    item("Court information", "/", 1, sesame::Visibility::public_);
    item("Hearing calendar", "/calendars/hearings", 2, sesame::Visibility::private_);
    item("Check-in <form>", "/forms/check-in", 3, sesame::Visibility::private_);
}

// Signs Ann in through the code in her feed; returns the dashboard.
Reply sign_in(World& w, Browser& b) {
    const Reply verify = start_login(b);
    const Reply done = b.submit(verify, "/verify", {{"code", w.feed_code(w.ann)}});
    REQUIRE(done.status == 303);
    const Reply dash = b.get(done.header("Location"));
    REQUIRE(dash.status == 200);
    return dash;
}

}  // namespace

TEST_CASE("sidebar: public items on every page, private ones only with a live session") {
    World w;
    add_sidebar(w);
    AppOptions o;
    o.staff_token = kStaffToken;
    Browser b(w.start(o));
    for (const std::string path : {"/", "/?lang=es", "/nowhere", "/admin"}) {
        const Reply r = b.get(path);
        CAPTURE(path);
        CHECK(has(r.body, "<nav class=\"sidebar\" aria-label="));
        CHECK(has(r.body, "<a href=\"/\">Court information</a>"));
        CHECK_FALSE(has(r.body, "Hearing calendar"));
        CHECK_FALSE(has(r.body, "/forms/check-in"));
    }
    CHECK(has(b.get("/?lang=es").body, "aria-label=\"Enlaces del portal\""));

    const Reply dash = sign_in(w, b);
    CHECK(has(dash.body, "<a href=\"/\">Court information</a>"));
    CHECK(has(dash.body, "<a href=\"/calendars/hearings\">Hearing calendar</a>"));
    CHECK(has(dash.body, "<a href=\"/forms/check-in\">Check-in &lt;form&gt;</a>"));
    CHECK(has(b.get("/nowhere").body, "Hearing calendar"));

    // A forged or dead session cookie shows only the public items.
    b.jar["sesame"] = "not-a-session";
    const Reply forged = b.get("/nowhere");
    CHECK(has(forged.body, "Court information"));
    CHECK_FALSE(has(forged.body, "Hearing calendar"));
}
