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
    for (const std::string path : {"/", "/?lang=es", "/nowhere"}) {
        const Reply r = b.get(path);
        CAPTURE(path);
        CHECK(has(r.body, "<nav class=\"sidebar\" aria-label="));
        CHECK(has(r.body, path == "/nowhere"  ? "<a href=\"/\">Court information</a>"
                          : path == "/"       ? "<a href=\"/\" aria-current=\"page\">Court information</a>"
                                              : "<a href=\"/\" aria-current=\"page\">Información del tribunal</a>"));
        CHECK_FALSE(has(r.body, "Hearing calendar"));
        CHECK_FALSE(has(r.body, "/forms/check-in"));
    }
    CHECK(has(b.get("/?lang=es").body, "aria-label=\"Enlaces del portal\""));
    CHECK(has(b.get("/?lang=es").body, "Información del tribunal"));  // the glossary's Spanish title
    // The staff area has its own layout: no client sidebar.
    CHECK_FALSE(has(b.get("/admin").body, "Court information"));

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

namespace {

// The smallest file the engine takes as a PDF ("%PDF-" first).
std::vector<std::uint8_t> pdf_bytes() {
    const std::string text = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    return {text.begin(), text.end()};
}

sesame::Document add_document(World& w, const sesame::Client& c, const std::string& name, bool with_file) {
    sesame::Document d;
    d.client_id = c.id;
    d.name = name;
    d.type = "order";
    d = World::must(w.engine->create_document(w.root, d));
    if (with_file) (void)World::must(w.engine->attach_document_file(w.root, d.id, "Conditions of release.pdf", pdf_bytes()));
    return d;
}

}  // namespace

TEST_CASE("dashboard: the portal's merge-tag template first, then dates, cases and documents with downloads") {
    World w;
    (void)World::must(w.engine->set_dashboard_template(w.root, w.portal.id, "en",
                                                        "Welcome back, [ClientFirstName]! <b>not markup</b>"));
    const auto with_file = add_document(w, w.ann, "Conditions of release", true);
    const auto without_file = add_document(w, w.ann, "Proof of address", false);
    sesame::Client ben = w.make_client("Ben", "Other");
    const auto bens = add_document(w, ben, "Ben's order", true);
    Browser b(w.start());

    CHECK(b.get("/documents/" + std::to_string(with_file.id)).header("Location") == "/?next=/documents/" +
                                                                                      std::to_string(with_file.id));
    const Reply dash = sign_in(w, b);
    CHECK(has(dash.body, "<div class=\"dashboard\" lang=\"en\">Welcome back, Ann! &lt;b&gt;not markup&lt;/b&gt;</div>"));
    const auto template_at = dash.body.find("Welcome back");
    const auto events_at = dash.body.find("<h2 id=\"events\">");
    CHECK(template_at < events_at);
    CHECK(events_at < dash.body.find("<h2 id=\"cases\">"));
    CHECK(dash.body.find("<h2 id=\"cases\">") < dash.body.find("<h2 id=\"documents\">"));
    CHECK(has(dash.body, "<a href=\"/documents/" + std::to_string(with_file.id) + "\">Conditions of release</a>"));
    CHECK(has(dash.body, "<a href=\"/profile\">Your profile</a>"));
    CHECK(has(dash.body, "<a href=\"/uploads\">Your uploads</a>"));
    CHECK(has(dash.body, "<td role=\"cell\" data-label=\"Name\">Proof of address</td>"));  // no file, no link
    CHECK_FALSE(has(dash.body, "/documents/" + std::to_string(without_file.id) + "\""));

    const Reply file = b.get("/documents/" + std::to_string(with_file.id));
    CHECK(file.status == 200);
    CHECK(file.header("Content-Type") == "application/pdf");
    CHECK(file.header("Content-Disposition") ==
          "attachment; filename=\"Conditions of release.pdf\"; filename*=UTF-8''Conditions%20of%20release.pdf");
    CHECK(file.header("X-Content-Type-Options") == "nosniff");
    CHECK(file.header("Cache-Control") == "no-store");
    const auto expected = pdf_bytes();
    CHECK(file.body == std::string(expected.begin(), expected.end()));

    CHECK(b.get("/documents/" + std::to_string(without_file.id)).status == 404);
    CHECK(b.get("/documents/" + std::to_string(bens.id)).status == 404);  // another client's: as missing
    CHECK(b.get("/documents/abc").status == 404);
    CHECK(b.get("/documents/-1").status == 404);
    CHECK(b.get("/documents/1/2").status == 404);
}

