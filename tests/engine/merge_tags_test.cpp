#include "sesame/merge_tags.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sesame;

namespace {

std::string render_text(std::string_view text, const MergeValues& v) {
    auto t = parse_merge_template(text);
    REQUIRE(t.ok());
    return render(*t, v);
}

std::string parse_error(std::string_view text) {
    auto t = parse_merge_template(text);
    REQUIRE_FALSE(t.ok());
    CHECK(t.code() == Code::invalid_argument);
    return t.status().message();
}

}  // namespace

TEST_CASE("merge tags: every tag renders its value") {
    for (const auto& info : merge_tag_table()) {
        if (info.block) continue;
        MergeValues v;
        v.values[std::string(info.name)] = "V-" + std::string(info.name);
        CHECK(render_text("x[" + std::string(info.name) + "]y", v) == "xV-" + std::string(info.name) + "y");
    }
}

TEST_CASE("merge tags: missing values vanish") {
    MergeValues v;
    v.values["ClientFirstName"] = "Ana";
    v.values["CaseNumber"] = "";
    CHECK(render_text("Hi [ClientFirstName] [ClientLastName]![CaseNumber]", v) == "Hi Ana !");
    for (const auto& info : merge_tag_table()) {
        std::string out = render_text("[" + std::string(info.name) + "]", MergeValues{});
        CHECK(out.empty());
    }
}

TEST_CASE("merge tags: conditional labels") {
    MergeValues v;
    v.values["CaseNumber"] = "123";
    CHECK(render_text("[%Case Number:% CaseNumber]", v) == "Case Number: 123");
    CHECK(render_text("[%Case Number:%CaseNumber]", v) == "Case Number: 123");
    CHECK(render_text("A[%Case Number:% CaseNumber]B", MergeValues{}) == "AB");
    CHECK(render_text("[%Judge <b>:% EventJudge]", MergeValues{}).empty());
    v.values["EventJudge"] = "Roe";
    CHECK(render_text("[%Judge <b>:% EventJudge]", v) == "Judge &lt;b&gt;: Roe");
}

TEST_CASE("merge tags: injection through values and template text is escaped") {
    MergeValues v;
    v.values["ClientFirstName"] = "<script>alert('x')</script>";
    v.values["ClientLastName"] = "O\"Brien & Sons";
    CHECK(render_text("[ClientFirstName] [ClientLastName]", v) ==
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; O&quot;Brien &amp; Sons");
    CHECK(render_text("<img src=x onerror=\"go()\"> & 'q'", v) ==
          "&lt;img src=x onerror=&quot;go()&quot;&gt; &amp; &#39;q&#39;");
    v.upcoming_events.push_back({{"EventDate", "<b>2026-01-02</b>"}});
    v.documents.push_back({{"name", "a\"b'&.pdf"}});
    CHECK(render_text("[UpcomingEvents][AssignedDocuments]", v) ==
          "<ul><li>&lt;b&gt;2026-01-02&lt;/b&gt;</li></ul><ul><li>a&quot;b&#39;&amp;.pdf</li></ul>");
}

TEST_CASE("merge tags: nested and unbalanced brackets are refused with their position") {
    CHECK(parse_error("a [ClientName") == "unbalanced '[' at line 1, column 3");
    CHECK(parse_error("a ]") == "unbalanced ']' at line 1, column 3");
    CHECK(parse_error("[[ClientName]]") == "unbalanced '[' at line 1, column 1");
    CHECK(parse_error("x\n[%Case Number: CaseNumber]") == "unbalanced '%' at line 2, column 1");
    CHECK(parse_error("[Case%Number]") == "unbalanced '%' at line 1, column 1");
    CHECK(parse_error("[%L:% UpcomingEvents]").find("cannot take a label") != std::string::npos);
}

TEST_CASE("merge tags: unknown tag names the tag, line and column") {
    CHECK(parse_error("Hello\nDear client [ClientShoeSize]") ==
          "unknown merge tag [ClientShoeSize] at line 2, column 13");
    CHECK(parse_error("Hello\nDear clients [ClientShoeSize]") ==
          "unknown merge tag [ClientShoeSize] at line 2, column 14");
    CHECK(parse_error("\xC3\xA9t\xC3\xA9 [clientname]") == "unknown merge tag [clientname] at line 1, column 5");
    CHECK(parse_error("[]") == "unknown merge tag [] at line 1, column 1");
}

TEST_CASE("merge tags: size limit") {
    std::string ok(kMaxMergeTemplateBytes - 12, 'a');
    ok += "[ClientName]";
    MergeValues v;
    v.values["ClientName"] = "Z";
    CHECK(render_text(ok, v).size() == kMaxMergeTemplateBytes - 11);
    std::string big(kMaxMergeTemplateBytes + 1, 'a');
    CHECK(parse_error(big).find("limit is 20000") != std::string::npos);
}

TEST_CASE("merge tags: non-UTF-8 is refused") {
    CHECK(parse_error("caf\xE9").find("UTF-8") != std::string::npos);
    CHECK(parse_error("\xC0\xAF").find("UTF-8") != std::string::npos);        // overlong
    CHECK(parse_error("\xED\xA0\x80").find("UTF-8") != std::string::npos);    // surrogate
    CHECK(parse_error("ab\xE2\x82").find("UTF-8") != std::string::npos);      // truncated
    CHECK(render_text("caf\xC3\xA9 \xF0\x9F\x98\x80", MergeValues{}) == "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST_CASE("merge tags: blocks with 0, 1 and 3 items") {
    MergeValues v;
    CHECK(render_text("[UpcomingEvents]|[AssignedDocuments]", v) == "|");
    v.upcoming_events.push_back({{"EventDate", "2026-03-01"}, {"EventTime", "09:00"}, {"EventLocation", "Room 2"}});
    v.documents.push_back({{"name", "Order.pdf"}});
    CHECK(render_text("[UpcomingEvents]", v) == "<ul><li>2026-03-01 \xC2\xB7 09:00 \xC2\xB7 Room 2</li></ul>");
    CHECK(render_text("[AssignedDocuments]", v) == "<ul><li>Order.pdf</li></ul>");
    v.documents.push_back({{"name", "B"}, {"due_date", "2026-04-01"}});
    v.documents.push_back({{"name", "C"}});
    CHECK(render_text("[AssignedDocuments]", v) ==
          "<ul><li>Order.pdf</li><li>B \xC2\xB7 2026-04-01</li><li>C</li></ul>");
}

TEST_CASE("merge tags: docs/merge-tags.md lists every tag") {
    auto doc = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "docs" / "merge-tags.md";
    std::ifstream in(doc);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    CHECK(merge_tag_table().size() == 19);
    for (const auto& info : merge_tag_table()) {
        INFO(info.name);
        CHECK(text.find("`[" + std::string(info.name) + "]`") != std::string::npos);
        CHECK(text.find(std::string(info.description)) != std::string::npos);
    }
}
