#include <doctest/doctest.h>

#include "auth/messages.hpp"
#include "auth/throttle.hpp"

using namespace sesame;

TEST_CASE("messages: built-in templates exist for both channels in English and Spanish, not others") {
    for (auto ch : {Channel::sms, Channel::email})
        for (auto lang : {"en", "es"}) {
            auto t = messages::builtin(ch, lang);
            REQUIRE(t.has_value());
            CHECK(t->body.find("{code}") != std::string::npos);
            if (ch == Channel::email) CHECK_FALSE(t->subject.empty());
        }
    CHECK_FALSE(messages::builtin(Channel::sms, "fr").has_value());
}

TEST_CASE("messages: an SMS ends with the WebOTP line, email has none") {
    messages::Values v{"123456", "Court Portal", "Demo County", "portal.example.gov", 10};
    auto sms = messages::render(*messages::builtin(Channel::sms, "en"), v);
    const std::string tail = "\n\n@portal.example.gov #123456";
    REQUIRE(sms.body.size() > tail.size());
    CHECK(sms.body.substr(sms.body.size() - tail.size()) == tail);
    CHECK(sms.body.find("Demo County") == 0);
    CHECK(sms.body.find("10 minutes") != std::string::npos);
    auto email = messages::render(*messages::builtin(Channel::email, "es"), v);
    CHECK(email.subject == "Su código de acceso a Court Portal");
    CHECK(email.body.find("@portal.example.gov") == std::string::npos);
    CHECK(email.body.find("123456") != std::string::npos);

    v.host.clear();
    auto no_host = messages::render(*messages::builtin(Channel::sms, "en"), v);
    CHECK(no_host.body.find(" #123456") == std::string::npos);
}

TEST_CASE("messages: substituted values are not scanned again") {
    MessageTemplate t{0, Channel::email, "en", "{portal}", "{agency} says {code} {unknown}"};
    messages::Values v{"999999", "{code}", "{host}", "h.example", 5};
    auto r = messages::render(t, v);
    CHECK(r.subject == "{code}");
    CHECK(r.body == "{host} says 999999 {unknown}");
}

TEST_CASE("messages: redact replaces every occurrence of the code") {
    const std::string text = "code 123456\n\n@h #123456";
    const std::string red = messages::redact(text, "123456");
    CHECK(red.find("123456") == std::string::npos);
    CHECK(red == "code \u2022\u2022\u2022\u2022\u2022\u2022\n\n@h #\u2022\u2022\u2022\u2022\u2022\u2022");
}

TEST_CASE("throttle: lockout grows 1 s, 2 s, 4 s ... and stops at one hour") {
    CHECK(throttle::lockout_seconds(19, 20) == 0);
    CHECK(throttle::lockout_seconds(20, 20) == 1);
    CHECK(throttle::lockout_seconds(21, 20) == 2);
    CHECK(throttle::lockout_seconds(22, 20) == 4);
    CHECK(throttle::lockout_seconds(31, 20) == 2048);
    CHECK(throttle::lockout_seconds(32, 20) == 3600);
    CHECK(throttle::lockout_seconds(1000, 20) == 3600);
}
