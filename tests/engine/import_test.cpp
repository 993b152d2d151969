// Engine::import_clients: many clients of one agency, 1,000 rows per store transaction (counted),
// each row whole or not at all, refusals per row, permissions once, audited per row.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/support.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace sesame;
using namespace sesame::test;

namespace {

ClientImportRow row(std::size_t n) {
    ClientImportRow r;
    r.client.first_name = "First" + std::to_string(n);
    r.client.last_name = "Last" + std::to_string(n);
    r.client.client_reference = "REF-" + std::to_string(n);
    char phone[32];
    std::snprintf(phone, sizeof phone, "(555) %03zu-%04zu", 200 + n / 10000, n % 10000);
    r.phone = phone;
    if (n % 2 == 0) r.email = "client" + std::to_string(n) + "@example.org";
    return r;
}

}  // namespace

TEST_CASE("import: 2,500 rows in three write transactions; refused rows leave nothing, the rest are whole") {
    SqliteWorld w;
    std::vector<ClientImportRow> rows;
    for (std::size_t n = 0; n < 2500; ++n) rows.push_back(row(n));
    rows[7].phone = "12";                      // not a phone number
    rows[1500].client = Client{};              // no name and no reference
    rows[2499].email = "not an address@";      // not an email address
    rows[42].client.agency_id = w.agency.id + 99;  // ignored: the import names the agency

    const auto before_clients = w.engine->list_clients(w.root, w.agency.id)->size();
    const auto before_events = w.events->of("client.create").size();
    std::vector<std::pair<std::size_t, std::size_t>> progress;
    auto tx_before = sqlite::write_transactions(*w.store);
    REQUIRE(tx_before.ok());
    auto results = w.engine->import_clients(
        w.root, w.agency.id, rows, [&](std::size_t done, std::size_t total) { progress.emplace_back(done, total); });
    auto tx_after = sqlite::write_transactions(*w.store);
    REQUIRE(tx_after.ok());
    REQUIRE_MESSAGE(results.ok(), results.status().message());
    REQUIRE(results->size() == rows.size());

    CHECK(*tx_after - *tx_before == 3);
    CHECK(progress == std::vector<std::pair<std::size_t, std::size_t>>{{1000, 2500}, {2000, 2500}, {2500, 2500}});

    for (std::size_t refused : {std::size_t{7}, std::size_t{1500}, std::size_t{2499}}) {
        CAPTURE(refused);
        CHECK((*results)[refused].client_id == 0);
        CHECK((*results)[refused].status.code() == Code::invalid_argument);
    }
    CHECK((*results)[7].status.message().find("phone number is not valid") != std::string::npos);
    CHECK((*results)[2499].status.message().find("email address is not valid") != std::string::npos);
    std::size_t imported = 0;
    for (const auto& r : *results) imported += r.client_id != 0;
    CHECK(imported == 2497);
    CHECK(w.engine->list_clients(w.root, w.agency.id)->size() == before_clients + 2497);
    CHECK(w.events->of("client.create").size() == before_events + 2497);

    // A row is whole: the client with its normalised phone and, on even rows, its email.
    auto third = w.engine->get_client(w.root, (*results)[2].client_id);
    REQUIRE(third.ok());
    CHECK(third->first_name == "First2");
    CHECK(third->agency_id == w.agency.id);
    auto contacts = w.engine->list_contacts(w.root, third->id);
    REQUIRE(contacts.ok());
    REQUIRE(contacts->size() == 2);
    CHECK(contacts->at(0).value == "+15552000002");
    CHECK(contacts->at(1).value == "client2@example.org");
    auto moved = w.engine->get_client(w.root, (*results)[42].client_id);
    REQUIRE(moved.ok());
    CHECK(moved->agency_id == w.agency.id);

    // An imported client logs in like any other.
    auto started = w.engine->start_login(w.portal.id, "(555) 200-0002", kRequest);
    REQUIRE_MESSAGE(started.ok(), started.status().message());
}

TEST_CASE("import: permissions and the agency are checked once, before anything is written") {
    MemoryWorld w;
    const std::vector<ClientImportRow> rows{row(1), row(2)};
    const auto before = w.engine->list_clients(w.root, w.agency.id)->size();

    const Actor clients_only{"clerk", w.agency.id, {"create_clients"}, false};
    CHECK(w.engine->import_clients(clients_only, w.agency.id, rows).code() == Code::permission_denied);
    const Actor outsider{"other", w.agency.id + 100, {"create_clients", "create_contacts"}, false};
    CHECK(w.engine->import_clients(outsider, w.agency.id, rows).code() == Code::not_found);
    CHECK(w.engine->import_clients(w.root, w.agency.id, rows, {}, 0).code() == Code::invalid_argument);
    CHECK(w.engine->import_clients(w.root, w.agency.id, rows, {}, kImportBatchMax + 1).code() ==
          Code::invalid_argument);
    CHECK(w.engine->list_clients(w.root, w.agency.id)->size() == before);

    // Rows without contacts need only create_clients.
    std::vector<ClientImportRow> bare{row(3)};
    bare[0].phone.reset();
    bare[0].email.reset();
    auto done = w.engine->import_clients(clients_only, w.agency.id, bare);
    REQUIRE_MESSAGE(done.ok(), done.status().message());
    CHECK(done->at(0).client_id != 0);
    CHECK(w.engine->list_clients(w.root, w.agency.id)->size() == before + 1);

    // An empty import is fine and calls nothing.
    bool called = false;
    auto none = w.engine->import_clients(w.root, w.agency.id, {}, [&](std::size_t, std::size_t) { called = true; });
    REQUIRE(none.ok());
    CHECK(none->empty());
    CHECK_FALSE(called);
}
