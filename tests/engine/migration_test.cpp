// A database made by an earlier release opens, migrates forward and logs in: tests/fixtures/v6-demo.db
// is the demo database as the `sesame` command of commit e361b0c (schema version 6) left it, with
// one session opened in it (tests/fixtures/make-v6-demo.sh made it). The test works on a copy.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include <nlohmann/json.hpp>

#include "sesame/store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support.hpp"

namespace sesame::test {
namespace {

std::filesystem::path fixture(const char* name) { return std::filesystem::path(SESAME_FIXTURES_DIR) / name; }

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read ", p.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("migration: the version 6 demo database of e361b0c opens at the current version and logs in") {
    const auto facts = nlohmann::json::parse(read_all(fixture("v6-demo.json")));
    REQUIRE(facts.at("schema_version") == 6);
    const std::string original = read_all(fixture("v6-demo.db"));

    TempDb db("v6-demo");
    std::filesystem::copy_file(fixture("v6-demo.db"), db.path());
    const std::string key_file = db.str() + ".key";
    std::filesystem::copy_file(fixture("v6-demo.db.key"), key_file);
    std::filesystem::permissions(key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);

    auto clock = std::make_shared<FakeClock>(facts.at("verified_at").get<std::int64_t>() + 60);
    auto store = open_sqlite_store({db.str()});
    REQUIRE_MESSAGE(store.ok(), store.status().message());
    CHECK(*sqlite::read_pragma(**store, "user_version") == std::to_string(sqlite_schema_version()));
    CHECK(sqlite_schema_version() > 6);

    EngineOptions o;
    o.store = *store;
    o.key_file = key_file;
    o.clock = clock;
    auto opened = Engine::open(std::move(o));
    REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    Engine& engine = **opened;
    auto portal = engine.find_portal("demo");
    REQUIRE(portal.ok());

    // The session opened by the old build is still the client's.
    const Id ann = facts.at("client_id").get<Id>();
    auto session = engine.check_session(portal->id, facts.at("token").get<std::string>());
    REQUIRE_MESSAGE(session.ok(), session.status().message());
    CHECK(session->client_id == std::optional<Id>(ann));

    // The sidebar rows from before step 7 read with no titles per language, and take them now.
    const Actor admin{"migration-test", 0, {}, true};
    auto items = engine.list_sidebar_items(admin, portal->id);
    REQUIRE(items.ok());
    REQUIRE_FALSE(items->empty());
    for (const auto& item : *items) CHECK(item.titles.empty());
    SidebarItem item = items->front();
    item.titles = {{"es", "Prueba"}};
    REQUIRE(engine.update_sidebar_item(admin, item).ok());
    CHECK(engine.get_sidebar_item(admin, item.id)->titles == Titles{{"es", "Prueba"}});

    // Rows from before step 8 read at revision 1, and updates compare and set on it.
    auto client = engine.get_client(admin, ann);
    REQUIRE(client.ok());
    CHECK(client->revision == 1);
    CHECK(portal->revision == 1);
    CHECK(item.revision == 1);
    CHECK(engine.get_sidebar_item(admin, item.id)->revision == 2);
    CHECK(engine.update_sidebar_item(admin, item).code() == Code::conflict);  // still names revision 1
    Client renamed = *client;
    renamed.middle_name = "M";
    auto saved = engine.update_client(admin, renamed);
    REQUIRE(saved.ok());
    CHECK(saved->revision == 2);

    // A new login round on the migrated file, past the old code's resend wait.
    clock->advance(3600);
    const RequestInfo request{.ip = "203.0.113.9", .user_agent = "migration-test"};
    auto started = engine.start_login(portal->id, "ann@example.org", request);
    REQUIRE_MESSAGE(started.ok(), started.status().message());
    auto feed = engine.message_feed(admin, ann, 1);
    REQUIRE(feed.ok());
    REQUIRE(feed->size() == 1);
    std::smatch digits;
    REQUIRE(std::regex_search(feed->front().content, digits, std::regex("[0-9]{6}")));
    auto login = engine.verify_login(portal->id, started->challenge_id, digits.str(), request);
    REQUIRE_MESSAGE(login.ok(), login.status().message());
    CHECK(login->client_id == std::optional<Id>(ann));
    CHECK(engine.check_session(portal->id, login->token).ok());

    // The checked-in fixture itself is untouched.
    CHECK(read_all(fixture("v6-demo.db")) == original);
}

}  // namespace sesame::test
