// Sidebar items and gated resources: the words of their enums and the checks a staff change must
// pass, links above all, since a sidebar link is rendered into every visitor's page.
#include <doctest/doctest.h>

#include <string>

#include "sesame/navigation.hpp"

using namespace sesame;

namespace {

SidebarItem item(std::string title, std::string link, std::int32_t order = 0) {
    SidebarItem i;
    i.title = std::move(title);
    i.link = std::move(link);
    i.order = order;
    return i;
}

GatedResource resource(std::string slug, std::string title = "Court calendar") {
    GatedResource r;
    r.slug = std::move(slug);
    r.title = std::move(title);
    return r;
}

}  // namespace

TEST_CASE("navigation enums round-trip through their words and refuse unknown ones") {
    Visibility v = Visibility::public_;
    CHECK(parse("private", v));
    CHECK(v == Visibility::private_);
    CHECK(to_string(v) == "private");
    CHECK(parse("public", v));
    CHECK(v == Visibility::public_);
    CHECK(to_string(v) == "public");
    CHECK_FALSE(parse("Private", v));
    CHECK(v == Visibility::public_);

    ResourceKind k = ResourceKind::calendar;
    CHECK(parse("form", k));
    CHECK(k == ResourceKind::form);
    CHECK(to_string(k) == "form");
    CHECK(parse("calendar", k));
    CHECK(to_string(k) == "calendar");
    CHECK_FALSE(parse("forms", k));
    CHECK(k == ResourceKind::calendar);
}

TEST_CASE("sidebar links: site paths and https URLs only") {
    CHECK(validate_sidebar_link("/").ok());
    CHECK(validate_sidebar_link("/payments?case=1#top").ok());
    CHECK(validate_sidebar_link("https://court.example/forms").ok());
    CHECK(validate_sidebar_link("HTTPS://court.example/").ok());

    for (const char* bad : {"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>x</script>",
                            "//evil.example", "/\\evil.example", "http://court.example", "https://",
                            "https:///evil", "vbscript:x", "payments", "", " /x", "/a b"}) {
        CAPTURE(bad);
        Status s = validate_sidebar_link(bad);
        CHECK(s.code() == Code::invalid_argument);
        CHECK(s.message().rfind("link:", 0) == 0);
    }
    CHECK(validate_sidebar_link(std::string("/a\nb")).code() == Code::invalid_argument);
    CHECK(validate_sidebar_link(std::string("/a\tb")).code() == Code::invalid_argument);
    CHECK(validate_sidebar_link(std::string("/a\x7f")).code() == Code::invalid_argument);
    CHECK(validate_sidebar_link(std::string("/a\0b", 4)).code() == Code::invalid_argument);
    CHECK(validate_sidebar_link("/" + std::string(1999, 'a')).ok());
    CHECK(validate_sidebar_link("/" + std::string(2000, 'a')).code() == Code::invalid_argument);
}

TEST_CASE("sidebar items: title and order bounds") {
    CHECK(validate_sidebar_item(item("Pay a fine", "/pay", 0)).ok());
    CHECK(validate_sidebar_item(item(std::string(200, 't'), "/pay", 10000)).ok());

    Status s = validate_sidebar_item(item("", "/pay"));
    CHECK(s.code() == Code::invalid_argument);
    CHECK(s.message().rfind("title:", 0) == 0);
    CHECK(validate_sidebar_item(item(std::string(201, 't'), "/pay")).code() == Code::invalid_argument);
    CHECK(validate_sidebar_item(item("a\nb", "/pay")).code() == Code::invalid_argument);

    s = validate_sidebar_item(item("Pay", "/pay", -1));
    CHECK(s.code() == Code::invalid_argument);
    CHECK(s.message().rfind("order:", 0) == 0);
    CHECK(validate_sidebar_item(item("Pay", "/pay", 10001)).code() == Code::invalid_argument);

    s = validate_sidebar_item(item("Pay", "javascript:void(0)"));
    CHECK(s.message().rfind("link:", 0) == 0);
}