TEST_CASE("dashboard in Spanish: the client's language picks the Spanish template") {
    World w;
    (void)World::must(w.engine->set_dashboard_template(w.root, w.portal.id, "es", "Bienvenido, [ClientFirstName]."));
    sesame::Client ana = w.make_client("Ana", "Ruiz", "es");
    (void)World::must(w.engine->add_contact(w.root, ana.id, sesame::ContactKind::email, "ana@example.org"));
    Browser b(w.start());
    const Reply verify = start_login(b, "ana@example.org");
    const Reply done = b.submit(verify, "/verify", {{"code", w.feed_code(ana)}});
    REQUIRE(done.status == 303);
    const Reply dash = b.get("/dashboard");
    CHECK(has(dash.body, "<html lang=\"es\">"));
    CHECK(has(dash.body, "Bienvenido, Ana."));
    CHECK(has(dash.body, "Próximas fechas"));
}

namespace {

void add_gated(World& w, sesame::ResourceKind kind, const std::string& slug, const std::string& title, bool login) {
    sesame::GatedResource g;
    g.portal_id = w.portal.id;
    g.kind = kind;
    g.slug = slug;
    g.title = title;
    g.requires_login = login;
    (void)World::must(w.engine->create_gated_resource(w.root, g));
}

}  // namespace

TEST_CASE("gated calendars and forms: login required sends to sign-in with ?next=, and back after verify") {
    World w;
    add_gated(w, sesame::ResourceKind::calendar, "hearings", "Hearing calendar", true);
    add_gated(w, sesame::ResourceKind::form, "check-in", "Check-in form", true);
    add_gated(w, sesame::ResourceKind::calendar, "holidays", "Court holidays", false);
    sesame::Event e;
    e.client_id = w.ann.id;
    e.date = "2026-01-08";
    e.time = "09:30";
    e.type = "Pretrial hearing";
    e.location = "Courtroom 3B";
    (void)World::must(w.engine->create_event(w.root, e));
    Browser b(w.start());

    Reply r = b.get("/calendars/hearings");
    CHECK(r.status == 303);
    CHECK(r.header("Location") == "/?next=/calendars/hearings");
    CHECK(b.get("/forms/check-in").header("Location") == "/?next=/forms/check-in");
    CHECK(b.get("/calendars/nope").status == 404);
    CHECK(b.get("/forms/hearings").status == 404);  // a calendar's slug is not a form's
    const Reply open = b.get("/calendars/holidays");
    CHECK(open.status == 200);
    CHECK(has(open.body, "<h1 id=\"resource-title\">Court holidays</h1>"));

    const Reply home = b.get("/?next=/calendars/hearings");
    CHECK(has(home.body, "<input type=\"hidden\" name=\"next\" value=\"/calendars/hearings\">"));
    CHECK(has(home.body, "href=\"/?lang=es&amp;next=%2Fcalendars%2Fhearings\""));  // the language switch keeps it
    const Reply started = b.submit(home, "/login", {{"identifier", World::kPhone}, {"next", "/calendars/hearings"}});
    REQUIRE(started.status == 303);
    const Reply verify = b.get("/verify");
    const Reply done = b.submit(verify, "/verify", {{"code", w.feed_code(w.ann)}});
    CHECK(done.status == 303);
    CHECK(done.header("Location") == "/calendars/hearings");
    const Reply calendar = b.get("/calendars/hearings");
    CHECK(calendar.status == 200);
    CHECK(calendar.header("Cache-Control") == "no-store");
    CHECK(has(calendar.body, "Hearing calendar"));
    CHECK(has(calendar.body, "Courtroom 3B"));
    const Reply form = b.get("/forms/check-in");
    CHECK(form.status == 200);
    CHECK(has(form.body, "County Court provides this form."));
    // Signed in, the start page goes straight to a safe next.
    CHECK(b.get("/?next=/forms/check-in").header("Location") == "/forms/check-in");
    CHECK(b.get("/?next=//evil.example").header("Location") == "/dashboard");
}

