// One unit of work per visitor request (docs/design.md), counted, not timed: the SQLite store
// counts the write transactions it commits, and each request must cost exactly what the design
// says. Then two real processes on one database file keep a limit together, and a unit that fails
// leaves nothing behind.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "engine/support.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

// Write transactions the world's SQLite store commits while `call` runs.
template <class F>
std::int64_t transactions_of(SqliteWorld& w, F&& call) {
    auto before = sqlite::write_transactions(*w.store);
    REQUIRE(before.ok());
    call();
    auto after = sqlite::write_transactions(*w.store);
    REQUIRE(after.ok());
    return *after - *before;
}

}  // namespace

TEST_CASE("units: a login round is one write transaction to start, one to verify; a check none; logout one") {
    SqliteWorld w;
    LoginStarted started;
    CHECK(transactions_of(w, [&] { started = w.started(World::kPhone); }) == 1);
    LoginVerified verified;
    CHECK(transactions_of(w, [&] {
              auto v = w.verify(started.challenge_id, w.expected_code());
              REQUIRE(v.ok());
              verified = *v;
          }) == 1);
    CHECK(transactions_of(w, [&] { REQUIRE(w.engine->check_session(w.portal.id, verified.token).ok()); }) == 0);
    // Once a minute the check records the visit: then it writes, once.
    w.clock->advance(61);
    CHECK(transactions_of(w, [&] { REQUIRE(w.engine->check_session(w.portal.id, verified.token).ok()); }) == 1);
    CHECK(transactions_of(w, [&] { REQUIRE(w.engine->check_session(w.portal.id, verified.token).ok()); }) == 0);
    CHECK(transactions_of(w, [&] { REQUIRE(w.engine->logout(w.portal.id, verified.token).ok()); }) == 1);
    // A check of a dead token reads and writes nothing.
    CHECK(transactions_of(w, [&] {
              CHECK(w.engine->check_session(w.portal.id, verified.token).code() == Code::session_invalid);
          }) == 0);
}

TEST_CASE("units: refusals cost one write transaction too, and keep what they counted") {
    SqliteWorld w;
    auto started = w.started(World::kPhone);
    // A wrong code: the attempt, the failure counter and the audit event together.
    CHECK(transactions_of(w, [&] { CHECK(w.verify(started.challenge_id, "999999").code() == Code::verify_failed); }) == 1);
    auto c = w.challenge(started.challenge_id);
    REQUIRE(c.ok());
    CHECK(c->attempts == 1);  // committed, not rolled back with the refusal
    // A second start inside the cooldown: refused, the refusal audited, in one transaction.
    CHECK(transactions_of(w, [&] { CHECK(w.start(World::kPhone).code() == Code::rate_limited); }) == 1);
    CHECK(w.events->count("login.start", "cooldown") == 1);
    // An unknown contact (explain mode) and an unknown challenge.
    CHECK(transactions_of(w, [&] { CHECK(w.start("(555) 987-6543").code() == Code::contact_not_found); }) == 1);
    CHECK(transactions_of(w, [&] { CHECK(w.verify("no-such-challenge", "000042").code() == Code::verify_failed); }) == 1);
}

TEST_CASE("units: a live code is one transaction to queue and one to record its delivery, the transport outside both") {
    SqliteWorld w;
    w.go_live();
    std::int64_t during_send = -1;
    // The transport looks at the store's count while it works: the start's transaction has
    // committed by then (the code is stored before it leaves) and no other is open.
    auto before = sqlite::write_transactions(*w.store);
    REQUIRE(before.ok());
    w.sms->on_send([&] {
        auto now = sqlite::write_transactions(*w.store);
        REQUIRE(now.ok());
        during_send = *now - *before;
    });
    CHECK(transactions_of(w, [&] { w.started(World::kPhone); }) == 2);
    CHECK(during_send == 1);
    CHECK(w.sms->count() == 1);
    CHECK(w.events->last_reason("login.start") == "queued");
    CHECK(w.events->last_reason("message.deliver") == "sent");
}

TEST_CASE("units: the audit sink hears of a unit's events only after it commits") {
    SqliteWorld w;
    std::vector<std::string> seen_at_sink;
    auto options = w.options();
    auto store = w.store;
    auto events = w.events;
    // A sink that reads the audit table from another thread when it is called: the event it is
    // handed must already be committed, so the other connection sees it.
    options.audit_sink = [&, store](const AuditEvent& e) {
        events->add(e);
        std::int64_t visible = 0;
        std::thread reader([&] {
            auto log = store->list_audit(e.agency_id, 1000);
            REQUIRE(log.ok());
            for (const auto& row : *log) visible += row.id == e.id ? 1 : 0;
        });
        reader.join();
        seen_at_sink.push_back(e.action + (visible == 1 ? ":committed" : ":not-committed"));
    };
    auto engine = Engine::open(std::move(options));
    REQUIRE(engine.ok());
    auto s = (*engine)->start_login(w.portal.id, World::kPhone, kRequest);
    REQUIRE(s.ok());
    auto v = (*engine)->verify_login(w.portal.id, s->challenge_id, w.expected_code(), kRequest);
    REQUIRE(v.ok());
    REQUIRE(seen_at_sink.size() == 2);
    CHECK(seen_at_sink[0] == "login.start:committed");
    CHECK(seen_at_sink[1] == "login.verify:committed");
}

