// Limits under contention: start_login checks and bumps every throttle inside one unit of work
// (Store::transact), so parallel requests cannot pass a limit together — not from many threads of
// one engine, nor from two engines over two stores on one SQLite file (two servers on one
// database). Threads start together at a latch; nothing sleeps. Run under TSan by scripts/test.
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

namespace {

constexpr int kThreads = 16;

std::size_t count(const std::array<Code, kThreads>& codes, Code c) {
    return static_cast<std::size_t>(std::count(codes.begin(), codes.end(), c));
}

// Messages stored for Ann's phone: one per code sent.
std::size_t codes_sent_to_ann(World& w) {
    auto messages = w.store->list_messages_to(w.agency.id, {World::kPhoneE164}, 1000);
    REQUIRE(messages.ok());
    return messages->size();
}

}  // namespace

TEST_CASE_TEMPLATE("limits: 16 threads start a login for one contact at once and the cooldown lets exactly one code out",
                   W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();  // quotas and IP limits out of the way: the cooldown is the limit under test
    std::array<Code, kThreads> codes{};
    together(kThreads, [&](int i) { codes[static_cast<std::size_t>(i)] = w.start(World::kPhone, request_from(i)).code(); });
    CHECK(count(codes, Code::ok) == 1);
    CHECK(count(codes, Code::rate_limited) == kThreads - 1);
    CHECK(codes_sent_to_ann(w) == 1);
    CHECK(w.events->count("login.start", "simulated") == 1);
    CHECK(w.events->count("login.start", "cooldown") == kThreads - 1);
}

TEST_CASE_TEMPLATE("limits: 16 threads, 16 contacts, one IP: exactly ip_starts_limit codes go out", W, MemoryWorld,
                   SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();
    w.settings([](PortalSettings& s) { s.ip_starts_limit = 5; });
    std::vector<std::string> emails;
    for (int i = 0; i < kThreads; ++i) {
        auto c = w.make_client(w.agency, "Client" + std::to_string(i));
        emails.push_back("client" + std::to_string(i) + "@example.org");
        w.add_contact(c, ContactKind::email, emails.back());
    }
    std::array<Code, kThreads> codes{};
    together(kThreads, [&](int i) {
        codes[static_cast<std::size_t>(i)] = w.start(emails[static_cast<std::size_t>(i)], kRequest).code();
    });
    CHECK(count(codes, Code::ok) == 5);
    CHECK(count(codes, Code::rate_limited) == kThreads - 5);
    CHECK(w.events->count("login.start", "simulated") == 5);
    CHECK(w.events->count("login.start", "ip_limit") == kThreads - 5);
}

TEST_CASE_TEMPLATE("limits: 16 threads at once within an hourly quota of 3: exactly 3 codes", W, MemoryWorld, SqliteWorld) {
    W w;
    const std::string store_kind = W::name;
    CAPTURE(store_kind);
    w.relax();
    w.settings([](PortalSettings& s) { s.sends_per_hour = 3; });
    // Three rounds of 16 threads, each round past the cooldown: the quota lets one code out in
    // each of the first three, none in the fourth.
    std::size_t ok = 0;
    for (int round = 0; round < 4; ++round) {
        std::array<Code, kThreads> codes{};
        together(kThreads, [&](int i) { codes[static_cast<std::size_t>(i)] = w.start(World::kPhone, request_from(i)).code(); });
        CHECK(count(codes, Code::ok) == (round < 3 ? 1U : 0U));
        ok += count(codes, Code::ok);
        w.next_send();
    }
    CHECK(ok == 3);
    CHECK(codes_sent_to_ann(w) == 3);
    CHECK(w.events->count("login.start", "hourly_quota") >= kThreads);
}

TEST_CASE("limits: two engines over two SQLite stores on one file (two servers, one database) let exactly one code out") {
    SqliteWorld w;
    w.relax();
    // A second server: its own store (its own connections) on the same file, its own engine.
    auto second_store = open_sqlite(w.database());
    auto options = w.options();
    options.store = second_store;
    auto second = Engine::open(std::move(options));
    REQUIRE(second.ok());
    std::array<Code, kThreads> codes{};
    together(kThreads, [&](int i) {
        Engine& engine = i % 2 ? **second : *w.engine;
        codes[static_cast<std::size_t>(i)] = engine.start_login(w.portal.id, World::kPhone, request_from(i)).code();
    });
    CHECK(count(codes, Code::ok) == 1);
    CHECK(count(codes, Code::rate_limited) == kThreads - 1);
    CHECK(codes_sent_to_ann(w) == 1);
}
