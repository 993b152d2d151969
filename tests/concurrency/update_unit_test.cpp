// A partial update through the C ABI reads the stored record, applies the caller's fields and
// stores it again. The read and the write are one unit of work (Engine::transact), so another
// writer — a thread, or a process on the same file — cannot land a change in between that the
// write would then undo. Checked on a real SQLite file: while the update holds its read, the
// database's write lock is taken (a second connection cannot begin a write), and two threads
// updating different fields of one client many times keep both.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "c_support.hpp"
#include "capi/internal.hpp"
#include "sesame/clock.hpp"
#include "store/forwarding_store.hpp"
#include "store/temp_db.hpp"

namespace {

using namespace sesame::test::capi;
using sesame::test::ForwardingStore;
using sesame::test::TempDb;

// Whether another connection could begin a write on the file right now (not waiting for it).
bool another_writer_may_begin(const std::string& path) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(db, 0);
    const int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE((rc == SQLITE_OK || rc == SQLITE_BUSY));
    return rc == SQLITE_OK;
}

// Looks at the database when the engine reads the record under update: `probe` runs once, on the
// updating thread, right after `armed` is set and the engine asks for a client or a contact.
class ProbingStore final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    std::atomic<bool> armed{false};
    std::function<void()> probe;

protected:
    void before(std::string_view method) override {
        if ((method == "get_client" || method == "get_contact") && armed.exchange(false)) probe();
    }
};

struct World {
    TempDb file{"capi-update-unit"};
    std::shared_ptr<ProbingStore> store;
    sesame_engine handle;
    CActor root{"root", 0, {}, true};
    sesame::Id client_agency = 0;
    sesame::Id client = 0;
    sesame::Id contact = 0;

    World() {
        auto sqlite = sesame::open_sqlite_store({file.path().string()});
        REQUIRE(sqlite.ok());
        store = std::make_shared<ProbingStore>(*sqlite);
        sesame::EngineOptions o;
        o.store = store;
        o.master_key = std::vector<std::uint8_t>(32, 0x3c);
        o.clock = std::make_shared<sesame::FakeClock>(1'800'000'000);
        auto e = sesame::Engine::open(std::move(o));
        REQUIRE(e.ok());
        handle.rep = std::move(*e);
        const sesame::Actor admin{"root", 0, {}, true};
        sesame::Agency a;
        a.name = "Example Court";
        auto agency = handle.rep->create_agency(admin, a);
        REQUIRE(agency.ok());
        client_agency = agency->id;
        sesame::Client c;
        c.agency_id = agency->id;
        c.first_name = "Ann";
        c.last_name = "Lee";
        auto made = handle.rep->create_client(admin, c);
        REQUIRE(made.ok());
        client = made->id;
        auto phone = handle.rep->add_contact(admin, client, sesame::ContactKind::phone, "+15551234567");
        REQUIRE(phone.ok());
        contact = phone->id;
    }

    json update_client(const json& fields) {
        json record = fields;
        record["id"] = client;
        sesame_buf out{nullptr, 0};
        const sesame_status st = sesame_client_update(&out, &handle, root.get(), record.dump().c_str());
        CHECK_MESSAGE(st == SESAME_OK, sesame_last_error_message());
        json j = out.data ? json::parse(out.data) : json();
        sesame_buf_free(&out);
        return j;
    }
    json stored_client() {
        sesame_buf out{nullptr, 0};
        REQUIRE(sesame_client_get(&out, &handle, root.get(), client) == SESAME_OK);
        json j = json::parse(out.data);
        sesame_buf_free(&out);
        return j;
    }
};

}  // namespace

