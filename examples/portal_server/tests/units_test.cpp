// The pieces without a network: escaping, the string table, dates, forms, configuration.
#include <doctest/doctest.h>

#include <fstream>

#include "config.hpp"
#include "html.hpp"
#include "http.hpp"
#include "i18n.hpp"
#include "multipart.hpp"
#include "pages/pages.hpp"
#include "server.hpp"
#include "store/temp_db.hpp"

using namespace portal;

TEST_CASE("escape: every character that matters in HTML text and attributes") {
    CHECK(escape("<script>alert('x') & \"y\"</script>") ==
          "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
    CHECK(escape("plain text") == "plain text");
}

TEST_CASE("i18n: every text has English and Spanish, and values fill placeholders") {
    REQUIRE(text_count() > 10);
    for (std::size_t i = 0; i < text_count(); ++i) CHECK(text_complete(i));
    CHECK(tr(Lang::en, "err_code_wrong", {{"tries", "3"}}) == "That code is not right. You have 3 tries left.");
    CHECK(tr(Lang::es, "err_code_wrong", {{"tries", "3"}}) == "Ese código no es correcto. Le quedan 3 intentos.");
    CHECK_THROWS_AS(tr(Lang::en, "no_such_key"), std::out_of_range);
    Lang lang = Lang::en;
    CHECK(parse_lang("es-MX", lang));
    CHECK(lang == Lang::es);
    CHECK_FALSE(parse_lang("fr", lang));
    CHECK_FALSE(parse_lang("espanol", lang));
    CHECK(lang == Lang::es);
}

TEST_CASE("layout: html lang, viewport, one stylesheet, language switch") {
    Page p;
    p.lang = Lang::es;
    p.title = "T<1>";
    p.site_name = "Court & Co";
    p.body = "<h1>x</h1>";
    p.switch_href = "/?lang=en";
    const std::string html = render_page(p);
    CHECK(html.find("<html lang=\"es\">") != std::string::npos);
    CHECK(html.find("name=\"viewport\"") != std::string::npos);
    CHECK(html.find("<title>T&lt;1&gt; – Court &amp; Co</title>") != std::string::npos);
    CHECK(html.find("href=\"/?lang=en\">English</a>") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<nav") == std::string::npos);  // no sidebar items, no <nav>

    p.nav = {{"Court \"info\"", "/"}, {"Forms", "https://example.gov/a?b=1&c=2"}};
    const std::string with_nav = render_page(p);
    CHECK(with_nav.find("<nav class=\"sidebar\" aria-label=\"Enlaces del portal\">") != std::string::npos);
    CHECK(with_nav.find("<li><a href=\"/\">Court &quot;info&quot;</a></li>") != std::string::npos);
    CHECK(with_nav.find("href=\"https://example.gov/a?b=1&amp;c=2\"") != std::string::npos);
    CHECK(with_nav.find("</nav>\n<main") != std::string::npos);
}

TEST_CASE("today: UTC dates across days, leap years and before 1970") {
    CHECK(pages::today(0) == "1970-01-01");
    CHECK(pages::today(1'767'225'600) == "2026-01-01");
    CHECK(pages::today(1'767'225'599) == "2025-12-31");
    CHECK(pages::today(951'782'400) == "2000-02-29");
    CHECK(pages::today(-1) == "1969-12-31");
}

TEST_CASE("forms, queries and cookies are decoded") {
    auto f = parse_form("identifier=%28555%29+123-4567&lang=es&lang=en&empty=&bad=%zz");
    CHECK(f["identifier"] == "(555) 123-4567");
    CHECK(f["lang"] == "es");
    CHECK(f["empty"].empty());
    CHECK(f["bad"] == "%zz");
    CHECK(url_decode(url_encode("a b&c=d/é")) == "a b&c=d/é");
    auto c = parse_cookies("sesame=abc; sesame-login=def ;junk; =x");
    CHECK(c.size() == 2);
    CHECK(c["sesame"] == "abc");
    CHECK(c["sesame-login"] == "def");
}

TEST_CASE("config: defaults, file, flags over the file, and refusals naming the key") {
    auto d = load_config({});
    CHECK(d.address == "127.0.0.1");
    CHECK(d.port == 8080);
    CHECK(d.database == "sesame.db");
    CHECK(d.key_file == "sesame.db.key");
    CHECK(d.blob_dir == "sesame.db.files");
    CHECK_FALSE(d.test_clock);
    CHECK_FALSE(d.staff_token);

    const auto dir = sesame::test::test_directory();
    const std::string path = (dir / "portal-config-test.json").string();
    {
        std::ofstream out(path);
        out << R"({"port": 9000, "database": "/var/lib/sesame/db.sqlite", "portal": "court",
                   "staff_token": "0123456789abcdef-long", "threads": 3})";
    }
    auto c = load_config({"--config", path, "--port", "9100"});
    CHECK(c.port == 9100);
    CHECK(c.database == "/var/lib/sesame/db.sqlite");
    CHECK(c.key_file == "/var/lib/sesame/db.sqlite.key");
    CHECK(c.blob_dir == "/var/lib/sesame/db.sqlite.files");
    CHECK(load_config({"--db", "x.db", "--blob-dir", "/srv/files"}).blob_dir == "/srv/files");
    CHECK(c.portal == "court");
    CHECK(c.threads == 3);
    REQUIRE(c.staff_token);
    CHECK(*c.staff_token == "0123456789abcdef-long");
    CHECK(load_config({"--help"}).help);

    auto message = [](const std::vector<std::string>& args) {
        try {
            (void)load_config(args);
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(message({"--bogus", "1"}).find("unknown flag \"--bogus\"") != std::string::npos);
    CHECK(message({"--port", "70000"}).find("--port") != std::string::npos);
    CHECK(message({"--threads", "0"}).find("--threads") != std::string::npos);
    CHECK(message({"--port"}).find("--port needs a value") != std::string::npos);
    {
        std::ofstream out(path);
        out << R"({"port": 9000, "colour": "blue"})";
    }
    CHECK(message({"--config", path}).find("unknown key \"colour\"") != std::string::npos);
    {
        std::ofstream out(path);
        out << R"({"workers": 2, "max_connections": 50, "queue_wait_seconds": 3,
                   "hosts": ["portal.example.gov"], "trusted_proxies": ["127.0.0.1", "::1"]})";
    }
    auto robust = load_config({"--config", path});
    CHECK(robust.workers == 2);
    CHECK(robust.max_connections == 50);
    CHECK(robust.queue_wait_seconds == 3);
    CHECK(robust.hosts == std::vector<std::string>{"portal.example.gov"});
    CHECK(robust.trusted_proxies == std::vector<std::string>{"127.0.0.1", "::1"});
    CHECK(d.workers == 0);
    CHECK(d.max_connections == 1000);
    CHECK(d.queue_wait_seconds == 10);
    CHECK(d.hosts.empty());
    CHECK(d.trusted_proxies.empty());
    for (const auto& [bad, key] : std::vector<std::pair<std::string, std::string>>{
             {R"({"workers": 0})", "workers"},
             {R"({"max_connections": 0})", "max_connections"},
             {R"({"queue_wait_seconds": 0})", "queue_wait_seconds"},
             {R"({"hosts": "portal.example.gov"})", "hosts"},
             {R"({"hosts": []})", "hosts"},
             {R"({"hosts": [""]})", "hosts"},
             {R"({"trusted_proxies": ["proxy.example.gov"]})", "trusted_proxies"}}) {
        {
            std::ofstream out(path);
            out << bad;
        }
        CAPTURE(bad);
        CHECK(message({"--config", path}).find("\"" + key + "\"") != std::string::npos);
    }
    {
        std::ofstream out(path);
        out << R"({"staff_token": "short"})";
    }
    CHECK(message({"--config", path}).find("at least 16") != std::string::npos);
    {
        std::ofstream out(path);
        out << "{not json";
    }
    CHECK(message({"--config", path}).find("not valid JSON") != std::string::npos);
    {
        std::ofstream out(path);
        out << R"({"blob_dir": "/srv/blobs", "test_clock": true, "staff_token": "0123456789abcdef-long"})";
    }
    auto t = load_config({"--config", path});
    CHECK(t.blob_dir == "/srv/blobs");
    CHECK(t.test_clock);
    CHECK(message({"--config", path, "--address", "0.0.0.0"}).find("--test-clock is for tests on this computer") !=
          std::string::npos);
    CHECK(message({"--test-clock"}).find("--test-clock needs a staff token") != std::string::npos);
    {
        std::ofstream out(path);
        out << R"({"test_clock": "yes"})";
    }
    CHECK(message({"--config", path}).find("\"test_clock\" must be true or false") != std::string::npos);
    std::filesystem::remove(path);
}

TEST_CASE("listen: plain HTTP only on loopback") {
    ServerOptions o;
    CHECK(check_listen(o).empty());
    o.address = "::1";
    CHECK(check_listen(o).empty());
    o.address = "0.0.0.0";
    CHECK(check_listen(o).find("not a loopback address and TLS is off") != std::string::npos);
    o.tls_cert = "cert.pem";
    CHECK(check_listen(o).find("tls_cert and tls_key go together") != std::string::npos);
    o.tls_key = "key.pem";
    CHECK(check_listen(o).empty());
    o.address = "portal.example.gov";
    CHECK(check_listen(o).find("is not an IP address") != std::string::npos);
}

TEST_CASE("next: only paths of this site come back from sign-in") {
    using pages::safe_next;
    CHECK(safe_next("/"));
    CHECK(safe_next("/calendars/hearings"));
    CHECK(safe_next("/forms/check-in?step=2"));
    CHECK_FALSE(safe_next(""));
    CHECK_FALSE(safe_next("//evil.example/"));
    CHECK_FALSE(safe_next("/\\evil.example"));
    CHECK_FALSE(safe_next("/a\\b"));
    CHECK_FALSE(safe_next("https://evil.example/"));
    CHECK_FALSE(safe_next("javascript:alert(1)"));
    CHECK_FALSE(safe_next("calendars/hearings"));
    CHECK_FALSE(safe_next("/a b"));
    CHECK_FALSE(safe_next("/a\r\nSet-Cookie: x=1"));
    CHECK_FALSE(safe_next("/" + std::string(600, 'a')));
    CHECK(pages::login_with_next("/calendars/hearings") == "/?next=/calendars/hearings");
    CHECK(pages::login_with_next("/forms/a b") == "/");
    CHECK(pages::login_with_next("/dashboard") == "/");
}

TEST_CASE("multipart: boundary from the Content-Type, quoted or not, and refusals") {
    CHECK(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryAbC123") ==
          "----WebKitFormBoundaryAbC123");
    CHECK(multipart_boundary("Multipart/Form-Data;boundary=\"a b:c\"") == "a b:c");
    CHECK(multipart_boundary("multipart/form-data; charset=utf-8; boundary=xyz") == "xyz");
    CHECK(multipart_boundary("multipart/form-data").empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=").empty());
    CHECK(multipart_boundary("multipart/mixed; boundary=xyz").empty());
    CHECK(multipart_boundary("application/x-www-form-urlencoded").empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')).empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=\"bad<char>\"").empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=\"unterminated").empty());
}

TEST_CASE("multipart: fields and files, binary bytes and CRLF inside a file kept whole") {
    const std::string file("%PDF-1.4\r\n--xy not the boundary\r\n\0\x01\xff", 37);
    const std::string body = "--xyz\r\n"
                             "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                             "token123\r\n"
                             "--xyz\r\n"
                             "content-disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".pdf\"\r\n"
                             "Content-Type: application/pdf\r\n\r\n" +
                             file +
                             "\r\n--xyz\r\n"
                             "Content-Disposition: form-data; name=\"kind\"\r\n\r\n"
                             "document\r\n"
                             "--xyz--\r\nepilogue ignored";
    std::vector<MultipartPart> parts;
    REQUIRE(parse_multipart(body, "xyz", parts).empty());
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].name == "csrf");
    CHECK_FALSE(parts[0].file_name);
    CHECK(parts[0].body == "token123");
    CHECK(parts[1].name == "file");
    REQUIRE(parts[1].file_name);
    CHECK(*parts[1].file_name == "a \"b\".pdf");
    CHECK(parts[1].content_type == "application/pdf");
    CHECK(parts[1].body == file);
    CHECK(parts[2].body == "document");

    // A preamble before the first boundary is ignored; an empty file part is kept empty.
    REQUIRE(parse_multipart("preamble\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n"
                            "\r\n--xyz--",
                            "xyz", parts)
                .empty());
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].file_name == std::optional<std::string>(""));
    CHECK(parts[0].body.empty());
}

TEST_CASE("multipart: malformed bodies are refused, never half read") {
    std::vector<MultipartPart> parts;
    const std::string field = "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";
    auto error = [&](const std::string& body) { return parse_multipart(body, "xyz", parts); };
    CHECK(error("--xyz\r\n" + field + "--xyz--").empty());
    CHECK(error("").find("does not start with the boundary") != std::string::npos);
    CHECK(error("--abc\r\n" + field + "--abc--").find("does not start with the boundary") != std::string::npos);
    CHECK(error("--xyz\r\n" + field).find("ends before the closing boundary") != std::string::npos);   // truncated
    CHECK(error("--xyz\r\n" + field + "--xyz\r\n" + field).find("ends before") != std::string::npos);
    CHECK(parts.empty());  // the whole part before the truncated one is dropped too
    CHECK(error("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1").find("ends before") !=
          std::string::npos);
    CHECK(error("--xyz\n" + field + "--xyz--").find("CRLF") != std::string::npos);  // bare LF
    CHECK(error("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n--xyz--").find("headers do not end") !=
          std::string::npos);
    CHECK(error("--xyz\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--xyz--").find("not form-data") !=
          std::string::npos);
    CHECK(error("--xyz\r\nContent-Disposition: form-data\r\n\r\n1\r\n--xyz--").find("no Content-Disposition name") !=
          std::string::npos);
    CHECK(error("--xyz\r\nContent-Type: text/plain\r\n\r\n1\r\n--xyz--").find("no Content-Disposition name") !=
          std::string::npos);
    CHECK(error("--xyz\r\nno colon here\r\n\r\n1\r\n--xyz--").find("no name") != std::string::npos);
    CHECK(error("--xyz\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--xyz--").find("Content-Disposition") !=
          std::string::npos);
    CHECK(error("--xyz\r\nX: " + std::string(5000, 'a') + "\r\n\r\n1\r\n--xyz--").find("too long") != std::string::npos);
    std::string many;
    for (int i = 0; i < 17; ++i) many += "--xyz\r\n" + field;
    CHECK(error(many + "--xyz--").find("too many parts") != std::string::npos);
    CHECK(parse_multipart("--\r\n", "", parts) == "no boundary");
    CHECK(parts.empty());
}

TEST_CASE("dates, times and the glossary in the client's language") {
    CHECK(format_date(Lang::en, "2026-01-15") == "Thursday, January 15, 2026");
    CHECK(format_date(Lang::es, "2026-01-15") == "jueves, 15 de enero de 2026");
    CHECK(format_date(Lang::en, "2000-02-29") == "Tuesday, February 29, 2000");
    CHECK(format_date(Lang::en, "1969-12-31") == "Wednesday, December 31, 1969");
    CHECK(format_date(Lang::es, "2026-12-06") == "domingo, 6 de diciembre de 2026");
    for (const char* odd : {"", "2026-1-15", "2026-13-01", "2026-00-10", "2026-01-32", "20x6-01-15", "next week"})
        CHECK(format_date(Lang::en, odd) == odd);
    CHECK(format_time(Lang::en, "00:05") == "12:05 AM");
    CHECK(format_time(Lang::en, "12:00") == "12:00 PM");
    CHECK(format_time(Lang::en, "14:30") == "2:30 PM");
    CHECK(format_time(Lang::es, "14:30") == "14:30");
    CHECK(format_time(Lang::es, "09:05") == "9:05");
    for (const char* odd : {"", "9:30", "24:00", "12:60", "ab:cd", "noon"}) CHECK(format_time(Lang::en, odd) == odd);
    CHECK(term(Lang::es, "scheduled") == "Programada");
    CHECK(term(Lang::es, "Pretrial hearing") == "Audiencia preliminar");
    CHECK(term(Lang::en, "open") == "Open");
    CHECK(term(Lang::es, "Something the agency wrote") == "Something the agency wrote");
}

TEST_CASE("phone numbers in the agency's national format, other countries' in international format") {
    CHECK(pages::phone_display("+15551234567", "US") == "(555) 123-4567");
    CHECK(pages::phone_display("+442079460958", "US") == "+44 20 7946 0958");
    CHECK(pages::phone_display("+442079460958", "GB") == "020 7946 0958");
    CHECK(pages::phone_display("not a number", "US") == "not a number");
}

TEST_CASE("layout: a signed-in page has Log out and marks the current page; a staff page has the staff layout") {
    Page p;
    p.title = "Your profile";
    p.body = "<h1>x</h1>";
    p.nav = {{"Your portal", "/dashboard"}, {"Your profile", "/profile"}};
    p.current_path = "/profile";
    p.logout_csrf = "tok<en>";
    const std::string html = render_page(p);
    CHECK(html.find("<a href=\"/profile\" aria-current=\"page\">Your profile</a>") != std::string::npos);
    CHECK(html.find("<a href=\"/dashboard\">Your portal</a>") != std::string::npos);
    CHECK(html.find("<form class=\"logout\" method=\"post\" action=\"/logout\">") != std::string::npos);
    CHECK(html.find("value=\"tok&lt;en&gt;\"") != std::string::npos);
    CHECK(html.find("<body>") != std::string::npos);

    Page staff;
    staff.staff = true;
    staff.title = "Portal administration";
    staff.nav = {{"Court information", "/"}};  // a client sidebar is never shown to staff
    staff.current_path = "/admin";
    staff.staff_logout_csrf = "t";
    const std::string s = render_page(staff);
    CHECK(s.find("<body class=\"staff\">") != std::string::npos);
    CHECK(s.find("Court information") == std::string::npos);
    CHECK(s.find("<a href=\"/admin\" aria-current=\"page\">Clients and settings</a>") != std::string::npos);
    CHECK(s.find("action=\"/admin/logout\"") != std::string::npos);
    CHECK(s.find("<title>Portal administration – Staff</title>") != std::string::npos);
}

TEST_CASE("stacked tables: each cell names its column") {
    const std::string t = stacked_table("feed", {"Code", "To & from"}, {{"<b>1</b>", ""}});
    CHECK(t.find("<table class=\"stack\" role=\"table\" aria-labelledby=\"feed\">") != std::string::npos);
    CHECK(t.find("<th scope=\"col\" role=\"columnheader\">To &amp; from</th>") != std::string::npos);
    CHECK(t.find("<td role=\"cell\" data-label=\"Code\"><b>1</b></td>") != std::string::npos);
    CHECK(t.find("<td role=\"cell\" data-label=\"To &amp; from\"></td>") != std::string::npos);
}