TEST_CASE("gated: an unsafe next is dropped; several clients choose first, then land on next") {
    World w;
    add_gated(w, sesame::ResourceKind::calendar, "hearings", "Hearing calendar", true);
    sesame::Client ben = w.make_client("Ben", "Lee", "es");
    w.add_phone(ben, World::kPhone);
    Browser b(w.start());

    for (const std::string bad : {"//evil.example/x", "https://evil.example/", "/\\evil.example"}) {
        CAPTURE(bad);
        const Reply home = b.get("/?next=" + url_encode(bad));
        CHECK_FALSE(has(home.body, "name=\"next\""));
    }
    // A forged form field is checked again on submit.
    Reply home = b.get("/");
    Reply started = b.submit(home, "/login", {{"identifier", World::kPhone}, {"next", "//evil.example/x"}});
    REQUIRE(started.status == 303);
    Reply verify = b.get("/verify");
    Reply done = b.submit(verify, "/verify", {{"code", w.feed_code(w.ann)}});
    CHECK(done.header("Location") == "/choose?lang=en");

    Browser c(b);
    c.jar.clear();
    w.clock->advance(120);  // past the resend cooldown of the first code
    home = c.get("/?next=/calendars/hearings");
    started = c.submit(home, "/login", {{"identifier", World::kPhone}, {"next", "/calendars/hearings"}});
    verify = c.get("/verify");
    done = c.submit(verify, "/verify", {{"code", w.feed_code(w.ann)}});
    CHECK(done.header("Location") == "/choose?lang=en&next=%2Fcalendars%2Fhearings");
    const Reply choose = c.get(done.header("Location"));
    CHECK(has(choose.body, "<input type=\"hidden\" name=\"next\" value=\"/calendars/hearings\">"));
    const Reply chosen = c.submit(choose, "/choose", {{"client", std::to_string(ben.id)}, {"next", "/calendars/hearings"}});
    CHECK(chosen.header("Location") == "/calendars/hearings");
    const Reply calendar = c.get("/calendars/hearings");
    CHECK(calendar.status == 200);
    CHECK(has(calendar.body, "<html lang=\"es\">"));
}

TEST_CASE("gated: unavailable while the portal's Client Authentication is disabled") {
    World w;
    add_gated(w, sesame::ResourceKind::form, "check-in", "Check-in form", true);
    w.settings([](sesame::Portal& p) { p.client_auth = sesame::ClientAuth::disabled; });
    Browser b(w.start());
    const Reply r = b.get("/forms/check-in");
    CHECK(r.status == 403);
    CHECK(has(r.body, "sign-in is not offered on this portal right now"));
}

namespace {

void demo_profile_policy(World& w) {
    using sesame::FieldPolicy;
    (void)World::must(w.engine->set_profile_policy(
        w.root, w.portal.id,
        {{"middle_name", FieldPolicy::editable}, {"language", FieldPolicy::editable},
         {"first_name", FieldPolicy::read_only}, {"last_name", FieldPolicy::read_only},
         {"dob", FieldPolicy::read_only}, {"phone", FieldPolicy::read_only}, {"email", FieldPolicy::read_only}}));
}

}  // namespace