TEST_CASE("gated resources: slug alphabet and length, title bounds") {
    CHECK(validate_gated_resource(resource("jury-calendar-2")).ok());
    CHECK(validate_gated_resource(resource(std::string(63, 'a'))).ok());

    for (const char* bad : {"", "Jury", "jury_calendar", "jury calendar", "../forms", "jury/1", "é"}) {
        CAPTURE(bad);
        Status s = validate_gated_resource(resource(bad));
        CHECK(s.code() == Code::invalid_argument);
        CHECK(s.message().rfind("slug:", 0) == 0);
    }
    CHECK(validate_gated_resource(resource(std::string(64, 'a'))).code() == Code::invalid_argument);
    CHECK(validate_gated_resource(resource("jury", "")).code() == Code::invalid_argument);
    CHECK(validate_gated_resource(resource("jury", std::string(201, 't'))).code() == Code::invalid_argument);
}

TEST_CASE("titles per language: ISO 639-1 codes, bounded titles, at most 8 languages") {
    SidebarItem i = item("Hearing calendar", "/calendars/hearings");
    i.titles = {{"es", "Calendario de audiencias"}, {"vi", "L\u1ecbch phi\u00ean t\u00f2a"}};
    CHECK(validate_sidebar_item(i).ok());
    GatedResource r = resource("hearings");
    r.titles = {{"es", std::string(200, 't')}};
    CHECK(validate_gated_resource(r).ok());

    struct Bad {
        std::string language;
        std::string title;
        std::string message;
    };
    for (const Bad& b : {Bad{"ES", "Calendario", "titles: each language is an ISO 639-1 code"},
                         Bad{"es-MX", "Calendario", "titles: each language is an ISO 639-1 code"},
                         Bad{"e", "Calendario", "titles: each language"}, Bad{"", "Calendario", "titles: each language"},
                         Bad{"spa", "Calendario", "titles: each language"}, Bad{"e1", "Calendario", "titles: each language"},
                         Bad{"es", "", "titles.es: 1 to 200 bytes"},
                         Bad{"es", std::string(201, 't'), "titles.es: 1 to 200 bytes"},
                         Bad{"es", "Cal\nendario", "titles.es: control characters"},
                         Bad{"es", "Cal\x7f", "titles.es: control characters"},
                         Bad{"fr", "Calendrier \xff", "titles.fr: must be valid UTF-8"},
                         Bad{"fr", "\xc0\xaf", "titles.fr: must be valid UTF-8"},
                         Bad{"fr", "\xed\xa0\x80", "titles.fr: must be valid UTF-8"},
                         Bad{"fr", "cut \xe2\x82", "titles.fr: must be valid UTF-8"}}) {
        CAPTURE(b.language);
        CAPTURE(b.title);
        SidebarItem bad_item = item("Hearing calendar", "/calendars/hearings");
        bad_item.titles = {{b.language, b.title}};
        Status s = validate_sidebar_item(bad_item);
        CHECK(s.code() == Code::invalid_argument);
        CHECK(s.message().rfind(b.message, 0) == 0);
        GatedResource bad_resource = resource("hearings");
        bad_resource.titles = {{b.language, b.title}};
        s = validate_gated_resource(bad_resource);
        CHECK(s.code() == Code::invalid_argument);
        CHECK(s.message().rfind(b.message, 0) == 0);
    }

    // Eight languages pass; a ninth is refused.
    SidebarItem many = item("Home", "/");
    for (const char* code : {"ar", "de", "es", "fr", "ht", "ko", "vi", "zh"}) many.titles[code] = "x";
    CHECK(validate_sidebar_item(many).ok());
    many.titles["ru"] = "x";
    Status s = validate_sidebar_item(many);
    CHECK(s.code() == Code::invalid_argument);
    CHECK(s.message() == "titles: at most 8 languages");
    GatedResource crowded = resource("hearings");
    crowded.titles = many.titles;
    CHECK(validate_gated_resource(crowded).message() == "titles: at most 8 languages");
}
