// Turning typed phones and emails into contact values, and masking them for display.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "identity/identity.hpp"

using namespace sesame;
using namespace sesame::identity;

namespace {

void check_phone(std::string_view input, std::string_view default_region, std::string_view e164,
                 std::string_view region) {
    INFO("input: " << input << ", default region: " << default_region);
    auto id = parse_identifier(input, default_region);
    REQUIRE_MESSAGE(id.ok(), id.status().message());
    CHECK(id->kind == ContactKind::phone);
    CHECK(id->value == e164);
    CHECK(id->region == region);
    auto n = normalize_phone(input, default_region);
    REQUIRE(n.ok());
    CHECK(*n == e164);
    CHECK(region_of(e164) == region);
}

void check_invalid(std::string_view input, std::string_view default_region = "US") {
    INFO("input of " << input.size() << " bytes: " << input.substr(0, 40));
    auto id = parse_identifier(input, default_region);
    REQUIRE_FALSE(id.ok());
    CHECK(id.code() == Code::invalid_argument);
    CHECK_FALSE(id.status().message().empty());
}

}  // namespace

TEST_CASE("US numbers in the ways people type them, demo 555 numbers included") {
    for (const char* in : {"(555) 123-4567", "555.123.4567", "+1 555 123 4567", "555-123-4567", "1-555-123-4567",
                           "5551234567", "  (555) 123-4567  ", "+1 (555) 123-4567"})
        check_phone(in, "US", "+15551234567", "US");
    // A real, valid number gets its region from libphonenumber itself.
    check_phone("(650) 253-0000", "US", "+16502530000", "US");
    // A lower-case default region is understood.
    check_phone("(555) 123-4567", "us", "+15551234567", "US");
}

TEST_CASE("other countries: national format with their own region, international format with another") {
    struct Case {
        const char* national;
        const char* region;
        const char* international;
        const char* e164;
    };
    const Case cases[] = {
        {"020 7946 0958", "GB", "+44 20 7946 0958", "+442079460958"},
        {"030 123456", "DE", "+49 30 123456", "+4930123456"},
        {"01 23 45 67 89", "FR", "+33 1 23 45 67 89", "+33123456789"},
        {"55 1234 5678", "MX", "+52 55 1234 5678", "+525512345678"},
        {"098765 43210", "IN", "+91 98765 43210", "+919876543210"},
        {"(02) 1234 5678", "AU", "+61 2 1234 5678", "+61212345678"},
        {"912 345 678", "ES", "+34 912 345 678", "+34912345678"},
    };
    for (const auto& c : cases) {
        check_phone(c.national, c.region, c.e164, c.region);
        check_phone(c.international, "US", c.e164, c.region);
        check_phone(c.international, c.region, c.e164, c.region);
    }
    // A national number read in the wrong region is a different number, or none.
    auto gb_in_us = normalize_phone("020 7946 0958", "US");
    CHECK((!gb_in_us.ok() || *gb_in_us != "+442079460958"));
}

TEST_CASE("a 555 number typed in Canada stays Canadian; a number outside the default's calling code does not") {
    auto ca = parse_identifier("(555) 123-4567", "CA");
    REQUIRE(ca.ok());
    CHECK(ca->value == "+15551234567");
    CHECK(ca->region == "CA");
    auto us_from_gb = parse_identifier("+1 555 123 4567", "GB");
    REQUIRE(us_from_gb.ok());
    CHECK(us_from_gb->region == "US");
}

TEST_CASE("emails are trimmed and lower-cased") {
    auto id = parse_identifier(" Ann@Example.ORG ", "US");
    REQUIRE(id.ok());
    CHECK(id->kind == ContactKind::email);
    CHECK(id->value == "ann@example.org");
    CHECK(id->region.empty());
    CHECK(*normalize_email("\tBOB.Smith+court@Mail.Example.co.uk\r\n") == "bob.smith+court@mail.example.co.uk");
    // Non-ASCII stays as typed; only ASCII letters change case.
    CHECK(*normalize_email("Zoë@Example.org") == "zoë@example.org");
}