TEST_CASE("capi update: between reading the stored record and writing it back, no other writer can begin") {
    World w;
    // Outside an update the file is free.
    CHECK(another_writer_may_begin(w.file.path().string()));

    int probes = 0;
    w.store->probe = [&] {
        ++probes;
        CHECK_FALSE(another_writer_may_begin(w.file.path().string()));
    };
    w.store->armed = true;
    CHECK(w.update_client({{"middle_name", "Q"}})["middle_name"] == "Q");
    CHECK(probes == 1);

    // The same for a contact's partial update.
    w.store->armed = true;
    json change = {{"id", w.contact}, {"status", "invalid"}};
    sesame_buf out{nullptr, 0};
    CHECK(sesame_contact_update(&out, &w.handle, w.root.get(), change.dump().c_str()) == SESAME_OK);
    sesame_buf_free(&out);
    CHECK(probes == 2);

    // A refused update ends its unit too: the file is free again, and the refusal is on record.
    CHECK(another_writer_may_begin(w.file.path().string()));
    json bad = {{"id", w.client}, {"language", "english"}};
    CHECK(sesame_client_update(&out, &w.handle, w.root.get(), bad.dump().c_str()) == SESAME_E_INVALID_ARGUMENT);
    CHECK(another_writer_may_begin(w.file.path().string()));
    CHECK(w.stored_client()["middle_name"] == "Q");

    // A refusal made inside the unit keeps its audit record: the unit commits it.
    const CActor clerk{"clerk", w.client_agency, {"view_audit"}};
    json rename = {{"id", w.client}, {"first_name", "Mallory"}};
    CHECK(sesame_client_update(&out, &w.handle, clerk.get(), rename.dump().c_str()) == SESAME_E_PERMISSION_DENIED);
    CHECK(another_writer_may_begin(w.file.path().string()));
    REQUIRE(sesame_audit_log(&out, &w.handle, w.root.get(), w.client_agency, 20) == SESAME_OK);
    const json log = json::parse(out.data);
    sesame_buf_free(&out);
    int refusals = 0;
    for (const auto& e : log)
        if (e["actor"].get<std::string>().find("clerk") != std::string::npos && e["action"] == "client.update" &&
            e["outcome"] != "ok")
            ++refusals;
    CHECK(refusals == 1);
    CHECK(w.stored_client()["first_name"] == "Ann");
}

TEST_CASE("capi update: two threads updating different fields of one client keep both") {
    World w;
    constexpr int kRounds = 150;
    std::atomic<int> ready{0};
    auto run = [&](const char* field, const char* prefix) {
        ready.fetch_add(1);
        while (ready.load() < 2) std::this_thread::yield();
        for (int i = 0; i < kRounds; ++i) w.update_client({{field, prefix + std::to_string(i)}});
    };
    std::thread first([&] { run("first_name", "First"); });
    std::thread last([&] { run("last_name", "Last"); });
    first.join();
    last.join();
    const json stored = w.stored_client();
    CHECK(stored["first_name"] == "First" + std::to_string(kRounds - 1));
    CHECK(stored["last_name"] == "Last" + std::to_string(kRounds - 1));
}

TEST_CASE("capi update: forms read at one revision and saved at once from two engines on one file: exactly one wins") {
    World w;
    // A second engine on the same file, as a second server process would have.
    auto other_store = sesame::open_sqlite_store({w.file.path().string()});
    REQUIRE(other_store.ok());
    sesame::EngineOptions o;
    o.store = *other_store;
    o.master_key = std::vector<std::uint8_t>(32, 0x3c);
    o.clock = std::make_shared<sesame::FakeClock>(1'800'000'000);
    auto opened = sesame::Engine::open(std::move(o));
    REQUIRE(opened.ok());
    sesame_engine other;
    other.rep = std::move(*opened);

    constexpr int kForms = 8;
    for (int round = 0; round < 20; ++round) {
        const std::int64_t read_at = w.stored_client()["revision"].get<std::int64_t>();
        std::atomic<int> saved{0}, conflicts{0}, ready{0};
        std::vector<std::thread> staff;
        for (int i = 0; i < kForms; ++i)
            staff.emplace_back([&, i] {
                const json form = {{"id", w.client}, {"revision", read_at}, {"group", "form " + std::to_string(i)}};
                ready.fetch_add(1);
                while (ready.load() < kForms) std::this_thread::yield();
                sesame_buf out{nullptr, 0};
                const sesame_status st =
                    sesame_client_update(&out, i % 2 ? &other : &w.handle, w.root.get(), form.dump().c_str());
                sesame_buf_free(&out);
                if (st == SESAME_OK) saved.fetch_add(1);
                if (st == SESAME_E_CONFLICT) conflicts.fetch_add(1);
            });
        for (auto& t : staff) t.join();
        CHECK(saved.load() == 1);
        CHECK(conflicts.load() == kForms - 1);
        CHECK(w.stored_client()["revision"] == read_at + 1);
    }
}