TEST_CASE("profile: editable fields are inputs, read-only ones text; a good POST saves and says so") {
    World w;
    demo_profile_policy(w);
    Browser b(w.start());
    CHECK(b.get("/profile").header("Location") == "/?next=/profile");
    (void)sign_in(w, b);

    const Reply page = b.get("/profile");
    CHECK(page.status == 200);
    CHECK(page.header("Cache-Control") == "no-store");
    CHECK(has(page.body, "<label for=\"middle_name\">Middle name</label>"));
    CHECK(has(page.body, "id=\"middle_name\" name=\"middle_name\" value=\"\""));
    CHECK(has(page.body, "<label for=\"language\">Language</label>"));
    CHECK(has(page.body, "<dt>First name</dt><dd>Ann</dd>"));
    CHECK(has(page.body, "<dt>Last name</dt><dd>Lee</dd>"));
    CHECK(has(page.body, "<dt>Phone</dt>"));
    CHECK_FALSE(has(page.body, "name=\"first_name\""));
    CHECK_FALSE(has(page.body, "name=\"phone\""));
    CHECK(has(page.body, "action=\"/profile\""));

    CHECK(b.post("/profile", {{"middle_name", "Q"}}).status == 403);  // no CSRF token
    const Reply saved = b.submit(page, "/profile", {{"middle_name", "  Quinn "}, {"first_name", "Ann"}});
    CHECK(saved.status == 200);
    CHECK(has(saved.body, ">Saved</p>"));
    CHECK(has(saved.body, "value=\"Quinn\""));
    CHECK(World::must(w.engine->get_client(w.root, w.ann.id)).middle_name == "Quinn");

    // Changing the language answers in the new one.
    const Reply es = b.submit(page, "/profile", {{"language", "es"}});
    CHECK(es.status == 200);
    CHECK(has(es.body, "<html lang=\"es\">"));
    CHECK(has(es.body, ">Guardado</p>"));
    CHECK(World::must(w.engine->get_client(w.root, w.ann.id)).language == "es");
}

TEST_CASE("profile: changing a read-only field is refused with 422 and nothing is saved") {
    World w;
    demo_profile_policy(w);
    Browser b(w.start());
    (void)sign_in(w, b);
    const Reply page = b.get("/profile");

    Reply r = b.submit(page, "/profile", {{"middle_name", "Quinn"}, {"first_name", "Annabel"}});
    CHECK(r.status == 422);
    CHECK(has(r.body, "role=\"alert\""));
    CHECK(has(r.body, "First name cannot be changed here."));
    auto ann = World::must(w.engine->get_client(w.root, w.ann.id));
    CHECK(ann.first_name == "Ann");
    CHECK(ann.middle_name.empty());  // the editable change in the same POST is not saved either

    r = b.submit(page, "/profile", {{"phone", "(555) 000-1111"}});
    CHECK(r.status == 422);
    CHECK(has(r.body, "Phone cannot be changed here."));
    r = b.submit(page, "/profile", {{"status", "closed"}});  // hidden by default
    CHECK(r.status == 422);

    r = b.submit(page, "/profile", {{"language", "english please"}});
    CHECK(r.status == 400);
    CHECK(has(r.body, "Language is not valid."));
    CHECK(World::must(w.engine->get_client(w.root, w.ann.id)).language == "en");
}

namespace {

const std::vector<std::uint8_t> kPng = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

struct FilePart {
    std::string name;
    std::string file_name;
    std::string bytes;
};

// A multipart/form-data body as a browser sends it.
std::string multipart(const std::string& boundary, const std::map<std::string, std::string>& fields,
                      const std::vector<FilePart>& files) {
    std::string body;
    for (const auto& [k, v] : fields)
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
    for (const auto& f : files)
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"; filename=\"" +
                f.file_name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + f.bytes + "\r\n";
    return body + "--" + boundary + "--\r\n";
}

Reply upload(Browser& b, const Reply& page, const std::string& kind, const FilePart& file) {
    const std::string boundary = "----PortalTestBoundary7MA4YWxkTrZu0gW";
    return b.send("POST", "/uploads", multipart(boundary, {{"csrf", Browser::csrf(page.body)}, {"kind", kind}}, {file}),
                  "multipart/form-data; boundary=" + boundary);
}

void allow_uploads(World& w, bool photos, bool documents, std::int64_t max_bytes) {
    sesame::UploadPolicy p;
    p.portal_id = w.portal.id;
    p.allow_photos = photos;
    p.allow_documents = documents;
    p.max_bytes = max_bytes;
    (void)World::must(w.engine->set_upload_policy(w.root, p));
}

}  // namespace