TEST_CASE("units: two processes on one database file start logins for one contact at once: one code in all") {
    TempDb db{"two-processes"};
    Id portal_id = 0;
    Id agency_id = 0;
    {
        // Made, then closed: no SQLite connection may cross a fork.
        auto store = open_sqlite(db);
        EngineOptions o;
        o.store = store;
        o.master_key = test_key();
        auto clock = std::make_shared<FakeClock>();
        o.clock = clock;
        auto engine = Engine::open(std::move(o));
        REQUIRE(engine.ok());
        Actor root{"root", 0, {}, true};
        Agency a;
        a.name = "Two Servers Court";
        a.time_zone = "America/Chicago";
        a.default_region = "US";
        auto agency = (*engine)->create_agency(root, a);
        REQUIRE(agency.ok());
        agency_id = agency->id;
        REQUIRE((*engine)->add_agency_email(root, agency->id, "notices@court.example", "Court").ok());
        Portal p;
        p.agency_id = agency->id;
        p.name = "Portal";
        p.slug = "two";
        p.client_auth = ClientAuth::one_time_password;
        p.settings.host = "portal.example.gov";
        p.settings.ip_starts_limit = 100000;
        p.settings.sends_per_hour = 100;
        p.settings.sends_per_day = 1000;
        auto portal = (*engine)->create_portal(root, p);
        REQUIRE(portal.ok());
        portal_id = portal->id;
        Client c;
        c.agency_id = agency->id;
        c.first_name = "Ann";
        c.last_name = "Lee";
        auto client = (*engine)->create_client(root, c);
        REQUIRE(client.ok());
        REQUIRE((*engine)->add_contact(root, client->id, ContactKind::email, "ann@example.org").ok());
    }

    constexpr int kProcesses = 2;
    constexpr int kThreadsEach = 8;
    int go[2];
    REQUIRE(::pipe(go) == 0);
    std::vector<pid_t> children;
    for (int p = 0; p < kProcesses; ++p) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            // The child: its own store and engine on the file; waits for the parent's go, then
            // starts kThreadsEach logins at once and exits with how many were let through.
            ::close(go[1]);
            SqliteOptions so;
            so.path = db.str();
            auto store = open_sqlite_store(so);
            if (!store) ::_exit(100);
            EngineOptions o;
            o.store = *store;
            o.master_key = test_key();
            o.clock = std::make_shared<FakeClock>();
            auto engine = Engine::open(std::move(o));
            if (!engine) ::_exit(101);
            char byte = 0;
            if (::read(go[0], &byte, 1) != 1) ::_exit(102);
            std::vector<std::thread> threads;
            std::vector<Code> codes(kThreadsEach, Code::internal);
            for (int i = 0; i < kThreadsEach; ++i)
                threads.emplace_back([&, i] {
                    RequestInfo r{"198.51.100." + std::to_string(p * kThreadsEach + i + 1), "process"};
                    codes[static_cast<std::size_t>(i)] = (*engine)->start_login(portal_id, "ann@example.org", r).code();
                });
            for (auto& t : threads) t.join();
            int total = 0;
            for (Code c : codes) {
                if (c == Code::ok) ++total;
                else if (c != Code::rate_limited) ::_exit(103);  // refused for another reason
            }
            ::_exit(total);
        }
        children.push_back(pid);
    }
    ::close(go[0]);
    const char bytes[kProcesses] = {};
    REQUIRE(::write(go[1], bytes, kProcesses) == kProcesses);
    ::close(go[1]);
    int let_through = 0;
    for (pid_t pid : children) {
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        CAPTURE(WEXITSTATUS(status));
        REQUIRE(WEXITSTATUS(status) < 50);  // no child failed for another reason
        let_through += WEXITSTATUS(status);
    }
    CHECK(let_through == 1);
    auto store = open_sqlite(db);
    auto messages = store->list_messages_to(agency_id, {"ann@example.org"}, 100);
    REQUIRE(messages.ok());
    CHECK(messages->size() == 1);
}

TEST_CASE("units: a host's Engine::transact is one write transaction, and no code leaves while it is open") {
    SqliteWorld w;
    w.go_live();
    // A read-modify-write of the client's middle name, as a host writes one.
    auto set_middle_name = [&](const char* name) -> Status {
        auto ann = w.engine->get_client(w.root, w.ann.id);
        if (!ann) return ann.status();
        Client next = *ann;
        next.middle_name = name;
        return to_status(w.engine->update_client(w.root, next));
    };
    // That and a login start, in one unit: one transaction in all.
    Result<LoginStarted> started = Status(Code::internal, "not run");
    const std::int64_t txns = transactions_of(w, [&] {
        const Status unit = w.engine->transact([&]() -> Status {
            SESAME_TRY(set_middle_name("Q"));
            started = w.engine->start_login(w.portal.id, World::kPhone, kRequest);
            return started.status();
        });
        CHECK(unit.ok());
    });
    CHECK(txns == 1);
    REQUIRE(started.ok());
    // The code waited in the outbox: the transport was not called while the store was held.
    CHECK(w.sms->count() == 0);
    CHECK(w.engine->get_client(w.root, w.ann.id)->middle_name == "Q");
    auto sent = w.engine->dispatch();
    REQUIRE(sent.ok());
    CHECK(*sent == 1);
    CHECK(w.sms->count() == 1);

    // A body that fails rolls back what it wrote.
    const Status failed = w.engine->transact([&]() -> Status {
        SESAME_TRY(set_middle_name("R"));
        return Status(Code::storage, "the host gave up");
    });
    CHECK(failed.code() == Code::storage);
    CHECK(w.engine->get_client(w.root, w.ann.id)->middle_name == "Q");
}
