// The rules of SECURITY.md that concern codes, sending, the audit trail and keys, each proved
// through the public Engine API (rule 5 is in tests/concurrency, 9 and 14-17 in session_test.cpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

bool occurs_in(const std::vector<char>& bytes, const std::string& needle) {
    return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

std::string fail_key(const World& w, const std::string& dest) {
    return "fail:" + std::to_string(w.agency.id) + ":" + dest;
}

std::int64_t failures(World& w, const std::string& dest) {
    auto c = w.store->get_counter(fail_key(w, dest));
    REQUIRE(c.ok());
    return c->count;
}

bool has_event(const std::vector<AuditEvent>& events, const std::string& action, const std::string& reason) {
    return std::any_of(events.begin(), events.end(),
                       [&](const AuditEvent& e) { return e.action == action && e.reason == reason; });
}

// A path for a key file, removed when the test ends.
class KeyPath {
public:
    KeyPath() : db_("key"), path_(db_.str() + ".key") {}
    ~KeyPath() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    const std::string& str() const { return path_; }

private:
    TempDb db_;
    std::string path_;
};

}  // namespace

// ---- codes --------------------------------------------------------------------------------------

TEST_CASE("SECURITY 1: the code is the random source's draw, zero-padded: 42 is 000042, and 00000042 with 8 digits") {
    MemoryWorld w;
    auto s = w.started(World::kPhone);
    CHECK(w.random->calls() > 0);
    CHECK(w.code_from_feed(w.ann) == "000042");
    CHECK(w.verify(s.challenge_id, "000042").ok());

    w.settings([](PortalSettings& p) { p.code_digits = 8; });
    w.next_send();
    auto eight = w.started(World::kPhone);
    CHECK(w.code_from_feed(w.ann) == "00000042");
    CHECK(w.verify(eight.challenge_id, "000042").code() == Code::verify_failed);
    CHECK(w.verify(eight.challenge_id, "00000042").ok());

    w.random->set(7);
    w.next_send();
    w.started(World::kPhone);
    CHECK(w.code_from_feed(w.ann) == "00000007");
    w.random->set(99999999);
    w.next_send();
    w.started(World::kPhone);
    CHECK(w.code_from_feed(w.ann) == "99999999");
}

TEST_CASE("SECURITY 2: empty, short, lettered, foreign-digit and 10 KB inputs are rejected attempts, not crashes") {
    MemoryWorld w;
    auto s = w.started(World::kPhone);
    const std::vector<std::string> bad = {"", "0000042", "abcdef", "\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90\xef\xbc\x94\xef\xbc\x92",
                                          std::string(10 * 1024, '4')};
    REQUIRE(bad.size() == 5);
    for (std::size_t i = 0; i < bad.size(); ++i) {
        CAPTURE(i);
        auto r = w.verify(s.challenge_id, bad[i]);
        CHECK(r.code() == Code::verify_failed);
        CHECK(w.events->last_reason("login.verify") == "malformed_code");
        auto c = w.challenge(s.challenge_id);
        REQUIRE(c.ok());
        CHECK(c->attempts == static_cast<std::int32_t>(i + 1));
    }
    // Each was a failure of the contact, too.
    CHECK(failures(w, World::kPhoneE164) == 5);
    // Five attempts spent: the code is dead even for the right value.
    CHECK(w.verify(s.challenge_id, "000042").code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "attempts_exhausted");
}

TEST_CASE("SECURITY 2: spaces and dashes are stripped, within 64 bytes of input") {
    MemoryWorld w;
    w.relax();
    for (const std::string& typed : {std::string("000 042"), std::string("000-042"), std::string(" 0 0 0 - 0 4 2 "),
                                     std::string(58, ' ') + "000042"}) {
        CAPTURE(typed);
        auto s = w.started(World::kPhone);
        CHECK(w.verify(s.challenge_id, typed).ok());
        w.next_send();
    }
    auto s = w.started(World::kPhone);
    CHECK(w.verify(s.challenge_id, std::string(59, ' ') + "000042").code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "malformed_code");
    CHECK(w.verify(s.challenge_id, "000042").ok());
}

