// The checks of a bulk import run on worker threads (src/portal/row_checks.hpp) while the caller
// writes. Run under TSan: a row the caller reads after wait_for must have been written before it,
// every row is checked exactly once, and stopping or destroying the checks joins every worker.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include "engine/support.hpp"
#include "portal/row_checks.hpp"

using sesame::portal::RowChecks;

TEST_CASE("row checks: every row once, each ready when wait_for returns, read without a race") {
    constexpr std::size_t rows = 10'000;
    std::vector<std::size_t> slot(rows, 0);         // plain memory: TSan sees any unordered read
    std::vector<std::atomic<int>> times(rows);
    {
        RowChecks checks(rows, [&](std::size_t i) {
            slot[i] = i + 1;
            times[i].fetch_add(1);
        });
        if (std::thread::hardware_concurrency() > 1) CHECK(checks.workers() >= 2);
        CHECK(checks.workers() <= RowChecks::kMaxWorkers);
        for (std::size_t end = 1000; end <= rows; end += 1000) {
            checks.wait_for(end);
            for (std::size_t i = end - 1000; i < end; ++i) REQUIRE(slot[i] == i + 1);
        }
    }
    for (std::size_t i = 0; i < rows; ++i) REQUIRE(times[i].load() == 1);
}

TEST_CASE("row checks: one chunk or less starts no thread; the caller checks it") {
    std::vector<std::thread::id> by(RowChecks::kChunk);
    RowChecks checks(by.size(), [&](std::size_t i) { by[i] = std::this_thread::get_id(); });
    CHECK(checks.workers() == 0);
    checks.wait_for(by.size());
    for (const auto& id : by) CHECK(id == std::this_thread::get_id());
}

TEST_CASE("row checks: stopped early, the workers finish the chunks they hold and no more") {
    constexpr std::size_t rows = 100 * RowChecks::kChunk;
    std::vector<std::atomic<int>> times(rows);
    std::size_t checked = 0;
    {
        RowChecks checks(rows, [&](std::size_t i) { times[i].fetch_add(1); });
        checks.wait_for(RowChecks::kChunk);
        checks.stop();
        for (const auto& t : times) checked += static_cast<std::size_t>(t.load());
        CHECK(checked >= RowChecks::kChunk);
        CHECK(checked % RowChecks::kChunk == 0);  // whole chunks only
    }
    std::size_t after = 0;
    for (const auto& t : times) after += static_cast<std::size_t>(t.load());
    CHECK(after == checked);  // nothing ran after stop() returned
}

TEST_CASE("import: 3,000 rows with their checks on workers, under TSan") {
    sesame::test::SqliteWorld w;
    std::vector<sesame::ClientImportRow> rows;
    for (std::size_t n = 0; n < 3000; ++n) {
        sesame::ClientImportRow r;
        r.client.first_name = "F" + std::to_string(n);
        r.client.last_name = "L";
        r.phone = "+1 312 555 " + std::to_string(1000 + n % 9000);
        if (n % 10 == 0) r.phone = "12";
        rows.push_back(std::move(r));
    }
    auto results = w.engine->import_clients(w.root, w.agency.id, rows);
    REQUIRE(results.ok());
    std::size_t kept = 0, refused = 0;
    for (const auto& r : *results) {
        kept += r.client_id != 0;
        refused += r.field == "phone";
    }
    CHECK(kept == 2700);
    CHECK(refused == 300);
}
