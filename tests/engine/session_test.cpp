// Sessions after a login (SECURITY.md 9, 14-17): fresh tokens, server-side logout, idle and
// absolute timeouts, the once-a-minute touch, revocation when what the login proved changes, and
// the sweeper.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

Code check(World& w, const std::string& token) { return w.engine->check_session(w.portal.id, token).code(); }

bool occurs_in(const std::vector<char>& bytes, const std::string& needle) {
    return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

}  // namespace

TEST_CASE_TEMPLATE("SECURITY 15: every login gets a new token, and logout revokes it on the server", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    auto first = w.login(World::kPhone);
    w.next_send();
    auto second = w.login(World::kPhone);
    CHECK(first.token != second.token);
    CHECK(first.session_id != second.session_id);
    // The earlier session is not taken over by the later one: each stands alone.
    CHECK(check(w, first.token) == Code::ok);
    CHECK(check(w, second.token) == Code::ok);

    REQUIRE(w.engine->logout(w.portal.id, first.token).ok());
    CHECK(check(w, first.token) == Code::session_invalid);
    CHECK(w.engine->logout(w.portal.id, first.token).code() == Code::session_invalid);
    CHECK(check(w, second.token) == Code::ok);
    auto stored = w.session(first.session_id);
    REQUIRE(stored.ok());
    CHECK(stored->revoked_at == w.clock->now());
    CHECK(stored->revoke_reason == "logout");
    CHECK(w.events->last_reason("session.logout") == "logout");
}

TEST_CASE("SECURITY 15: tokens that were never issued, or are not even token-shaped, are SESSION_INVALID") {
    MemoryWorld w;
    auto v = w.login(World::kPhone);
    std::string altered = v.token;
    altered[10] = altered[10] == 'A' ? 'B' : 'A';
    for (const std::string& t : {std::string(), std::string(43, 'A'), altered, v.token + "A", v.token.substr(1),
                                 std::string(10240, 'x')}) {
        CHECK(check(w, t) == Code::session_invalid);
        CHECK(w.engine->logout(w.portal.id, t).code() == Code::session_invalid);
    }
    CHECK(check(w, v.token) == Code::ok);
}

TEST_CASE("SECURITY 15: a session left idle for 30 minutes is over") {
    MemoryWorld w;
    auto v = w.login(World::kPhone);
    SUBCASE("at 30 minutes") {
        w.clock->advance(1800);
        CHECK(check(w, v.token) == Code::session_invalid);
    }
    SUBCASE("one second before") {
        w.clock->advance(1799);
        CHECK(check(w, v.token) == Code::ok);
    }
    SUBCASE("the portal's own idle timeout") {
        w.settings([](PortalSettings& s) { s.session_idle_seconds = 600; });
        auto short_lived = w.login(World::kEmail);
        w.clock->advance(600);
        CHECK(check(w, short_lived.token) == Code::session_invalid);
        CHECK(check(w, v.token) == Code::ok);  // made under the 30-minute setting
    }
}

TEST_CASE_TEMPLATE("SECURITY 15: activity every 20 minutes keeps a session alive up to the absolute 12 hours, not longer", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    const UnixTime t0 = w.clock->now();
    auto v = w.login(World::kPhone);
    CHECK(v.expires_at == t0 + 43200);
    while (w.clock->now() + 1200 < t0 + 43200) {
        w.clock->advance(1200);
        auto c = w.engine->check_session(w.portal.id, v.token);
        REQUIRE_MESSAGE(c.ok(), "at +", w.clock->now() - t0, " s: ", code_name(c.code()));
        CHECK(c->idle_expires_at == std::min(w.clock->now() + 1800, t0 + 43200));
        CHECK(c->absolute_expires_at == t0 + 43200);
    }
    CHECK(w.clock->now() == t0 + 42000);
    auto last = w.engine->check_session(w.portal.id, v.token);
    REQUIRE(last.ok());
    CHECK(last->idle_expires_at == t0 + 43200);  // the idle window never reaches past the absolute end
    w.clock->set(t0 + 43199);
    CHECK(check(w, v.token) == Code::ok);
    w.clock->set(t0 + 43200);
    CHECK(check(w, v.token) == Code::session_invalid);
}