TEST_CASE("SECURITY 3: after a live-mode login the code is in neither the database file nor its WAL, and another key verifies nothing") {
    SqliteWorld w;
    w.go_live();
    w.random->set(738291);
    const std::string code = "738291";
    auto s = w.started(World::kPhone);
    REQUIRE(w.sms->count() == 1);
    REQUIRE(contains(w.sms->last().body, code));  // it did exist, and went out whole
    REQUIRE(w.verify(s.challenge_id, code).ok());

    // A live message still waiting in the outbox is sealed, not stored whole.
    EngineOptions o = w.options();
    o.email_transport = nullptr;
    auto quiet = Engine::open(std::move(o));
    REQUIRE(quiet.ok());
    REQUIRE((*quiet)->start_login(w.portal.id, World::kEmail, kRequest).ok());
    auto queued = w.store->list_queued_messages(10);
    REQUIRE(queued.ok());
    REQUIRE(queued->size() == 1);
    CHECK_FALSE(queued->front().sealed.empty());

    const std::string path = w.database().str();
    const auto db = file_bytes(path);
    const auto wal = file_bytes(path + "-wal");
    REQUIRE_FALSE(db.empty());
    CHECK_FALSE(occurs_in(db, code));
    CHECK_FALSE(occurs_in(wal, code));

    // The same database under another master key: refused at open (the key check value)...
    w.next_send();
    auto second = w.started(World::kPhone);
    EngineOptions refused = w.options();
    refused.master_key = test_key(0xa5);
    CHECK(Engine::open(std::move(refused)).code() == Code::crypto);
    // ...and, forced as a lost key replaced would be, the stored MAC cannot be matched.
    EngineOptions other = w.options();
    other.master_key = test_key(0xa5);
    other.replace_key_check = true;
    auto stranger = Engine::open(std::move(other));
    REQUIRE(stranger.ok());
    CHECK((*stranger)->verify_login(w.portal.id, second.challenge_id, code, kRequest).code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "wrong_code");
    CHECK(w.verify(second.challenge_id, code).ok());
}

TEST_CASE("SECURITY 4: a challenge is found by its id: the right code under a wrong id fails") {
    MemoryWorld w;
    w.random->set(111111);
    auto phone = w.started(World::kPhone);
    w.random->set(222222);
    auto mail = w.started(World::kEmail);

    CHECK(w.verify(mail.challenge_id, "111111").code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "wrong_code");
    for (const std::string& id : {std::string("AAAAAAAAAAAAAAAAAAAAAA"), std::string(), std::string(10240, 'A'),
                                  phone.challenge_id + "x", phone.challenge_id.substr(1)}) {
        CHECK(w.verify(id, "111111").code() == Code::verify_failed);
        CHECK(w.events->last_reason("login.verify") == "unknown_challenge");
    }
    CHECK(w.verify(phone.challenge_id, "111111").ok());
    CHECK(w.verify(mail.challenge_id, "222222").ok());
}

TEST_CASE("SECURITY 6: a new code supersedes the old one: the old code fails, the new one works") {
    MemoryWorld w;
    w.random->set(111111);
    auto old = w.started(World::kPhone);
    w.next_send();
    w.random->set(222222);
    auto fresh = w.started(World::kPhone);
    CHECK(fresh.challenge_id != old.challenge_id);
    auto stored = w.challenge(old.challenge_id);
    REQUIRE(stored.ok());
    CHECK(stored->superseded_at == w.clock->now());

    CHECK(w.verify(old.challenge_id, "111111").code() == Code::verify_failed);
    CHECK(w.events->last_reason("login.verify") == "superseded");
    CHECK(w.verify(old.challenge_id, "222222").code() == Code::verify_failed);
    CHECK(w.verify(fresh.challenge_id, "111111").code() == Code::verify_failed);
    CHECK(w.verify(fresh.challenge_id, "222222").ok());
}

TEST_CASE("SECURITY 6: supersession is per contact and portal") {
    MemoryWorld w;
    Portal second = w.make_portal(w.agency, "court-two");
    w.relax();
    auto phone = w.started(World::kPhone);
    auto mail = w.started(World::kEmail);  // another contact of the same client
    w.next_send();
    auto elsewhere = w.engine->start_login(second.id, World::kPhone, kRequest);
    REQUIRE(elsewhere.ok());
    CHECK(w.verify(phone.challenge_id, "000042").ok());
    CHECK(w.verify(mail.challenge_id, "000042").ok());
    CHECK(w.engine->verify_login(second.id, elsewhere->challenge_id, "000042", kRequest).ok());
}