TEST_CASE("uploads: the form, an upload, the list with its download; another client's is not found") {
    World w;
    allow_uploads(w, true, true, 5 * 1024 * 1024);
    Browser b(w.start());
    CHECK(b.get("/uploads").header("Location") == "/?next=/uploads");
    (void)sign_in(w, b);

    const Reply page = b.get("/uploads");
    CHECK(page.status == 200);
    CHECK(page.header("Cache-Control") == "no-store");
    CHECK(has(page.body, "enctype=\"multipart/form-data\""));
    CHECK(has(page.body, "<input type=\"file\" id=\"file\" name=\"file\""));
    CHECK(has(page.body, "<select id=\"kind\" name=\"kind\">"));
    CHECK(has(page.body, "<option value=\"photo\">Photo</option>"));
    CHECK(has(page.body, "<option value=\"document\">Document</option>"));
    CHECK(has(page.body, ">Upload</button>"));
    CHECK(has(page.body, "You have not sent any files yet."));

    const auto pdf = pdf_bytes();
    const std::string pdf_text(pdf.begin(), pdf.end());
    const Reply done = upload(b, page, "document", {"file", "../../etc/My \\\"release\\\".pdf", pdf_text});
    CHECK(done.status == 200);
    CHECK(has(done.body, "Uploaded: My release.pdf."));
    auto uploads = World::must(w.engine->list_uploads(w.root, w.ann.id));
    REQUIRE(uploads.size() == 1);
    const std::string link = "/uploads/" + std::to_string(uploads[0].id);
    CHECK(has(done.body, "<a href=\"" + link + "\">My release.pdf</a>"));

    const Reply file = b.get(link);
    CHECK(file.status == 200);
    CHECK(file.header("Content-Type") == "application/pdf");
    CHECK(has(file.header("Content-Disposition"), "attachment; filename=\"My release.pdf\""));
    CHECK(file.header("X-Content-Type-Options") == "nosniff");
    CHECK(file.body == pdf_text);

    const Reply photo = upload(b, page, "photo", {"file", "me.png", std::string(kPng.begin(), kPng.end())});
    CHECK(photo.status == 200);
    CHECK(World::must(w.engine->list_uploads(w.root, w.ann.id)).size() == 2);

    // Another client's upload is answered as a missing one.
    sesame::Client ben = w.make_client("Ben", "Other");
    (void)World::must(w.engine->add_contact(w.root, ben.id, sesame::ContactKind::email, "ben@example.org"));
    Browser other(b);
    other.jar.clear();
    const Reply verify = start_login(other, "ben@example.org");
    REQUIRE(other.submit(verify, "/verify", {{"code", w.feed_code(ben)}}).status == 303);
    CHECK(other.get(link).status == 404);
    CHECK(b.get("/uploads/0").status == 404);
    CHECK(b.get("/uploads/x").status == 404);
}

