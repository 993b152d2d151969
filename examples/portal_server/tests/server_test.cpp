// The portal over real HTTP: the server in-process on a loopback port, a real SQLite file.
#include "support.hpp"

using namespace portal;
using namespace portal::test;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("login page: one labelled field, security headers, the pre-login cookie") {
    World w;
    Browser b(w.start());
    const Reply r = b.get("/");
    CHECK(r.status == 200);
    CHECK(has(r.body, "<html lang=\"en\">"));
    CHECK(has(r.body, "<label for=\"identifier\">Phone number or email</label>"));
    CHECK(has(r.body, "type=\"text\" id=\"identifier\" name=\"identifier\" autocomplete=\"username\""));
    CHECK(has(r.body, ">Log in</button>"));
    CHECK(has(r.body, "href=\"/?lang=es\""));
    CHECK(r.header("Content-Security-Policy") ==
          "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
    CHECK(r.header("X-Content-Type-Options") == "nosniff");
    CHECK(r.header("Referrer-Policy") == "no-referrer");
    CHECK(r.header("Strict-Transport-Security").empty());  // plain HTTP
    const std::string cookie = r.set_cookie("sesame-login");
    CHECK(has(cookie, "; Path=/; HttpOnly; SameSite=Lax"));
    CHECK_FALSE(has(cookie, "Secure"));

    const Reply css = b.get("/static/portal.css");
    CHECK(css.status == 200);
    CHECK(has(css.header("Content-Type"), "text/css"));
    CHECK(has(css.body, ":focus-visible"));
    CHECK(b.get("/nowhere").status == 404);
    CHECK(b.get("/login").status == 405);
}

TEST_CASE("login page in Spanish: ?lang=es, or the portal's default language") {
    World w;
    Browser b(w.start());
    Reply r = b.get("/?lang=es");
    CHECK(has(r.body, "<html lang=\"es\">"));
    CHECK(has(r.body, "Número de teléfono o correo electrónico"));
    w.settings([](sesame::Portal& p) { p.settings.default_language = "es"; });
    r = b.get("/");
    CHECK(has(r.body, "<html lang=\"es\">"));
    r = b.get("/?lang=en");
    CHECK(has(r.body, "<html lang=\"en\">"));
}

TEST_CASE("no form when the portal's Client Authentication is disabled") {
    World w;
    w.settings([](sesame::Portal& p) { p.client_auth = sesame::ClientAuth::disabled; });
    Browser b(w.start());
    const Reply r = b.get("/");
    CHECK(r.status == 200);
    CHECK(has(r.body, "Sign-in is not offered on this portal."));
    CHECK_FALSE(has(r.body, "<form"));
}

TEST_CASE("sign in: code from the message feed, session cookie, dashboard, logout") {
    World w;
    Browser b(w.start());
    const Reply verify = start_login(b);
    CHECK(has(verify.body, "We sent a code to"));
    CHECK(has(verify.body, "4567"));
    CHECK(has(verify.body, "autocomplete=\"one-time-code\" inputmode=\"numeric\" pattern=\"[0-9]*\""));
    CHECK(has(verify.body, "<label for=\"code\">Code</label>"));
    CHECK(has(verify.body, "disabled"));
    CHECK(has(verify.body, "You can ask for a new code in <span data-countdown>60</span> s."));
    CHECK(verify.header("Cache-Control") == "no-store");
    CHECK_FALSE(has(verify.body, "000042"));  // never the code

    const std::string code = w.feed_code(w.ann);
    CHECK(code == "000042");
    const Reply done = b.submit(verify, "/verify", {{"code", code}});
    CHECK(done.status == 303);
    CHECK(done.header("Location") == "/dashboard");
    const std::string cookie = done.set_cookie("sesame");
    REQUIRE_FALSE(cookie.empty());
    CHECK(std::regex_match(cookie, std::regex("sesame=[A-Za-z0-9_-]{20,}; Path=/; HttpOnly; SameSite=Lax")));
    CHECK(has(done.set_cookie("sesame-login"), "Max-Age=0"));

    const Reply dash = b.get("/dashboard");
    CHECK(dash.status == 200);
    CHECK(dash.header("Cache-Control") == "no-store");
    CHECK(has(dash.body, "Hello Ann,"));  // the built-in dashboard, which lists the dates itself
    CHECK_FALSE(has(dash.body, "<h2 id=\"events\">"));
    CHECK(has(dash.body, "action=\"/logout\""));
    // The start page sends a signed-in person on.
    CHECK(b.get("/").header("Location") == "/dashboard");

    const Reply out = b.submit(dash, "/logout", {});
    CHECK(out.status == 303);
    CHECK(out.header("Location") == "/?lang=en&notice=signed_out");
    CHECK(has(out.set_cookie("sesame"), "Max-Age=0"));
    CHECK(b.jar.count("sesame") == 0);
    CHECK(b.get("/dashboard").header("Location") == "/");
}

TEST_CASE("login errors a person understands") {
    World w;
    w.settings([](sesame::Portal& p) { p.settings.ip_starts_limit = 3; });
    Browser b(w.start());
    Reply home = b.get("/");
    Reply r = b.submit(home, "/login", {{"identifier", ""}});
    CHECK(r.status == 400);
    CHECK(has(r.body, "Enter your phone number or email."));
    CHECK(has(r.body, "role=\"alert\""));
    CHECK(has(r.body, "aria-describedby=\"identifier-hint identifier-error\""));
    r = b.submit(home, "/login", {{"identifier", "(555) 999-0000"}});
    CHECK(r.status == 400);
    CHECK(has(r.body, "Check your information or contact the agency"));
    CHECK(has(r.body, "value=\"(555) 999-0000\""));
    r = b.submit(home, "/login", {{"identifier", "not a contact"}});
    CHECK(has(r.body, "That is not a phone number or an email address."));
    r = b.submit(home, "/login", {{"identifier", "(555) 999-0001"}});
    r = b.submit(home, "/login", {{"identifier", "(555) 999-0002"}});
    CHECK(r.status == 429);
    CHECK(std::regex_search(r.body, std::regex("Too many attempts. Wait [0-9]+ seconds and try again.")));
}

TEST_CASE("channel unavailable is said plainly") {
    World w;
    // An agency with neither a registered phone nor an email address cannot send.
    sesame::Agency other;
    other.name = "Probation";
    other = w.must(w.engine->create_agency(w.root, other));
    sesame::Portal p;
    p.agency_id = other.id;
    p.name = "Probation Portal";
    p.slug = "probation";
    p.client_auth = sesame::ClientAuth::one_time_password;
    (void)w.must(w.engine->create_portal(w.root, p));
    sesame::Client c;
    c.agency_id = other.id;
    c.first_name = "Sam";
    c.last_name = "Oak";
    c = w.must(w.engine->create_client(w.root, c));
    (void)w.must(w.engine->add_contact(w.root, c.id, sesame::ContactKind::phone, "(555) 222-3333"));
    w.app = std::make_unique<App>(*w.engine, AppOptions{"probation", false, std::nullopt, 100, nullptr});
    ServerOptions s;
    s.port = 0;
    s.threads = 1;
    w.server = std::make_unique<Server>(*w.app, s);
    w.server->start();
    Browser b(w.server->port());
    const Reply home = b.get("/");
    const Reply r = b.submit(home, "/login", {{"identifier", "(555) 222-3333"}});
    CHECK(r.status == 503);
    CHECK(has(r.body, "Codes cannot be sent right now."));
}

TEST_CASE("a wrong code says how many tries are left; then locked; expired apart") {
    World w;
    w.settings([](sesame::Portal& p) { p.settings.max_attempts = 3; });
    Browser b(w.start());
    Reply verify = start_login(b);
    Reply r = b.submit(verify, "/verify", {{"code", "111111"}});
    CHECK(r.status == 400);
    CHECK(has(r.body, "That code is not right. You have 2 tries left."));
    CHECK(has(r.body, "aria-describedby=\"code-hint code-error\""));
    CHECK(has(r.body, "role=\"alert\""));
    r = b.submit(r, "/verify", {{"code", "222222"}});
    CHECK(has(r.body, "You have 1 try left."));
    r = b.submit(r, "/verify", {{"code", "333333"}});
    CHECK(has(r.body, "Too many wrong tries for this code. Send a new one."));
    // Even the right code cannot open a locked challenge.
    r = b.submit(r, "/verify", {{"code", "000042"}});
    CHECK(has(r.body, "Too many wrong tries for this code. Send a new one."));
    CHECK(b.jar.count("sesame") == 0);

    // A new code after the cooldown starts the count again.
    w.clock->advance(w.portal.settings.resend_cooldown_seconds);
    r = b.submit(r, "/resend", {});
    CHECK(r.status == 200);
    CHECK(has(r.body, "We sent a new code to"));
    r = b.submit(r, "/verify", {{"code", "000042"}});
    CHECK(r.status == 303);
    CHECK(b.jar.count("sesame") == 1);
}

TEST_CASE("an expired code asks for a new one") {
    World w;
    Browser b(w.start());
    const Reply verify = start_login(b);
    w.clock->advance(w.portal.settings.code_ttl_seconds);
    const Reply r = b.submit(verify, "/verify", {{"code", "000042"}});
    CHECK(r.status == 400);
    CHECK(has(r.body, "That code has expired. Send a new one."));
    CHECK(b.jar.count("sesame") == 0);
    // A wrong code after expiry says the same, not "tries left".
    const Reply again = b.submit(r, "/verify", {{"code", "123456"}});
    CHECK(has(again.body, "That code has expired."));
}

TEST_CASE("resend: refused early with the seconds left, enabled after the cooldown") {
    World w;
    Browser b(w.start());
    const Reply verify = start_login(b);
    w.clock->advance(20);
    Reply r = b.submit(verify, "/resend", {});
    CHECK(r.status == 429);
    CHECK(has(r.body, "ask for a new one in <span data-countdown>40</span> s."));
    CHECK(has(r.body, "data-wait-seconds=\"40\""));
    w.clock->advance(40);
    r = b.get("/verify");
    CHECK_FALSE(has(r.body, "disabled"));
    r = b.submit(r, "/resend", {});
    CHECK(r.status == 200);
    CHECK(has(r.body, "We sent a new code to"));
    CHECK(w.must(w.engine->message_feed(w.root, w.ann.id, 10)).size() == 2);
}

TEST_CASE("a shared phone: the chooser lists the clients, the choice opens the dashboard") {
    World w;
    auto ben = w.make_client("Ben", "Lee", "es");
    w.add_phone(ben, World::kPhone);
    Browser b(w.start());
    const Reply verify = start_login(b);
    Reply r = b.submit(verify, "/verify", {{"code", "000042"}});
    CHECK(r.header("Location") == "/choose?lang=en");
    CHECK(b.get("/dashboard").header("Location") == "/choose");
    const Reply choose = b.get("/choose");
    CHECK(choose.status == 200);
    CHECK(choose.header("Cache-Control") == "no-store");
    CHECK(has(choose.body, "type=\"radio\" name=\"client\""));
    CHECK(has(choose.body, "Ann L."));
    CHECK(has(choose.body, "Ben L."));
    CHECK(has(choose.body, "<legend>"));
    r = b.submit(choose, "/choose", {});
    CHECK(r.status == 400);
    CHECK(has(r.body, "Choose your name from the list."));
    r = b.submit(choose, "/choose", {{"client", std::to_string(ben.id)}});
    CHECK(r.header("Location") == "/dashboard");
    const Reply dash = b.get("/dashboard");
    // Ben reads Spanish.
    CHECK(has(dash.body, "<html lang=\"es\">"));
    CHECK(has(dash.body, "Hola, Ben:"));
}

TEST_CASE("the dashboard escapes everything the agency typed") {
    World w;
    auto evil = w.make_client("<script>alert(1)</script>", "Lee");
    w.add_phone(evil, "(555) 765-4321");
    sesame::Event e;
    e.client_id = evil.id;
    e.date = "2026-03-02";
    e.time = "09:30";
    e.type = "hearing";
    e.location = "Room <b>4</b> & \"annex\"";
    (void)w.must(w.engine->create_event(w.root, e));
    sesame::Event past = e;
    past.date = "2025-12-01";
    past.location = "Past room";
    (void)w.must(w.engine->create_event(w.root, past));
    sesame::Case c;
    c.client_id = evil.id;
    c.case_number = "CR-<1>";
    (void)w.must(w.engine->create_case(w.root, c));
    sesame::Document d;
    d.client_id = evil.id;
    d.name = "Form <img src=x>";
    (void)w.must(w.engine->create_document(w.root, d));

    Browser b(w.start());
    const Reply verify = start_login(b, "(555) 765-4321");
    (void)b.submit(verify, "/verify", {{"code", w.feed_code(evil)}});
    const Reply dash = b.get("/dashboard");
    REQUIRE(dash.status == 200);
    CHECK(has(dash.body, "Hello &lt;script&gt;alert(1)&lt;/script&gt;,"));
    CHECK_FALSE(has(dash.body, "<script>alert"));
    CHECK(has(dash.body, "Room &lt;b&gt;4&lt;/b&gt; &amp; &quot;annex&quot;"));
    CHECK(has(dash.body, "Monday, March 2, 2026"));
    CHECK_FALSE(has(dash.body, "Past room"));  // before today (2026-01-01 UTC)
    CHECK(has(dash.body, "CR-&lt;1&gt;"));
    CHECK(has(dash.body, "Form &lt;img src=x&gt;"));
    CHECK_FALSE(has(dash.body, "<img"));
}

TEST_CASE("CSRF: a missing or wrong token is refused with 403 and changes nothing") {
    World w;
    Browser b(w.start());
    const Reply home = b.get("/");
    Reply r = b.post("/login", {{"identifier", World::kPhone}});
    CHECK(r.status == 403);
    CHECK(has(r.body, "This form has expired"));
    r = b.post("/login", {{"identifier", World::kPhone}, {"csrf", "AAAA"}});
    CHECK(r.status == 403);
    // A token made for another visitor's cookie does not fit this one.
    Browser other(w.server->port());
    const Reply other_home = other.get("/");
    r = b.post("/login", {{"identifier", World::kPhone}, {"csrf", Browser::csrf(other_home.body)}});
    CHECK(r.status == 403);
    CHECK(w.must(w.engine->message_feed(w.root, w.ann.id, 10)).empty());

    const Reply verify = start_login(b);
    r = b.post("/verify", {{"code", "000042"}});
    CHECK(r.status == 403);
    r = b.submit(verify, "/verify", {{"code", "000042"}});
    CHECK(r.status == 303);
    r = b.post("/logout", {});
    CHECK(r.status == 403);
    CHECK(b.get("/dashboard").status == 200);  // still signed in
}

TEST_CASE("keep-alive: several requests over one connection") {
    namespace beast = boost::beast;
    namespace http = beast::http;
    World w;
    const auto port = w.start();
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    beast::flat_buffer buffer;
    for (int i = 0; i < 3; ++i) {
        http::request<http::string_body> req{http::verb::get, "/static/portal.css", 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(stream, req);
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        CHECK(res.result_int() == 200);
        CHECK(res.keep_alive());
    }
    // A body over the limit is refused.
    http::request<http::string_body> big{http::verb::post, "/login", 11};
    big.set(http::field::host, "127.0.0.1");
    big.set(http::field::content_type, "application/x-www-form-urlencoded");
    big.body() = std::string(64 * 1024, 'a');
    big.prepare_payload();
    http::write(stream, big);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    CHECK(res.result_int() == 413);
    CHECK(std::string(res["X-Content-Type-Options"]) == "nosniff");
}

TEST_CASE("admin: absent without a staff token") {
    World w;
    Browser b(w.start());
    CHECK(b.get("/admin").status == 404);
    CHECK(b.post("/admin/login", {{"token", "anything"}}).status == 404);
}

TEST_CASE("admin: wrong token refused; right token manages the portal and shows the feed") {
    World w;
    AppOptions o;
    o.staff_token = "staff-token-0123456789";
    Browser b(w.start(o));
    Reply r = b.get("/admin");
    CHECK(r.status == 200);
    CHECK(has(r.body, "type=\"password\" id=\"token\""));
    CHECK(b.post("/admin/login", {{"token", "staff-token-0123456789"}}).status == 403);  // no CSRF token
    r = b.submit(r, "/admin/login", {{"token", "staff-token-wrong"}});
    CHECK(r.status == 403);
    CHECK(has(r.body, "That staff token is not right."));
    CHECK(b.jar.count("sesame-admin") == 0);
    r = b.submit(r, "/admin/login", {{"token", "staff-token-0123456789"}});
    CHECK(r.status == 303);
    CHECK(has(r.set_cookie("sesame-admin"), "HttpOnly; SameSite=Strict"));
    r = b.get("/admin");
    CHECK(r.status == 200);
    CHECK(r.header("Cache-Control") == "no-store");
    CHECK(has(r.body, "<a href=\"/\">View Portal</a>"));
    CHECK(has(r.body, "<body class=\"staff\">"));
    CHECK(has(r.body, "Ann Lee"));

    // Create a client and a contact, then sign them in and read the code from the feed.
    r = b.submit(r, "/admin/clients", {{"first_name", "Cy"}, {"last_name", "Park"}, {"language", "en"}});
    CHECK(r.status == 200);
    CHECK(has(r.body, "Client created."));
    auto clients = w.must(w.engine->list_clients(w.root, w.agency.id));
    const auto cy = clients.back();
    CHECK(cy.first_name == "Cy");
    r = b.submit(r, "/admin/contacts", {{"client", std::to_string(cy.id)}, {"kind", "phone"}, {"value", "555 444 1212"}});
    CHECK(has(r.body, "Contact added: +15554441212."));
    r = b.submit(r, "/admin/contacts", {{"client", std::to_string(cy.id)}, {"kind", "fax"}, {"value", "1"}});
    CHECK(r.status == 400);
    CHECK(has(r.body, "kind must be"));

    auto contacts = w.must(w.engine->list_contacts(w.root, w.ann.id));
    (void)w.must(w.engine->update_contact(w.root, contacts.front().id, contacts.front().value,
                                          sesame::ContactStatus::opted_out));
    r = b.get("/admin");
    CHECK(has(r.body, "<span class=\"badge\">Opted-Out</span>"));

    Browser visitor(w.server->port());
    (void)start_login(visitor, "555 444 1212");
    r = b.get("/admin/client?id=" + std::to_string(cy.id));
    CHECK(r.status == 200);
    CHECK(has(r.body, "000042"));
    CHECK(b.get("/admin/client?id=999999").status == 404);

    // Client Authentication off: the visitor's start page says so.
    r = b.submit(r, "/admin/portal", {{"client_auth", "disabled"}});
    CHECK(has(r.body, "Client Authentication is disabled"));
    CHECK(has(visitor.get("/").body, "Sign-in is not offered"));
    r = b.submit(r, "/admin/portal", {{"client_auth", "enabled"}});
    CHECK(w.must(w.engine->find_portal("demo")).client_auth == sesame::ClientAuth::one_time_password);

    r = b.submit(r, "/admin/send-mode", {{"send_mode", "live"}});
    CHECK(has(r.body, "Send mode is live."));
    CHECK(w.must(w.engine->get_agency(w.root, w.agency.id)).send_mode == sesame::SendMode::live);
    r = b.submit(r, "/admin/send-mode", {{"send_mode", "loud"}});
    CHECK(r.status == 400);

    // Forms without the admin token are refused; signing out ends the admin cookie.
    CHECK(b.post("/admin/portal", {{"client_auth", "disabled"}}).status == 403);
    r = b.submit(r, "/admin/logout", {});
    CHECK(r.status == 303);
    CHECK(b.jar.count("sesame-admin") == 0);
    CHECK(has(b.get("/admin").body, "Staff sign-in"));
}

TEST_CASE("over TLS: __Host- cookies with Secure, and HSTS") {
    World w;
    App app(*w.engine, AppOptions{"demo", true, std::nullopt, 100, nullptr});
    Request req;
    req.method = "GET";
    req.path = "/";
    req.ip = "127.0.0.1";
    const Response r = app.handle(req);
    CHECK(r.status == 200);
    std::string cookie, hsts;
    for (const auto& [name, value] : r.headers) {
        if (name == "Set-Cookie") cookie = value;
        if (name == "Strict-Transport-Security") hsts = value;
    }
    CHECK(std::regex_match(cookie, std::regex("__Host-sesame-login=[A-Za-z0-9_-]+; Path=/; Secure; HttpOnly; SameSite=Lax")));
    CHECK(hsts == "max-age=31536000; includeSubDomains");
    CHECK(app.set_cookie(CookieKind::session, "tok") == "__Host-sesame=tok; Path=/; Secure; HttpOnly; SameSite=Lax");
}