TEST_CASE("SECURITY 7: a code passes one second before its lifetime ends, and fails at and after it") {
    MemoryWorld w;
    std::int32_t ttl = 600;
    SUBCASE("default lifetime") {}
    SUBCASE("a one-minute lifetime") {
        ttl = 60;
        w.settings([](PortalSettings& s) { s.code_ttl_seconds = 60; });
    }
    SUBCASE("the longest lifetime") {
        ttl = 1800;
        w.settings([](PortalSettings& s) { s.code_ttl_seconds = 1800; });
    }
    CAPTURE(ttl);
    for (std::int32_t offset : {ttl - 1, ttl, ttl + 1}) {
        CAPTURE(offset);
        w.next_send();
        auto s = w.started(World::kPhone);
        w.clock->advance(offset);
        auto v = w.verify(s.challenge_id, "000042");
        if (offset < ttl) {
            CHECK(v.ok());
        } else {
            CHECK(v.code() == Code::verify_failed);
            CHECK(w.events->last_reason("login.verify") == "expired");
        }
    }
}

TEST_CASE("SECURITY 8: wrong, expired, used, superseded, locked and unknown all look the same; the log keeps the reasons") {
    MemoryWorld w;
    w.relax();
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, "(555) 222-9999");
    std::vector<std::pair<std::string, Status>> seen;
    auto fail = [&](const std::string& reason, const std::string& challenge_id, const std::string& code) {
        auto r = w.verify(challenge_id, code);
        REQUIRE_MESSAGE(!r.ok(), reason);
        CHECK_MESSAGE(w.events->last_reason("login.verify") == reason, reason);
        seen.emplace_back(reason, r.status());
    };

    auto wrong = w.started(World::kPhone);
    fail("wrong_code", wrong.challenge_id, "123456");
    fail("malformed_code", wrong.challenge_id, "12ab56");

    auto expiring = w.started(World::kEmail);
    w.clock->advance(600);
    fail("expired", expiring.challenge_id, "000042");

    w.next_send();
    auto used = w.started(World::kPhone);
    REQUIRE(w.verify(used.challenge_id, "000042").ok());
    fail("already_used", used.challenge_id, "000042");

    w.next_send();
    auto older = w.started(World::kPhone);
    w.next_send();
    auto newer = w.started(World::kPhone);
    fail("superseded", older.challenge_id, "000042");

    fail("unknown_challenge", "NoSuchChallengeAtAll22", "000042");

    for (int i = 0; i < 5; ++i) REQUIRE(w.verify(newer.challenge_id, "999999").code() == Code::verify_failed);
    fail("attempts_exhausted", newer.challenge_id, "000042");

    w.settings([](PortalSettings& s) { s.contact_failure_limit = 3; });
    auto bens = w.started("(555) 222-9999");
    for (int i = 0; i < 3; ++i) REQUIRE(w.verify(bens.challenge_id, "999999").code() == Code::verify_failed);
    fail("contact_locked", bens.challenge_id, "000042");

    w.settings([](PortalSettings& s) { s.unknown_contact_response = UnknownContactResponse::uniform; });
    auto decoy = w.started("(555) 987-6543");
    fail("decoy", decoy.challenge_id, "000042");

    REQUIRE(seen.size() == 9);
    for (const auto& [reason, status] : seen) {
        CAPTURE(reason);
        CHECK(status.code() == Code::verify_failed);
        CHECK(status.message() == seen.front().second.message());
        CHECK(status.retry_after() == 0);
    }
    CHECK_FALSE(seen.front().second.message().empty());

    // Staff see every true reason in the audit log.
    auto log = w.audit_log();
    for (const auto& [reason, status] : seen) {
        CAPTURE(reason);
        CHECK(has_event(log, "login.verify", reason));
    }
}

// ---- sending ------------------------------------------------------------------------------------