TEST_CASE("invalid identifiers are refused with a message a person can act on") {
    for (const char* in : {"", "   ", "abc", "12", "a@", "@b.c", "a b@c.d", "a@b", "a@@b.c", "a@b@c.d", "a@.b.c",
                           "a@b.c.", "a@b..c", "@", "555-1234", "555-123-4567 ext 12", "+999 123 4567",
                           "555 123 4567 8901 2345"})
        check_invalid(in);
    check_invalid(std::string(300, '5'));
    check_invalid(std::string(290, 'a') + "@example.org");
    check_invalid("ann@" + std::string(251, 'e') + ".org");
    check_invalid(std::string(65, 'a') + "@example.org");
    // Control characters inside, whether in a phone or an email.
    check_invalid("555\x01" "123 4567");
    check_invalid(std::string_view("555-123-4567\0", 13));
    check_invalid("555\t123\t4567");
    check_invalid("ann\x1b@example.org");
    check_invalid("ann@exam\nple.org");
    check_invalid("ann@example.org\x7f");
    // Bytes that are not UTF-8.
    check_invalid("ann\xff@example.org");
    check_invalid("555\xc3 123 4567");
    // A national number needs a default region libphonenumber knows, or a '+'.
    check_invalid("555 123 4567", "");
    check_invalid("555 123 4567", "XX");

    auto empty = parse_identifier("", "US");
    CHECK(empty.status().message().find("phone number or an email") != std::string::npos);
    auto no_country = parse_identifier("555 123 4567", "XX");
    CHECK(no_country.status().message().find("country code") != std::string::npos);
    auto short_phone = parse_identifier("12", "US");
    CHECK(short_phone.status().message().find("too short") != std::string::npos);
    auto spaced = parse_identifier("a b@c.d", "US");
    CHECK(spaced.status().message().find("spaces") != std::string::npos);
    auto too_long = parse_identifier(std::string(300, '5'), "US");
    CHECK(too_long.status().message().find("254") != std::string::npos);
    // Messages never carry the input back: they may be logged.
    auto echoed = parse_identifier("secret.person@", "US");
    REQUIRE_FALSE(echoed.ok());
    CHECK(echoed.status().message().find("secret") == std::string::npos);
}

TEST_CASE("region_of and is_known_region") {
    CHECK(region_of("+15551234567") == "US");
    CHECK(region_of("+16502530000") == "US");
    CHECK(region_of("+442079460958") == "GB");
    CHECK(region_of("+4930123456") == "DE");
    CHECK(region_of("+919876543210") == "IN");
    CHECK(region_of("+9991234567") == "ZZ");
    CHECK(region_of("5551234567") == "ZZ");
    CHECK(region_of("") == "ZZ");
    CHECK(region_of("not a number") == "ZZ");

    CHECK(is_known_region("US"));
    CHECK(is_known_region("GB"));
    CHECK(is_known_region("MX"));
    CHECK_FALSE(is_known_region("XX"));
    CHECK_FALSE(is_known_region("ZZ"));
    CHECK_FALSE(is_known_region(""));
    CHECK_FALSE(is_known_region("USA"));
}

TEST_CASE("masks show the last four digits or the first character and the domain") {
    CHECK(mask(ContactKind::phone, "+15551234567") == "\u2022\u2022\u2022-\u2022\u2022\u2022-4567");
    CHECK(mask(ContactKind::phone, "+15551234567") == "•••-•••-4567");
    CHECK(mask(ContactKind::phone, "+442079460958") == "•••-•••-0958");
    CHECK(mask(ContactKind::phone, "+1234") == "•••-•••-•••");
    CHECK(mask(ContactKind::email, "ann@example.org") == "a•••@example.org");
    CHECK(mask(ContactKind::email, "a@example.org") == "a•••@example.org");
    CHECK(mask(ContactKind::email, "zoë@example.org") == "z•••@example.org");
    CHECK(mask(ContactKind::email, "éa@example.org") == "é•••@example.org");
    CHECK(mask(ContactKind::email, "no-at-sign") == "•••");
    CHECK(mask(ContactKind::email, "@example.org") == "•••@example.org");
}

TEST_CASE("parsing from 8 threads at once gives the same answers as from one") {
    struct Case {
        const char* input;
        const char* region;
        const char* e164;
    };
    const std::array<Case, 8> cases{{
        {"(555) 123-4567", "US", "+15551234567"},
        {"020 7946 0958", "GB", "+442079460958"},
        {"030 123456", "DE", "+4930123456"},
        {"01 23 45 67 89", "FR", "+33123456789"},
        {"55 1234 5678", "MX", "+525512345678"},
        {"098765 43210", "IN", "+919876543210"},
        {"(02) 1234 5678", "AU", "+61212345678"},
        {"+34 912 345 678", "US", "+34912345678"},
    }};
    std::array<int, 8> wrong{};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) {
                const Case& c = cases[(t + static_cast<std::size_t>(i)) % cases.size()];
                auto id = parse_identifier(c.input, c.region);
                if (!id.ok() || id->value != c.e164 || region_of(id->value) != id->region) ++wrong[t];
                if (!is_known_region(c.region)) ++wrong[t];
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int w : wrong) CHECK(w == 0);
}
