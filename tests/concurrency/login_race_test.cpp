// Many threads against one engine at the same instant (SECURITY.md 5): a code is used once, the
// attempt cap holds under contention, independent logins do not disturb each other, and a session
// reads the same from every thread. Each scenario runs on the memory store and on SQLite, and
// under ThreadSanitizer in scripts/test. Threads start together at a latch; nothing sleeps.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "concurrency/together.hpp"
#include "engine/support.hpp"

using namespace sesame;
using namespace sesame::test;

TEST_CASE_TEMPLATE("SECURITY 5: 16 threads verify the right code at once and exactly one gets a session", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();
    auto s = w.started(World::kPhone);
    constexpr int n = 16;
    std::array<Code, n> codes{};
    std::array<std::string, n> tokens;
    together(n, [&](int i) {
        auto r = w.engine->verify_login(w.portal.id, s.challenge_id, "000042", request_from(i));
        codes[static_cast<std::size_t>(i)] = r.code();
        if (r) tokens[static_cast<std::size_t>(i)] = r->token;
    });
    CHECK(std::count(codes.begin(), codes.end(), Code::ok) == 1);
    CHECK(std::count(codes.begin(), codes.end(), Code::verify_failed) == n - 1);
    auto sessions = w.store->list_client_sessions(w.ann.id);
    REQUIRE(sessions.ok());
    CHECK(sessions->size() == 1);
    CHECK(w.events->count("login.verify", "ok") == 1);
    CHECK(w.events->of("login.verify").size() == static_cast<std::size_t>(n));

    const auto winner = std::find(codes.begin(), codes.end(), Code::ok) - codes.begin();
    auto c = w.engine->check_session(w.portal.id, tokens[static_cast<std::size_t>(winner)]);
    REQUIRE(c.ok());
    CHECK(c->session_id == sessions->front().id);
}

TEST_CASE_TEMPLATE("SECURITY 5: 50 threads guess wrong at once and at most max_attempts comparisons happen", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();
    REQUIRE(w.portal.settings.max_attempts == 5);
    auto s = w.started(World::kPhone);
    constexpr int n = 50;
    std::array<Code, n> codes{};
    together(n, [&](int i) {
        codes[static_cast<std::size_t>(i)] =
            w.engine->verify_login(w.portal.id, s.challenge_id, "999999", request_from(i)).code();
    });
    CHECK(std::count(codes.begin(), codes.end(), Code::verify_failed) == n);
    const auto compared = w.events->count("login.verify", "wrong_code");
    CHECK(compared <= 5);
    // Every attempt the store let through was compared: the cap is reached, not undercounted.
    CHECK(compared == 5);
    CHECK(w.events->count("login.verify", "attempts_exhausted") == n - 5);
    auto c = w.challenge(s.challenge_id);
    REQUIRE(c.ok());
    CHECK(c->attempts == 5);
    // The code is dead now, even for the right value.
    CHECK(w.verify(s.challenge_id, "000042").code() == Code::verify_failed);
}

TEST_CASE_TEMPLATE("SECURITY 5: 16 threads mixing right and wrong codes: at most one session, at most max_attempts comparisons",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();
    auto s = w.started(World::kPhone);
    constexpr int n = 16;
    std::array<Code, n> codes{};
    together(n, [&](int i) {
        const char* code = i % 2 ? "000042" : "999999";
        codes[static_cast<std::size_t>(i)] =
            w.engine->verify_login(w.portal.id, s.challenge_id, code, request_from(i)).code();
    });
    const auto wins = std::count(codes.begin(), codes.end(), Code::ok);
    CHECK(wins <= 1);
    CHECK(wins + std::count(codes.begin(), codes.end(), Code::verify_failed) == n);
    CHECK(w.events->count("login.verify", "wrong_code") + static_cast<std::size_t>(wins) <= 5);
    auto sessions = w.store->list_client_sessions(w.ann.id);
    REQUIRE(sessions.ok());
    CHECK(sessions->size() == static_cast<std::size_t>(wins));
}