TEST_CASE("SECURITY 10: inside the resend cooldown nothing reaches the transport, and RATE_LIMITED says when to retry") {
    MemoryWorld w;
    w.go_live();
    w.started(World::kPhone);
    REQUIRE(w.sms->count() == 1);
    w.clock->advance(20);
    auto r = w.start(World::kPhone);
    REQUIRE(r.code() == Code::rate_limited);
    CHECK(r.status().retry_after() == 40);
    CHECK(r.status().reason() == RateLimitReason::cooldown);
    CHECK(std::string(reason_name(r.status().reason())) == "cooldown");
    CHECK(w.events->last_reason("login.start") == "cooldown");
    w.clock->advance(39);
    r = w.start("555.123.4567");  // the same contact written another way
    REQUIRE(r.code() == Code::rate_limited);
    CHECK(r.status().retry_after() == 1);
    CHECK(w.sms->count() == 1);
    auto queued = w.store->list_messages_to(w.agency.id, {World::kPhoneE164}, 10);
    REQUIRE(queued.ok());
    CHECK(queued->size() == 1);

    // The cooldown is the contact's: Ann's email is free.
    w.started(World::kEmail);
    CHECK(w.email->count() == 1);
    w.clock->advance(1);
    w.started(World::kPhone);
    CHECK(w.sms->count() == 2);
}

TEST_CASE("SECURITY 10: the hourly and daily quotas of a contact") {
    MemoryWorld w;
    w.go_live();
    const UnixTime t0 = w.clock->now();
    SUBCASE("hourly") {
        w.settings([](PortalSettings& s) { s.sends_per_hour = 3; });
        for (int i = 0; i < 3; ++i) {
            w.started(World::kPhone);
            w.next_send();
        }
        auto r = w.start(World::kPhone);
        REQUIRE(r.code() == Code::rate_limited);
        CHECK(r.status().retry_after() == t0 + 3600 - w.clock->now());
        CHECK(w.events->last_reason("login.start") == "hourly_quota");
        CHECK(r.status().reason() == RateLimitReason::hourly_quota);
        CHECK(std::string(reason_name(r.status().reason())) == "hourly_quota");
        CHECK(w.sms->count() == 3);
        w.clock->set(t0 + 3600);
        CHECK(w.start(World::kPhone).ok());
        CHECK(w.sms->count() == 4);
    }
    SUBCASE("daily") {
        w.settings([](PortalSettings& s) {
            s.sends_per_hour = 2;
            s.sends_per_day = 3;
        });
        w.started(World::kPhone);
        w.next_send();
        w.started(World::kPhone);
        w.clock->set(t0 + 3600);
        w.started(World::kPhone);
        w.next_send();
        auto r = w.start(World::kPhone);
        REQUIRE(r.code() == Code::rate_limited);
        CHECK(w.events->last_reason("login.start") == "daily_quota");
        CHECK(r.status().reason() == RateLimitReason::daily_quota);
        CHECK(std::string(reason_name(r.status().reason())) == "daily_quota");
        CHECK(r.status().retry_after() == t0 + 86400 - w.clock->now());
        CHECK(w.sms->count() == 3);
        w.clock->set(t0 + 86400);
        CHECK(w.start(World::kPhone).ok());
    }
}

TEST_CASE("SECURITY 10: an IP over its verify limit is RATE_LIMITED, even with the right code") {
    MemoryWorld w;
    w.settings([](PortalSettings& s) { s.ip_verify_limit = 3; });
    const UnixTime t0 = w.clock->now();
    auto s = w.started(World::kPhone);
    for (int i = 0; i < 3; ++i) REQUIRE(w.verify(s.challenge_id, "999999").code() == Code::verify_failed);
    w.clock->advance(10);
    auto r = w.verify(s.challenge_id, "000042");
    REQUIRE(r.code() == Code::rate_limited);
    CHECK(r.status().retry_after() == t0 + 300 - w.clock->now());
    CHECK(w.events->last_reason("login.verify") == "ip_limit");
    CHECK(r.status().reason() == RateLimitReason::ip);
    CHECK(std::string(reason_name(r.status().reason())) == "ip");
    CHECK(w.verify(s.challenge_id, "000042", RequestInfo{"198.51.100.9", "other"}).ok());
}

