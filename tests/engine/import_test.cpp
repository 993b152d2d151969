// Engine::import_clients: many clients of one agency, 1,000 rows per store transaction (counted),
// each row whole or not at all, refusals per row naming the field, permissions once, one audit
// event per row kept, checks on worker threads, and a store that fails half-way.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "store/exec_sql.hpp"
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
    const auto before_contact_events = w.events->of("contact.add").size();
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
    // The field to blame is named, and the message is the check's own.
    CHECK((*results)[7].field == "phone");
    CHECK((*results)[7].status.message().find("phone number is too short") != std::string::npos);
    CHECK((*results)[1500].field == "");
    CHECK((*results)[1500].status.message().find("a client needs a first_name") != std::string::npos);
    CHECK((*results)[2499].field == "email");
    CHECK((*results)[2499].status.message().find("email address") != std::string::npos);
    for (const auto& r : *results)
        if (r.client_id != 0) CHECK(r.field.empty());
    std::size_t imported = 0;
    for (const auto& r : *results) imported += r.client_id != 0;
    CHECK(imported == 2497);
    CHECK(w.engine->list_clients(w.root, w.agency.id)->size() == before_clients + 2497);
    // One audit event per row kept, naming the fields set and each contact, masked; the import
    // adds no contact.add events of its own.
    const auto created = w.events->of("client.create");
    REQUIRE(created.size() == before_events + 2497);
    CHECK(w.events->of("contact.add").size() == before_contact_events);
    const AuditEvent& second = created[before_events + 2];
    CHECK(second.target == "client:" + std::to_string((*results)[2].client_id));
    CHECK(second.detail.find("client_reference, first_name, last_name, contact:") != std::string::npos);
    CHECK(second.detail.find(" phone ") != std::string::npos);
    CHECK(second.detail.find(" email ") != std::string::npos);
    CHECK(second.detail.find("+15552000002") == std::string::npos);  // masked, never whole
    CHECK(second.detail.find("client2@example.org") == std::string::npos);
    CHECK(second.detail.find("First2") == std::string::npos);          // field names only

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

TEST_CASE("import: checks run on worker threads in row order, and a row's checks see only that row") {
    // 5,000 rows, one in seven refused for a reason of its own: the result of every row is its
    // own, whatever thread checked it.
    SqliteWorld w;
    std::vector<ClientImportRow> rows;
    for (std::size_t n = 0; n < 5000; ++n) {
        rows.push_back(row(n));
        if (n % 7 == 3) rows.back().phone = "+1 555 0" + std::to_string(n % 10);  // too short
        if (n % 7 == 5) rows.back().client.dob = "1980-02-30";
    }
    auto results = w.engine->import_clients(w.root, w.agency.id, rows);
    REQUIRE_MESSAGE(results.ok(), results.status().message());
    REQUIRE(results->size() == rows.size());
    for (std::size_t n = 0; n < rows.size(); ++n) {
        CAPTURE(n);
        const auto& r = (*results)[n];
        if (n % 7 == 3) {
            CHECK(r.client_id == 0);
            CHECK(r.field == "phone");
        } else if (n % 7 == 5) {
            CHECK(r.client_id == 0);
            CHECK(r.field == "dob");
        } else {
            REQUIRE(r.client_id != 0);
            auto c = w.engine->get_client(w.root, r.client_id);
            REQUIRE(c.ok());
            CHECK(c->client_reference == "REF-" + std::to_string(n));
        }
    }
    // Ids follow the rows: the writes are in row order.
    Id last = 0;
    for (const auto& r : *results)
        if (r.client_id != 0) {
            CHECK(r.client_id > last);
            last = r.client_id;
        }
}

TEST_CASE("import: a store that stops taking rows ends the import; every row after says why") {
    SqliteWorld w;
    const auto before = w.engine->list_clients(w.root, w.agency.id)->size();
    // From the 1,200th client on, the database refuses every client, as a full disk would.
    exec_sql(w.database().str(), "CREATE TRIGGER full BEFORE INSERT ON clients WHEN (SELECT count(*) FROM clients) >= " +
                                 std::to_string(before + 1200) +
                                 " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");
    std::vector<ClientImportRow> rows;
    for (std::size_t n = 0; n < 4000; ++n) rows.push_back(row(n));
    rows[3500].phone = "12";  // refused by its own check: it keeps that reason
    std::vector<std::size_t> progress;
    auto results = w.engine->import_clients(w.root, w.agency.id, rows,
                                            [&](std::size_t done, std::size_t) { progress.push_back(done); });
    REQUIRE_MESSAGE(results.ok(), results.status().message());
    REQUIRE(results->size() == rows.size());

    // Batch 1 whole; batch 2 rolled back and tried row by row: 200 more kept; batch 3 tried row
    // by row, none kept: the import ends, and batch 4 is never tried.
    CHECK(progress == std::vector<std::size_t>{1000, 2000});
    std::size_t kept = 0;
    for (std::size_t n = 0; n < rows.size(); ++n) {
        CAPTURE(n);
        const auto& r = (*results)[n];
        if (n < 1200) {
            CHECK(r.client_id != 0);
            kept += r.client_id != 0;
            continue;
        }
        CHECK(r.client_id == 0);
        CHECK_FALSE(r.status.ok());  // no row is left without a reason
        if (n == 3500) {
            CHECK(r.field == "phone");
        } else {
            CHECK(r.status.message().find("database or disk is full") != std::string::npos);
        }
    }
    CHECK(kept == 1200);
    CHECK(w.engine->list_clients(w.root, w.agency.id)->size() == before + 1200);
}