TEST_CASE_TEMPLATE("SECURITY 15: the session's last-seen time is written at most once a minute", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    const UnixTime t0 = w.clock->now();
    auto v = w.login(World::kPhone);
    auto seen = [&]() {
        auto s = w.session_by_token(v.token);
        REQUIRE(s.ok());
        REQUIRE(s->id == v.session_id);
        return std::pair{s->last_seen_at, s->idle_expires_at};
    };
    CHECK(seen() == std::pair{t0, t0 + 1800});
    w.clock->advance(30);
    REQUIRE(check(w, v.token) == Code::ok);
    CHECK(seen() == std::pair{t0, t0 + 1800});
    w.clock->advance(29);
    REQUIRE(check(w, v.token) == Code::ok);
    CHECK(seen() == std::pair{t0, t0 + 1800});
    w.clock->advance(1);
    auto c = w.engine->check_session(w.portal.id, v.token);
    REQUIRE(c.ok());
    CHECK(c->last_seen_at == t0 + 60);
    CHECK(seen() == std::pair{t0 + 60, t0 + 60 + 1800});
    w.clock->advance(59);
    REQUIRE(check(w, v.token) == Code::ok);
    CHECK(seen() == std::pair{t0 + 60, t0 + 60 + 1800});
    w.clock->advance(1);
    REQUIRE(check(w, v.token) == Code::ok);
    CHECK(seen() == std::pair{t0 + 120, t0 + 120 + 1800});
}

TEST_CASE("SECURITY 16: changing the contact, opting it out, archiving the client or turning login off ends the session") {
    MemoryWorld w;
    // Someone else's session, which none of the changes below concerns.
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, "(555) 222-9999");
    auto bystander = w.login("(555) 222-9999");
    auto v = w.login(World::kPhone);
    REQUIRE(check(w, v.token) == Code::ok);

    SUBCASE("the contact's value changes") {
        w.set_contact(w.ann_phone, "(555) 765-4321", ContactStatus::valid);
        CHECK(check(w, v.token) == Code::session_invalid);
        CHECK(check(w, bystander.token) == Code::ok);
    }
    SUBCASE("the contact is opted out") {
        w.set_contact(w.ann_phone, World::kPhone, ContactStatus::opted_out);
        CHECK(check(w, v.token) == Code::session_invalid);
        CHECK(check(w, bystander.token) == Code::ok);
        // Opting back in does not bring the old session back.
        w.set_contact(w.ann_phone, World::kPhone, ContactStatus::valid);
        CHECK(check(w, v.token) == Code::session_invalid);
    }
    SUBCASE("the contact is marked invalid") {
        w.set_contact(w.ann_phone, World::kPhone, ContactStatus::invalid);
        CHECK(check(w, v.token) == Code::session_invalid);
    }
    SUBCASE("the client is archived") {
        w.archive(w.ann);
        CHECK(check(w, v.token) == Code::session_invalid);
        CHECK(check(w, bystander.token) == Code::ok);
    }
    SUBCASE("client authentication is turned off") {
        w.set_client_auth(w.portal, ClientAuth::disabled);
        CHECK(check(w, v.token) == Code::session_invalid);
        // Turning it back on does not revive sessions from before.
        w.set_client_auth(w.portal, ClientAuth::one_time_password);
        CHECK(check(w, v.token) == Code::session_invalid);
        CHECK(check(w, bystander.token) == Code::session_invalid);
    }
    SUBCASE("staff revoke the client's sessions") {
        REQUIRE(w.engine->revoke_client_sessions(w.root, w.ann.id).ok());
        CHECK(check(w, v.token) == Code::session_invalid);
        CHECK(check(w, bystander.token) == Code::ok);
    }
    auto stored = w.session(v.session_id);
    REQUIRE(stored.ok());
    CHECK(stored->revoked_at.has_value());
}

TEST_CASE("SECURITY 16: a session still waiting for its client choice ends when the shared phone changes") {
    MemoryWorld w;
    Client ben = w.make_client(w.agency, "Ben");
    Contact bens = w.add_contact(ben, ContactKind::phone, World::kPhone);
    auto v = w.login(World::kPhone);
    REQUIRE(check(w, v.token) == Code::selection_required);
    w.set_contact(bens, World::kPhone, ContactStatus::opted_out);
    CHECK(check(w, v.token) == Code::session_invalid);
    CHECK(w.engine->select_client(w.portal.id, v.token, ben.id).code() == Code::session_invalid);
}

TEST_CASE("SECURITY 17: every session is single-factor aal1, whatever the channel or the choice") {
    MemoryWorld w;
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, World::kPhone);
    auto shared = w.login(World::kPhone);
    auto mail = w.login(World::kEmail);
    CHECK(shared.assurance == "aal1");
    CHECK(mail.assurance == "aal1");
    REQUIRE(w.engine->select_client(w.portal.id, shared.token, ben.id).ok());
    for (const auto& v : {shared, mail}) {
        auto c = w.engine->check_session(w.portal.id, v.token);
        REQUIRE(c.ok());
        CHECK(c->assurance == "aal1");
        auto s = w.session(v.session_id);
        REQUIRE(s.ok());
        CHECK(s->assurance == "aal1");
    }
    auto staff_view = w.engine->client_sessions(w.root, w.ann.id);
    REQUIRE(staff_view.ok());
    REQUIRE_FALSE(staff_view->empty());
    for (const auto& s : *staff_view) CHECK(s.assurance == "aal1");
}

