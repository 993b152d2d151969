// Opening an engine on a store: the store's key check value refuses another master key, and a
// database made before the check gets it written by the first key to open it. And the audit
// events a failing store cannot keep are reported, not dropped.
#include <sys/stat.h>

#include <filesystem>

#include "store/exec_sql.hpp"
#include "support.hpp"

namespace sesame::test {
namespace {

Result<std::unique_ptr<Engine>> open_with(std::shared_ptr<Store> store, std::uint8_t key_byte,
                                          std::function<void(EngineOptions&)> adjust = {}) {
    EngineOptions o;
    o.store = std::move(store);
    o.master_key = std::vector<std::uint8_t>(32, key_byte);
    if (adjust) adjust(o);
    return Engine::open(std::move(o));
}


TEST_CASE("key check: the memory store keeps the first key's value and refuses another key") {
    auto store = make_memory_store();
    REQUIRE(open_with(store, 1).ok());
    auto stored = store->get_key_check();
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    CHECK(**stored == *crypto::key_check_value(*crypto::SecretKey::from_bytes(std::vector<std::uint8_t>(32, 1).data(), 32)));
    auto other = open_with(store, 2);
    CHECK(other.code() == Code::crypto);
    CHECK(other.status().message().find("not this database's key") != std::string::npos);
    CHECK(**store->get_key_check() == **stored);  // unchanged
    CHECK(open_with(store, 1).ok());
}

TEST_CASE("key check: SQLite keeps it in the file; another key is refused, changing nothing") {
    TempDb db("keycheck");
    {
        auto store = open_sqlite_store({db.str()});
        REQUIRE(store.ok());
        auto engine = open_with(*store, 1);
        REQUIRE(engine.ok());
        Agency a;
        a.name = "Court";
        REQUIRE((*engine)->create_agency(Actor{"root", 0, {}, true}, a).ok());
    }
    const auto size = std::filesystem::file_size(db.path());
    auto store = open_sqlite_store({db.str()});
    REQUIRE(store.ok());
    auto wrong = open_with(*store, 9);
    CHECK(wrong.code() == Code::crypto);
    CHECK(std::filesystem::file_size(db.path()) == size);
    auto right = open_with(*store, 1);
    REQUIRE(right.ok());
    CHECK((*right)->list_agencies(Actor{"root", 0, {}, true})->size() == 1);
}

TEST_CASE("key check: a database without one (made before the check) gets it from the first key to open it") {
    TempDb db("keycheck-upgrade");
    {
        auto store = open_sqlite_store({db.str()});
        REQUIRE(store.ok());
        REQUIRE(open_with(*store, 1).ok());
    }
    exec_sql(db.str(), "DELETE FROM sesame_meta WHERE key = 'key_check'");  // as an older Sesame left it
    {
        auto store = open_sqlite_store({db.str()});
        REQUIRE(store.ok());
        REQUIRE_FALSE(store->get()->get_key_check()->has_value());
        REQUIRE(open_with(*store, 1).ok());
        CHECK(store->get()->get_key_check()->has_value());
        CHECK(open_with(*store, 2).code() == Code::crypto);
    }
}

TEST_CASE("sqlite: a write-protected database file is refused before it is opened") {
    TempDb db("readonly");
    {
        auto store = open_sqlite_store({db.str()});
        REQUIRE(store.ok());
        REQUIRE(open_with(*store, 1).ok());
    }
    REQUIRE(::chmod(db.str().c_str(), 0444) == 0);
    auto refused = open_sqlite_store({db.str()});
    CHECK(refused.code() == Code::storage);
    CHECK(refused.status().message().find("write-protected") != std::string::npos);
    REQUIRE(::chmod(db.str().c_str(), 0644) == 0);
    CHECK(open_sqlite_store({db.str()}).ok());
}

TEST_CASE("audit: an event the store cannot keep is reported and counted; the operation keeps its outcome") {
    TempDb db("auditfail");
    auto store = open_sqlite_store({db.str()});
    REQUIRE(store.ok());
    std::vector<std::pair<std::string, Code>> reported;
    std::vector<std::string> sunk;
    auto engine = open_with(*store, 1, [&](EngineOptions& o) {
        o.audit_failure_sink = [&](const AuditEvent& e, const Status& s) { reported.emplace_back(e.action, s.code()); };
        o.audit_sink = [&](const AuditEvent& e) { sunk.push_back(e.action); };
    });
    REQUIRE(engine.ok());
    const Actor root{"root", 0, {}, true};
    exec_sql(db.str(), "CREATE TRIGGER full_disk BEFORE INSERT ON audit BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;");
    Agency a;
    a.name = "Court";
    auto created = (*engine)->create_agency(root, a);
    CHECK(created.ok());  // the operation stands
    REQUIRE(reported.size() == 1);
    CHECK(reported[0].first == "agency.create");
    CHECK(reported[0].second == Code::storage);
    CHECK(sunk.size() == 1);  // the sink still sees the event
    CHECK((*engine)->audit_failures() == 1);

    AuditEvent own;
    own.actor = "visitor";
    own.action = "staff.sign_in";
    own.outcome = "SESAME_E_PERMISSION_DENIED";
    CHECK((*engine)->record_audit(own).code() == Code::storage);
    CHECK((*engine)->audit_failures() == 2);
    CHECK(reported.size() == 2);

    exec_sql(db.str(), "DROP TRIGGER full_disk;");
    CHECK((*engine)->record_audit(own).ok());
    CHECK((*engine)->audit_failures() == 2);
}

}  // namespace
}  // namespace sesame::test