TEST_CASE("SECURITY 10: an IP over its start limit is RATE_LIMITED before any code goes out") {
    MemoryWorld w;
    w.go_live();
    w.settings([](PortalSettings& s) { s.ip_starts_limit = 2; });
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, "(555) 222-9999");
    w.started(World::kPhone);
    w.started(World::kEmail);
    auto r = w.start("(555) 222-9999");
    REQUIRE(r.code() == Code::rate_limited);
    CHECK(r.status().retry_after() == 600);
    CHECK(r.status().reason() == RateLimitReason::ip);
    CHECK(w.sms->count() == 1);
    CHECK(w.start("(555) 222-9999", RequestInfo{"198.51.100.9", "other"}).ok());
    CHECK(w.sms->count() == 2);
}

TEST_CASE("SECURITY 10: a number outside the agency's SMS countries is RATE_LIMITED with no retry time") {
    MemoryWorld w;
    w.go_live();
    const std::string uk = "+44 20 7946 0958";
    w.add_contact(w.ann, ContactKind::phone, uk);
    auto r = w.start(uk);
    REQUIRE(r.code() == Code::rate_limited);
    CHECK(r.status().retry_after() == 0);
    CHECK(w.events->last_reason("login.start") == "country_not_allowed");
    CHECK(r.status().reason() == RateLimitReason::country);
    CHECK(std::string(reason_name(r.status().reason())) == "country");
    CHECK(w.sms->count() == 0);

    w.agency.sms_countries = {"US", "GB"};
    w.update(w.agency);
    REQUIRE(w.start(uk).ok());
    CHECK(w.sms->count() == 1);
    CHECK(w.sms->last().to == "+442079460958");

    // An allowlist replaces the default: without "US", the agency's own numbers are refused too.
    w.agency.sms_countries = {"GB"};
    w.update(w.agency);
    CHECK(w.start(World::kPhone).code() == Code::rate_limited);
    CHECK(w.start(World::kEmail).ok());  // the allowlist is about text messages only
}

TEST_CASE("SECURITY 10: the SMS spend breaker stops text messages agency-wide and alerts staff") {
    MemoryWorld w;
    w.go_live();
    w.agency.sms_per_hour_limit = 2;
    w.update(w.agency);
    const UnixTime t0 = w.clock->now();
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, "(555) 222-9999");
    Client cara = w.make_client(w.agency, "Cara");
    w.add_contact(cara, ContactKind::phone, "(555) 333-8888");

    w.started(World::kPhone);
    w.started("(555) 222-9999");
    auto r = w.start("(555) 333-8888");
    REQUIRE(r.code() == Code::rate_limited);
    CHECK(w.events->last_reason("login.start") == "sms_breaker");
    CHECK(r.status().reason() == RateLimitReason::sms_paused);
    CHECK(std::string(reason_name(r.status().reason())) == "sms_paused");
    CHECK(w.sms->count() == 2);
    auto log = w.audit_log();
    CHECK(std::any_of(log.begin(), log.end(), [](const AuditEvent& e) { return e.action == "sms.breaker"; }));

    CHECK(w.start(World::kEmail).ok());  // email is not paused
    w.clock->set(t0 + 3600);
    CHECK(w.start("(555) 333-8888").ok());
    CHECK(w.sms->count() == 3);
}

TEST_CASE("RateLimitReason: only a rate limit has a reason, and every reason has its name") {
    MemoryWorld w;
    CHECK(w.start("not a contact").status().reason() == RateLimitReason::none);
    CHECK(w.start("(555) 000-0000").status().reason() == RateLimitReason::none);
    CHECK(std::string(reason_name(RateLimitReason::none)).empty());
    CHECK(std::string(reason_name(static_cast<RateLimitReason>(99))).empty());
    const RateLimitReason all[] = {RateLimitReason::cooldown, RateLimitReason::hourly_quota, RateLimitReason::daily_quota,
                                   RateLimitReason::ip,       RateLimitReason::locked,       RateLimitReason::country,
                                   RateLimitReason::sms_paused};
    for (const auto reason : all) CHECK(!std::string(reason_name(reason)).empty());
}

// ---- lockout across codes ---------------------------------------------------------------------