TEST_CASE_TEMPLATE("concurrent logins: 8 threads log 8 different clients in, by phone then by email, and all succeed", W,
                   MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();
    constexpr int n = 8;
    std::vector<Client> clients;
    for (int i = 0; i < n; ++i) {
        Client c = w.make_client(w.agency, "Client" + std::string(1, static_cast<char>('A' + i)));
        w.add_contact(c, ContactKind::phone, "+1555300000" + std::to_string(i));
        w.add_contact(c, ContactKind::email, "client" + std::to_string(i) + "@example.org");
        clients.push_back(c);
    }
    std::array<int, n> successes{};
    std::array<std::string, n> failures;
    together(n, [&](int i) {
        const auto k = static_cast<std::size_t>(i);
        for (const std::string& id : {"+1555300000" + std::to_string(i), "client" + std::to_string(i) + "@example.org"}) {
            auto s = w.engine->start_login(w.portal.id, id, request_from(i));
            if (!s) {
                failures[k] += std::string("start ") + code_name(s.code()) + "; ";
                continue;
            }
            auto v = w.engine->verify_login(w.portal.id, s->challenge_id, "000042", request_from(i));
            if (!v) {
                failures[k] += std::string("verify ") + code_name(v.code()) + "; ";
                continue;
            }
            auto c = w.engine->check_session(w.portal.id, v->token);
            if (c && c->client_id == clients[k].id) ++successes[k];
            else failures[k] += "check; ";
        }
    });
    for (int i = 0; i < n; ++i) {
        CAPTURE(i);
        CHECK_MESSAGE(successes[static_cast<std::size_t>(i)] == 2, failures[static_cast<std::size_t>(i)]);
        auto sessions = w.store->list_client_sessions(clients[static_cast<std::size_t>(i)].id);
        REQUIRE(sessions.ok());
        CHECK(sessions->size() == 2);
    }
    CHECK(w.events->count("login.verify", "ok") == 2 * n);
}

TEST_CASE_TEMPLATE("concurrent starts for one contact: whatever gets through, only the newest code works", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();
    constexpr int n = 8;
    std::array<std::string, n> challenges;
    std::array<Code, n> codes{};
    together(n, [&](int i) {
        auto r = w.engine->start_login(w.portal.id, World::kPhone, request_from(i));
        codes[static_cast<std::size_t>(i)] = r.code();
        if (r) challenges[static_cast<std::size_t>(i)] = r->challenge_id;
    });
    const auto started = std::count(codes.begin(), codes.end(), Code::ok);
    CHECK(started >= 1);
    CHECK(started + std::count(codes.begin(), codes.end(), Code::rate_limited) == n);
    int live = 0;
    int verified = 0;
    for (const auto& id : challenges) {
        if (id.empty()) continue;
        auto c = w.challenge(id);
        REQUIRE(c.ok());
        if (!c->superseded_at) ++live;
        if (w.verify(id, "000042").ok()) ++verified;
    }
    CHECK(live == 1);
    CHECK(verified == 1);
}

TEST_CASE_TEMPLATE("concurrent session checks: 8 threads read one token and all see the same session", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    auto v = w.login(World::kPhone);
    w.clock->advance(60);  // a touch is due: every thread may try to write it
    const UnixTime now = w.clock->now();
    constexpr int n = 8;
    constexpr int rounds = 50;
    std::array<int, n> consistent{};
    together(n, [&](int i) {
        for (int r = 0; r < rounds; ++r) {
            auto c = w.engine->check_session(w.portal.id, v.token);
            if (c && c->session_id == v.session_id && c->client_id == w.ann.id && c->last_seen_at == now &&
                c->idle_expires_at == now + 1800 && c->absolute_expires_at == v.expires_at)
                ++consistent[static_cast<std::size_t>(i)];
        }
    });
    for (int i = 0; i < n; ++i) CHECK(consistent[static_cast<std::size_t>(i)] == rounds);
    auto s = w.session(v.session_id);
    REQUIRE(s.ok());
    CHECK(s->last_seen_at == now);
    CHECK(s->idle_expires_at == now + 1800);
    CHECK_FALSE(s->revoked_at.has_value());
}

TEST_CASE_TEMPLATE("concurrent logout: of 8 threads logging one token out, exactly one succeeds, and checks racing it see it live or ended",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    auto v = w.login(World::kPhone);
    constexpr int n = 8;
    std::array<Code, n> logouts{};
    std::array<int, n> odd{};
    together(n, [&](int i) {
        const auto k = static_cast<std::size_t>(i);
        if (i % 2) {
            logouts[k] = w.engine->logout(w.portal.id, v.token).code();
        } else {
            logouts[k] = Code::internal;  // not a logout thread
            bool ended = false;
            for (int r = 0; r < 50; ++r) {
                auto c = w.engine->check_session(w.portal.id, v.token);
                if (c.ok()) {
                    if (ended) ++odd[k];  // a session once seen ended never comes back
                } else if (c.code() == Code::session_invalid) {
                    ended = true;
                } else {
                    ++odd[k];
                }
            }
        }
    });
    int ok = 0;
    int invalid = 0;
    for (int i = 1; i < n; i += 2) {
        ok += logouts[static_cast<std::size_t>(i)] == Code::ok;
        invalid += logouts[static_cast<std::size_t>(i)] == Code::session_invalid;
    }
    CHECK(ok == 1);
    CHECK(invalid == n / 2 - 1);
    for (int i = 0; i < n; i += 2) CHECK(odd[static_cast<std::size_t>(i)] == 0);
    CHECK(w.engine->check_session(w.portal.id, v.token).code() == Code::session_invalid);
    CHECK(w.events->of("session.logout").size() == 1);
}
