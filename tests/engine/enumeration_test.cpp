// SECURITY.md 13 in uniform mode: a visitor cannot tell a made-up contact from a real one by what
// Sesame answers. A decoy takes the same store path as a real challenge: wrong codes on it count
// toward the contact's lockout, and it counts toward the agency's SMS limit. Two worlds run the same
// script, one for a real client's phone and one for a number nobody has, and everything the visitor
// sees (statuses, messages, retry times, the challenge's public fields) is compared line by line.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

// Ann's number in the world, and a number nobody has with the same last four digits, so that the
// masked destination a visitor is shown is the same.
constexpr const char* kKnown = World::kPhone;          // (555) 123-4567
constexpr const char* kUnknown = "(555) 987-4567";

std::string seen(const Status& st) {
    return fmt::format("{} reason={} retry_after={} \"{}\"", code_name(st.code()), reason_name(st.reason()),
                       st.retry_after(), st.message());
}

std::string seen(const Result<LoginStarted>& r, UnixTime now) {
    if (!r) return "start: " + seen(r.status());
    return fmt::format("start: ok channel={} to={} expires=+{} resend=+{} id-length={}", to_string(r->channel),
                       r->masked_destination, r->expires_at - now, r->resend_after - now, r->challenge_id.size());
}

// The script: 20 wrong guesses on one challenge (through the lockout), starts while locked and
// after, then the agency's SMS limit reached with fresh codes. Returns every answer in order.
std::vector<std::string> visitor_transcript(World& w, const std::string& identifier) {
    w.settings([](PortalSettings& s) {
        s.unknown_contact_response = UnknownContactResponse::uniform;
        s.sends_per_hour = 100;
        s.sends_per_day = 1000;
        s.ip_starts_limit = 100000;
        s.ip_verify_limit = 100000;
        s.contact_failure_limit = 5;
        s.max_attempts = 10;
    });
    Agency a = w.agency;
    a.sms_per_hour_limit = 4;
    w.update(a);

    std::vector<std::string> out;
    const UnixTime t0 = w.clock->now();
    auto first = w.start(identifier);
    out.push_back(seen(first, t0));
    REQUIRE(first.ok());
    std::string challenge = first->challenge_id;
    for (int i = 0; i < 20; ++i) {
        // Ten attempts per challenge: past the tenth, a fresh challenge once the lockout allows it.
        auto v = w.verify(challenge, fmt::format("{:06}", 111111 + i));
        out.push_back(fmt::format("guess {}: {}", i, seen(v.status())));
        auto again = w.start(identifier);
        out.push_back(fmt::format("restart {}: {}", i, seen(again, w.clock->now())));
        if (again) challenge = again->challenge_id;
        w.clock->advance(2);
    }
    // Past the lockout and the cooldown: codes until the agency's SMS breaker trips.
    w.clock->advance(3600);
    for (int i = 0; i < 6; ++i) {
        auto s = w.start(identifier);
        out.push_back(fmt::format("send {}: {}", i, seen(s, w.clock->now())));
        w.next_send();
    }
    return out;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines)
        if (l.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE_TEMPLATE("SECURITY 13: a known and an unknown contact give the visitor the same answers, lockout and SMS limit included",
                   W, MemoryWorld, SqliteWorld) {
    W known_world;
    W unknown_world;
    const auto known = visitor_transcript(known_world, kKnown);
    const auto unknown = visitor_transcript(unknown_world, kUnknown);
    REQUIRE(known.size() == unknown.size());
    for (std::size_t i = 0; i < known.size(); ++i) {
        CAPTURE(i);
        CHECK(known[i] == unknown[i]);
    }
    // The script reached what it is about, so the comparison above is not of two empty answers:
    // the lockout answered (a start refused while locked) and the SMS breaker tripped.
    CHECK(any_contains(known, "start: SESAME_E_RATE_LIMITED"));
    CHECK(any_contains(known, "send 5: start: SESAME_E_RATE_LIMITED reason=sms_paused"));
    CHECK(any_contains(known, "reason=locked"));
    CHECK(any_contains(known, "send 0: start: ok"));
    // The log keeps the truth apart: decoys for the unknown number, real codes for Ann.
    CHECK(unknown_world.events->count("login.verify", "decoy") > 0);
    CHECK(known_world.events->count("login.verify", "decoy") == 0);
    CHECK(unknown_world.events->count("login.locked", "contact_locked") ==
          known_world.events->count("login.locked", "contact_locked"));
    CHECK(known_world.events->count("login.start", "sms_breaker") == 2);
    CHECK(unknown_world.events->count("login.start", "sms_breaker") == 2);
}