TEST_CASE("lockout across codes: after contact_failure_limit failures the contact waits 1 s, then longer, capped at an hour") {
    MemoryWorld w;
    w.relax();
    w.settings([](PortalSettings& s) {
        s.contact_failure_limit = 3;
        s.max_attempts = 10;
    });
    auto first = w.started(World::kPhone);
    REQUIRE(w.verify(first.challenge_id, "999999").code() == Code::verify_failed);
    REQUIRE(w.verify(first.challenge_id, "999999").code() == Code::verify_failed);
    w.next_send();
    LoginStarted current = w.started(World::kPhone);  // two failures: not locked yet

    std::int64_t expected_lock = 0;
    for (std::int64_t count = 3; count <= 16; ++count) {
        CAPTURE(count);
        if (count > 3) current = w.started(World::kPhone);
        w.clock->advance(60);  // past the resend cooldown, so that only the lock can refuse
        REQUIRE(w.verify(current.challenge_id, "999999").code() == Code::verify_failed);
        REQUIRE(failures(w, World::kPhoneE164) == count);

        expected_lock = std::min<std::int64_t>(std::int64_t{1} << (count - 3), 3600);
        auto r = w.start(World::kPhone);
        REQUIRE(r.code() == Code::rate_limited);
        CHECK(r.status().retry_after() == expected_lock);
        CHECK(w.events->last_reason("login.start") == "contact_locked");
        CHECK(r.status().reason() == RateLimitReason::locked);
        CHECK(std::string(reason_name(r.status().reason())) == "locked");
        CHECK(w.start(World::kEmail).code() != Code::rate_limited);  // the lock is the contact's alone
        if (expected_lock > 1) {
            w.clock->advance(expected_lock - 1);
            auto still = w.start(World::kPhone);
            CHECK(still.code() == Code::rate_limited);
            CHECK(still.status().retry_after() == 1);
        }
        w.clock->advance(1);
    }
    CHECK(expected_lock == 3600);
    CHECK(has_event(w.audit_log(), "login.locked", "contact_locked"));

    // A success clears the count: one wrong code later does not lock again.
    auto ok = w.started(World::kPhone);
    REQUIRE(w.verify(ok.challenge_id, "000042").ok());
    CHECK(failures(w, World::kPhoneE164) == 0);
    w.next_send();
    auto again = w.started(World::kPhone);
    w.clock->advance(60);
    REQUIRE(w.verify(again.challenge_id, "999999").code() == Code::verify_failed);
    CHECK(w.start(World::kPhone).ok());
}

// ---- the audit trail ----------------------------------------------------------------------------

TEST_CASE("SECURITY 20: every auth event is logged with its reason, and no event holds a code or a token") {
    MemoryWorld w;
    w.go_live();
    w.settings([](PortalSettings& s) { s.contact_failure_limit = 2; });
    w.random->set(738291);
    const std::vector<std::string> codes = {"738291", "615204"};

    auto s = w.started(World::kPhone);                                        // requested, sent
    REQUIRE(w.verify(s.challenge_id, "000000").code() == Code::verify_failed);  // rejected: wrong_code
    auto v = w.verify(s.challenge_id, codes[0]);                              // succeeded
    REQUIRE(v.ok());
    REQUIRE(w.engine->check_session(w.portal.id, v->token).ok());
    REQUIRE(w.engine->logout(w.portal.id, v->token).ok());                   // logged out

    // A simulated message holds its code whole in the feed; the log must still not.
    w.agency.send_mode = SendMode::simulate;
    w.update(w.agency);
    w.random->set(615204);
    auto mail = w.started(World::kEmail);
    REQUIRE(contains(w.feed(w.ann).front().content, codes[1]));
    auto v2 = w.verify(mail.challenge_id, codes[1]);
    REQUIRE(v2.ok());

    w.next_send();
    auto s3 = w.started(World::kPhone);
    REQUIRE(w.verify(s3.challenge_id, "111111").code() == Code::verify_failed);
    REQUIRE(w.verify(s3.challenge_id, "222222").code() == Code::verify_failed);  // locked
    REQUIRE(w.start(World::kPhone).code() == Code::rate_limited);                // refused while locked
    CHECK(w.start("(555) 987-6543").code() == Code::contact_not_found);

    const auto log = w.audit_log();
    CHECK(has_event(log, "login.start", "queued"));
    CHECK(has_event(log, "message.deliver", "sent"));
    CHECK(has_event(log, "login.start", "simulated"));
    CHECK(has_event(log, "login.start", "contact_locked"));
    CHECK(has_event(log, "login.start", "contact_not_found"));
    CHECK(has_event(log, "login.verify", "wrong_code"));
    CHECK(has_event(log, "login.verify", "ok"));
    CHECK(has_event(log, "session.logout", "logout"));
    CHECK(has_event(log, "login.locked", "contact_locked"));
    for (const auto& e : log) {
        if (e.action != "login.verify" || e.reason != "wrong_code") continue;
        CHECK(e.outcome == "SESAME_E_VERIFY_FAILED");
        CHECK(e.ip == kRequest.ip);
    }

    // Both what the store keeps and what the sink received.
    auto all = w.events->all();
    all.insert(all.end(), log.begin(), log.end());
    REQUIRE(all.size() > 10);
    const std::vector<std::string> secrets = {codes[0], codes[1], v->token, v->token.substr(0, 12),
                                              v2->token, v2->token.substr(0, 12)};
    for (const auto& e : all) {
        const std::string fields = e.actor + "|" + e.action + "|" + e.target + "|" + e.outcome + "|" + e.reason +
                                   "|" + e.ip + "|" + e.detail;
        for (const auto& secret : secrets) {
            CAPTURE(fields);
            CHECK_FALSE(contains(fields, secret));
        }
    }
}