TEST_CASE("uploads: refusals say what to do, and nothing is stored") {
    World w;
    allow_uploads(w, false, true, 2048);
    Browser b(w.start());
    (void)sign_in(w, b);
    const Reply page = b.get("/uploads");
    CHECK_FALSE(has(page.body, "value=\"photo\""));
    CHECK(has(page.body, "PDF, JPEG, PNG, up to 2 KB."));

    Reply r = upload(b, page, "document", {"file", "notes.txt", "just some text"});
    CHECK(r.status == 415);
    CHECK(has(r.body, "That file type is not accepted here. Send PDF, JPEG, PNG."));
    r = upload(b, page, "photo", {"file", "me.png", std::string(kPng.begin(), kPng.end())});
    CHECK(r.status == 403);
    CHECK(has(r.body, "does not take uploads of this kind (Photo)"));
    std::string big = "%PDF-1.4\n" + std::string(3000, 'x');
    r = upload(b, page, "document", {"file", "big.pdf", big});
    CHECK(r.status == 413);
    CHECK(has(r.body, "That file is too large. Choose one of at most 2 KB"));
    r = upload(b, page, "document", {"file", "", ""});
    CHECK(r.status == 400);
    CHECK(has(r.body, "Choose a file to upload."));
    r = upload(b, page, "document", {"file", "empty.pdf", ""});
    CHECK(has(r.body, "That file is empty."));
    r = upload(b, page, "banana", {"file", "a.pdf", "%PDF-1.4\n"});
    CHECK(has(r.body, "Choose what the file is"));

    // No CSRF token, a malformed body, or not multipart at all.
    const std::string boundary = "b0undary";
    r = b.send("POST", "/uploads", multipart(boundary, {{"kind", "document"}}, {{"file", "a.pdf", "%PDF-1.4\n"}}),
               "multipart/form-data; boundary=" + boundary);
    CHECK(r.status == 403);
    r = b.send("POST", "/uploads", "--b0undary\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndocument",
               "multipart/form-data; boundary=" + boundary);
    CHECK(r.status == 400);
    CHECK(has(r.body, "The file did not arrive whole."));
    CHECK(b.post("/uploads", {{"kind", "document"}}).status == 400);
    CHECK(World::must(w.engine->list_uploads(w.root, w.ann.id)).empty());

    // Far beyond the portal's bound: the transport refuses it before reading the body.
    r = upload(b, page, "document", {"file", "huge.pdf", "%PDF-1.4\n" + std::string(200 * 1024, 'x')});
    CHECK(r.status == 413);
    CHECK(has(r.body, "The file is too large for this portal."));
    // Other routes keep the small default limit.
    CHECK(b.post("/profile", {{"middle_name", std::string(20 * 1024, 'x')}}).status == 413);
}

TEST_CASE("uploads: a portal that takes none says so and has no form") {
    World w;
    Browser b(w.start());
    (void)sign_in(w, b);
    const Reply page = b.get("/uploads");
    CHECK(page.status == 200);
    CHECK(has(page.body, "This portal does not take files."));
    CHECK_FALSE(has(page.body, "type=\"file\""));
}

TEST_CASE("uploads: the kind chosen stays chosen after an error") {
    World w;
    allow_uploads(w, true, true, 2048);
    Browser b(w.start());
    (void)sign_in(w, b);
    const Reply page = b.get("/uploads");
    CHECK(has(page.body, "<option value=\"document\">"));  // nothing chosen yet: the first is
    Reply r = upload(b, page, "photo", {"file", "notes.txt", "just some text"});
    CHECK(r.status == 415);
    CHECK(has(r.body, "<option value=\"photo\" selected>Photo</option>"));
    CHECK(has(r.body, "<option value=\"document\">Document</option>"));
    r = upload(b, page, "document", {"file", "", ""});
    CHECK(r.status == 400);
    CHECK(has(r.body, "<option value=\"document\" selected>Document</option>"));
}

