// The JSON the C ABI reads (a caller's record, a host store's or directory's response): one member
// name once per object, at every depth, or the text is refused before anything reads it.
#include <doctest/doctest.h>

#include <string>

#include "capi/json_text.hpp"
#include "capi/store_codec.hpp"

namespace {

using nlohmann::json;
namespace codec = sesame::capi::store_codec;

struct Parsed {
    bool ok;
    json value;
    std::string why;
};

Parsed parse(const std::string& text) {
    Parsed p{false, json(), ""};
    p.ok = sesame::capi::parse_json(text, p.value, p.why);
    return p;
}

}  // namespace

TEST_CASE("json text: each object names a member once; siblings and array items may repeat names") {
    auto fine = parse(R"({"id": 1, "settings": {"id": 2, "host": "a"}, "items": [{"id": 3}, {"id": 4}], "host": "b"})");
    REQUIRE(fine.ok);
    CHECK(fine.value["id"] == 1);
    CHECK(fine.value["settings"]["id"] == 2);
    CHECK(fine.value["items"][1]["id"] == 4);
    CHECK(fine.why.empty());

    struct Case {
        const char* text;
        const char* named;
    };
    const Case refused[] = {
        {R"({"agency_id": 1, "agency_id": 2})", "\"agency_id\" twice"},
        {R"({"name": "A", "settings": {"code_digits": 6, "code_digits": 4}})", "\"code_digits\" twice"},
        {R"([{"a": 1}, {"b": 1, "b": 1}])", "\"b\" twice"},
        {R"({"x": {"y": {"z": [1, {"deep": 1, "deep": 1}]}}})", "\"deep\" twice"},
        {R"({"e\u0301": 1, "e\u0301": 2})", "twice"},
        {"{\"id\": 1", "not valid JSON"},
        {"", "not valid JSON"},
        {"{} {}", "not valid JSON"},
    };
    for (const auto& c : refused) {
        CAPTURE(c.text);
        json out = json{{"kept", true}};
        std::string why;
        CHECK_FALSE(sesame::capi::parse_json(c.text, out, why));
        CHECK_MESSAGE(why.find(c.named) != std::string::npos, why);
        CHECK(out == json{{"kept", true}});  // left alone
    }
}

TEST_CASE("json text: a host store's response that names a field twice is a CALLBACK failure naming it") {
    sesame::Agency a;
    a.id = 7;
    a.name = "Example Court";
    std::string text = codec::dump(codec::encode(a));
    auto once = codec::read_response<sesame::Agency>("get_agency", text);
    REQUIRE(once.ok());
    CHECK(once->name == "Example Court");

    // The same record with a second "name": a reader keeping the last would see another agency.
    const auto brace = text.rfind('}');
    REQUIRE(brace != std::string::npos);
    text.insert(brace, R"(,"name":"Someone Else")");
    auto twice = codec::read_response<sesame::Agency>("get_agency", text);
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.status().code() == sesame::Code::callback);
    CHECK_MESSAGE(twice.status().message().find("\"name\" twice") != std::string::npos, twice.status().message());
    CHECK_MESSAGE(twice.status().message().find("get_agency") != std::string::npos, twice.status().message());
}