TEST_CASE("SECURITY 14: 200 logins give 200 distinct tokens and session ids") {
    MemoryWorld w;
    w.relax();
    std::set<std::string> tokens;
    std::set<std::string> ids;
    for (int i = 0; i < 200; ++i) {
        auto v = w.login(i % 2 ? World::kPhone : World::kEmail);
        CHECK(v.token.size() == 43);
        tokens.insert(v.token);
        ids.insert(v.session_id);
        if (i % 2) w.next_send();
    }
    CHECK(tokens.size() == 200);
    CHECK(ids.size() == 200);
}

TEST_CASE("SECURITY 14: the token is nowhere in the SQLite database file or its WAL") {
    SqliteWorld w;
    auto v = w.login(World::kPhone);
    REQUIRE(check(w, v.token) == Code::ok);
    const std::string path = w.database().str();
    const auto db = file_bytes(path);
    const auto wal = file_bytes(path + "-wal");
    REQUIRE_FALSE(db.empty());
    CHECK_FALSE(occurs_in(db, v.token));
    CHECK_FALSE(occurs_in(wal, v.token));
    // Not even a recognisable piece of it.
    CHECK_FALSE(occurs_in(db, v.token.substr(0, 16)));
    CHECK_FALSE(occurs_in(wal, v.token.substr(0, 16)));
    // The session itself is there, found by the keyed hash of the token.
    auto stored = w.session_by_token(v.token);
    REQUIRE(stored.ok());
    CHECK(stored->id == v.session_id);
    CHECK(stored->token_hash.size() == 32);
}

TEST_CASE_TEMPLATE("SECURITY 9: the sweeper removes used, expired and superseded challenges and dead sessions, and keeps live ones",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    Client ben = w.make_client(w.agency, "Ben");
    w.add_contact(ben, ContactKind::phone, "(555) 222-9999");
    const UnixTime t0 = w.clock->now();

    auto used = w.started(World::kPhone);
    auto idle = w.verify(used.challenge_id, "000042");  // its session idles out at t0 + 1800
    REQUIRE(idle.ok());
    auto expired = w.started(World::kEmail);            // expires at t0 + 600

    w.clock->set(t0 + 1750);
    auto superseded = w.started("(555) 222-9999");
    w.next_send();
    auto live = w.started("(555) 222-9999");
    auto used2 = w.started(World::kPhone);
    auto alive = w.verify(used2.challenge_id, "000042");
    REQUIRE(alive.ok());
    auto gone = w.login(World::kEmail);
    REQUIRE(w.engine->logout(w.portal.id, gone.token).ok());
    REQUIRE(w.clock->now() >= t0 + 1800);

    auto swept = w.engine->sweep();
    REQUIRE_MESSAGE(swept.ok(), swept.status().message());
    for (const auto* dead : {&used, &expired, &superseded, &used2}) {
        CAPTURE(dead->challenge_id);
        CHECK(w.challenge(dead->challenge_id).code() == Code::not_found);
    }
    CHECK(w.challenge(live.challenge_id).ok());
    CHECK(w.session(idle->session_id).code() == Code::not_found);
    CHECK(w.session(gone.session_id).code() == Code::not_found);
    CHECK(w.session(alive->session_id).ok());
    CHECK(swept->challenges == 5);  // the four above and the one behind the logged-out session
    CHECK(swept->sessions == 2);

    CHECK(check(w, alive->token) == Code::ok);
    CHECK(w.verify(live.challenge_id, "000042").ok());
    auto again = w.engine->sweep();
    REQUIRE(again.ok());
    CHECK(again->challenges == 1);
    CHECK(again->sessions == 0);
}

TEST_CASE_TEMPLATE("sessions: client_session_count is 1 on a client's first sign-in and counts ended sessions too", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    auto first = w.login(World::kEmail);
    REQUIRE(first.client_id.has_value());
    auto count = w.engine->client_session_count(w.portal.id, first.token);
    REQUIRE_MESSAGE(count.ok(), count.status().message());
    CHECK(*count == 1);
    w.next_send();
    auto second = w.login(World::kEmail);
    CHECK(*w.engine->client_session_count(w.portal.id, second.token) == 2);
    REQUIRE(w.engine->logout(w.portal.id, first.token).ok());
    CHECK(*w.engine->client_session_count(w.portal.id, second.token) == 2);
    CHECK(w.engine->client_session_count(w.portal.id, first.token).code() == Code::session_invalid);
}