TEST_CASE("titles per language: a Spanish client reads the staff-given Spanish titles, an English client the default") {
    World w;
    auto item = [&](const std::string& title, sesame::Titles titles, const std::string& link, int order,
                    sesame::Visibility visibility) {
        sesame::SidebarItem i;
        i.portal_id = w.portal.id;
        i.title = title;
        i.titles = std::move(titles);
        i.link = link;
        i.order = order;
        i.visibility = visibility;
        (void)World::must(w.engine->create_sidebar_item(w.root, i));
    };
    // The staff title wins over the glossary's ("Calendario de audiencias"); an item with no Spanish
    // title falls back to the glossary, then to the default as written.
    item("Court information", {}, "/", 1, sesame::Visibility::public_);
    item("Hearing calendar", {{"es", "Audiencias del condado"}, {"fr", "Audiences"}}, "/calendars/hearings", 2,
         sesame::Visibility::private_);
    item("Payments", {{"es", "Pagos <en línea>"}}, "/payments", 3, sesame::Visibility::public_);
    item("Jury duty", {}, "/jury", 4, sesame::Visibility::public_);
    sesame::GatedResource form;
    form.portal_id = w.portal.id;
    form.kind = sesame::ResourceKind::form;
    form.slug = "check-in";
    form.title = "Check-in form";
    form.titles = {{"es", "Registro de llegada"}};
    form.requires_login = true;
    (void)World::must(w.engine->create_gated_resource(w.root, form));

    sesame::Client ana = w.make_client("Ana", "Ruiz", "es");
    (void)World::must(w.engine->add_contact(w.root, ana.id, sesame::ContactKind::email, "ana@example.org"));
    Browser b(w.start());

    // A visitor reads the page's language.
    Browser visitor(w.server->port());
    const Reply visitor_es = visitor.get("/?lang=es");
    CHECK(has(visitor_es.body, "<a href=\"/payments\">Pagos &lt;en línea&gt;</a>"));
    CHECK(has(visitor_es.body, "Información del tribunal"));
    CHECK(has(visitor_es.body, "<a href=\"/jury\">Jury duty</a>"));
    const Reply visitor_en = visitor.get("/?lang=en");
    CHECK(has(visitor_en.body, "<a href=\"/payments\">Payments</a>"));
    CHECK_FALSE(has(visitor_en.body, "Pagos"));

    // Ana, whose language is Spanish.
    {
        const Reply verify = start_login(b, "ana@example.org");
        const Reply done = b.submit(verify, "/verify", {{"code", w.feed_code(ana)}});
        REQUIRE(done.status == 303);
        const Reply dash = b.get("/dashboard");
        CHECK(has(dash.body, "<html lang=\"es\">"));
        CHECK(has(dash.body, "<a href=\"/calendars/hearings\">Audiencias del condado</a>"));
        CHECK_FALSE(has(dash.body, "Calendario de audiencias"));
        CHECK_FALSE(has(dash.body, "Hearing calendar"));
        CHECK(has(dash.body, "<a href=\"/payments\">Pagos &lt;en línea&gt;</a>"));
        CHECK(has(dash.body, "Información del tribunal"));
        const Reply page = b.get("/forms/check-in");
        REQUIRE(page.status == 200);
        CHECK(has(page.body, "<h1 id=\"resource-title\">Registro de llegada</h1>"));
        CHECK(has(page.body, "<title>Registro de llegada"));
        CHECK_FALSE(has(page.body, "Check-in form"));
    }

    // Ann, whose language is English, in a fresh browser.
    Browser en(w.server->port());
    const Reply verify = start_login(en);
    const Reply done = en.submit(verify, "/verify", {{"code", w.feed_code(w.ann)}});
    REQUIRE(done.status == 303);
    const Reply dash = en.get("/dashboard");
    CHECK(has(dash.body, "<a href=\"/calendars/hearings\">Hearing calendar</a>"));
    CHECK(has(dash.body, "<a href=\"/payments\">Payments</a>"));
    CHECK_FALSE(has(dash.body, "Audiencias del condado"));
    const Reply page = en.get("/forms/check-in");
    REQUIRE(page.status == 200);
    CHECK(has(page.body, "<h1 id=\"resource-title\">Check-in form</h1>"));
    CHECK_FALSE(has(page.body, "Registro de llegada"));
}