// ---- keys ---------------------------------------------------------------------------------------

TEST_CASE("SECURITY 21: a master key that is not 32 bytes, or an unclear key choice, is INVALID_ARGUMENT") {
    for (std::size_t n : {0u, 16u, 31u, 33u, 64u}) {
        CAPTURE(n);
        EngineOptions o;
        o.store = make_memory_store();
        o.master_key = std::vector<std::uint8_t>(n, 0x11);
        CHECK(Engine::open(std::move(o)).code() == Code::invalid_argument);
    }
    KeyPath key;
    EngineOptions both;
    both.store = make_memory_store();
    both.master_key = test_key();
    both.key_file = key.str();
    CHECK(Engine::open(std::move(both)).code() == Code::invalid_argument);
    CHECK_FALSE(std::filesystem::exists(key.str()));

    EngineOptions neither;
    neither.store = make_memory_store();
    CHECK(Engine::open(std::move(neither)).code() == Code::invalid_argument);

    EngineOptions no_store;
    no_store.master_key = test_key();
    CHECK(Engine::open(std::move(no_store)).code() == Code::invalid_argument);

    EngineOptions fine;
    fine.store = make_memory_store();
    fine.master_key = test_key();
    CHECK(Engine::open(std::move(fine)).ok());
}

TEST_CASE("SECURITY 21: an absent key file is created with mode 0600, and the same file gives the same key") {
    MemoryWorld w;
    KeyPath key;
    REQUIRE_FALSE(std::filesystem::exists(key.str()));
    auto with_file = [&]() {
        EngineOptions o = w.options();
        o.master_key.reset();
        o.key_file = key.str();
        // The world's store knows the world's key: this engine's key replaces it, as after a lost key.
        o.replace_key_check = true;
        return Engine::open(std::move(o));
    };
    auto first = with_file();
    REQUIRE_MESSAGE(first.ok(), first.status().message());
    REQUIRE(std::filesystem::exists(key.str()));
    CHECK(std::filesystem::file_size(key.str()) == 32);
    const auto perms = std::filesystem::status(key.str()).permissions();
    CHECK(perms == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

    // A code issued under the file's key verifies in an engine that reads the same file, and not
    // in the world's engine, whose key is another.
    auto s = (*first)->start_login(w.portal.id, World::kPhone, kRequest);
    REQUIRE(s.ok());
    CHECK(w.verify(s->challenge_id, "000042").code() == Code::verify_failed);
    auto second = with_file();
    REQUIRE(second.ok());
    CHECK((*second)->verify_login(w.portal.id, s->challenge_id, "000042", kRequest).ok());

    // A key file of the wrong size is refused, not used.
    {
        std::ofstream out(key.str(), std::ios::binary | std::ios::trunc);
        out << std::string(31, 'k');
    }
    CHECK(with_file().code() == Code::invalid_argument);
}
