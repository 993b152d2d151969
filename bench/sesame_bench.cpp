// sesame_bench: the engine measured through its public C++ API (include/sesame/), one JSON line per
// workload on stdout (bench/README.md), everything else on stderr.
//
// Setup is not timed: the agency (live, with an email address, or simulate), the portal with
// Client Authentication on and its throttles at their most permissive bounds, the clients with an
// email contact each, and a first pass of rounds over them (counter rows, connections and
// statements exist afterwards, as they do in a running portal). A live agency's codes reach an
// in-memory transport that keeps the code of the calling thread; a simulate agency's codes are
// read from the message feed, outside the timed part.
//
// Throttles: a contact may get a code once per resend cooldown (at least 30 s), 100 an hour and
// 1000 a day. Each thread goes round its own clients in passes; between two passes the engine's
// clock (a FakeClock that starts at the real time) moves 87 s forward, past the cooldown, and
// 100 passes then span more than an hour and 1000 more than a day, so no round is refused. Every
// client logs in from its own IP address. Within a pass the clock stands still.
//
// Counters (write transactions, fsyncs, statements) come from the counting VFS, registered as
// SQLite's default VFS before the store is opened, reset after setup and read after the timed part.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include "sesame/sesame.hpp"

#include "bench_common.h"
#include "counting_vfs.h"

namespace {

using namespace sesame;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kPassAdvanceSeconds = 87;
constexpr std::uint64_t kPoolPerThread = 200;
constexpr int kCodeDigits = 6;

[[noreturn]] void die(const std::string& message) {
    std::cerr << "sesame_bench: " << message << "\n";
    std::exit(1);
}

std::string describe(const Status& st) { return std::string(code_name(st.code())) + ": " + st.message(); }

template <class T>
T must(Result<T> r, const std::string& doing) {
    if (!r.ok()) die(doing + " failed: " + describe(r.status()));
    return std::move(*r);
}

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// The first run of exactly `digits` digits in a message: the code.
std::string find_code(const std::string& text, int digits) {
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] < '0' || text[i] > '9') {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        if (j - i == static_cast<std::size_t>(digits)) return text.substr(i, j - i);
        i = j;
    }
    return {};
}

// A live email transport without I/O: the code of the last message sent from this thread.
// deliver_immediately hands the message over on the thread that called start_login.
class CaptureTransport final : public Transport {
public:
    DeliveryResult send(const OutgoingMessage& m) override {
        last_code() = find_code(m.body, kCodeDigits);
        return {};
    }
    static std::string& last_code() {
        thread_local std::string code;
        return code;
    }
};

// ---- configuration -------------------------------------------------------------------------

enum class Kind { round, check, grow };

struct Config {
    std::string workload;
    Kind kind = Kind::round;
    bool memory = false;
    bool full = false;
    bool simulate = false;
    int threads = 1;
    std::uint64_t grow_n = 0;
    std::string grow_base;  // "grow.1e5"
    std::string only_row;   // "round" for grow.1e5.round; empty: every row
    std::uint64_t ops = 0;  // 0: run for `seconds`
    double seconds = 0;
    std::string dir;
    bool keep = false;
    bool trace = false;  // --trace: the SQL of one more round (or check) on stderr
    std::string load = "store";  // grow load path: "store", "import" or "engine" (--load)
};

const std::vector<std::string> kWorkloads = {
    "round.normal.1t", "round.normal.2t", "round.full.1t", "round.full.2t", "round.simulate.normal.1t",
    "round.memory.1t", "round.memory.2t", "check.normal.1t", "check.normal.2t", "grow.1e3", "grow.1e5", "grow.1e6"};

void usage(std::ostream& to) {
    to << "usage: sesame_bench --workload <name> [--ops N | --seconds S] [--dir DIR] [--keep] [--load store|import|engine]\n"
          "       sesame_bench --list\n"
          "  --ops N       timed operations (split over the threads); default: --seconds 3\n"
          "  --seconds S   time each timed phase for S seconds\n"
          "  --dir DIR     where the scratch database goes (default: $TMPDIR or /tmp); removed at the end\n"
          "  --keep        keep the database file\n"
          "  --load        grow.<N>: load the clients straight through the Store (insert_client +\n"
          "                insert_contact, the default: the fastest public path) or through the Engine\n"
          "                (create_client + add_contact: permission checks, validation and audit too), or\n"
          "                through Engine::import_clients (import: the same checks and audit, 1,000 rows\n"
          "                per transaction, as `sesame import clients` does)\n"
          "  --trace       after the timed part, one more round (check) with its SQL statements and write\n"
          "                locks on stderr, call by call\n"
          "  grow.<N> prints the rows load, round, check, dbsize and rss; grow.<N>.<row> only that row.\n";
}

bool parse_workload(const std::string& name, Config& c) {
    c.workload = name;
    if (name.rfind("grow.", 0) == 0) {
        const std::string rest = name.substr(5);
        const auto dot = rest.find('.');
        const std::string size = rest.substr(0, dot);
        if (size != "1e3" && size != "1e5" && size != "1e6") return false;
        if (dot != std::string::npos) {
            c.only_row = rest.substr(dot + 1);
            const std::vector<std::string> rows = {"load", "round", "check", "dbsize", "rss"};
            if (std::find(rows.begin(), rows.end(), c.only_row) == rows.end()) return false;
        }
        c.kind = Kind::grow;
        c.grow_n = bench_parse_count(size.c_str());
        c.grow_base = "grow." + size;
        return true;
    }
    if (std::find(kWorkloads.begin(), kWorkloads.end(), name) == kWorkloads.end()) return false;
    c.kind = name.rfind("check.", 0) == 0 ? Kind::check : Kind::round;
    c.memory = name.find(".memory.") != std::string::npos;
    c.full = name.find(".full.") != std::string::npos;
    c.simulate = name.find(".simulate.") != std::string::npos;
    c.threads = name.back() == 't' ? name[name.size() - 2] - '0' : 1;
    return true;
}

// ---- the world: store, engine, agency, portal, clients -------------------------------------

struct World {
    Config cfg;
    std::string path;  // SQLite file ("" for memory)
    std::shared_ptr<FakeClock> clock;
    std::shared_ptr<CaptureTransport> email = std::make_shared<CaptureTransport>();
    std::shared_ptr<Store> store;
    std::unique_ptr<Engine> engine;
    Actor root{"bench", 0, {}, true};
    Agency agency;
    Portal portal;
    std::vector<Id> client_ids;  // client i's id; its email is client<i>@example.org

    static std::string email_of(std::uint64_t i) { return "client" + std::to_string(i) + "@example.org"; }
    static std::string ip_of(std::uint64_t i) {
        return "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
               std::to_string(i & 255);
    }

    void open() {
        if (cfg.memory) {
            store = make_memory_store();
        } else {
            SqliteOptions o;
            o.path = path;
            o.synchronous_full = cfg.full;
            store = must(open_sqlite_store(o), "opening the SQLite store " + path);
        }
        clock = std::make_shared<FakeClock>(static_cast<UnixTime>(std::time(nullptr)));
        EngineOptions o;
        o.store = store;
        o.master_key = std::vector<std::uint8_t>(32, 0x5a);
        o.clock = clock;
        o.email_transport = email;
        o.deliver_immediately = true;
        engine = must(Engine::open(std::move(o)), "opening the engine");

        Agency a;
        a.name = "Bench County Court";
        a.time_zone = "America/Chicago";
        agency = must(engine->create_agency(root, a), "creating the agency");
        if (!cfg.simulate) {
            agency.environment = Environment::production;
            agency.send_mode = SendMode::live;
            agency = must(engine->update_agency(root, agency), "making the agency live");
        }
        must(engine->add_agency_email(root, agency.id, "notices@court.example", agency.name), "adding the agency email");
        Portal p;
        p.agency_id = agency.id;
        p.name = "Client Portal";
        p.slug = "bench";
        p.client_auth = ClientAuth::one_time_password;
        PortalSettings& s = p.settings;
        s.host = "portal.example.gov";
        s.code_digits = kCodeDigits;
        s.code_ttl_seconds = 1800;
        s.max_attempts = 10;
        s.contact_failure_limit = 100;
        s.resend_cooldown_seconds = 30;
        s.sends_per_hour = 100;
        s.sends_per_day = 1000;
        s.ip_starts_limit = 100000;
        s.ip_starts_window_seconds = 1;
        s.ip_verify_limit = 100000;
        s.ip_verify_window_seconds = 1;
        s.session_idle_seconds = 43200;
        s.session_absolute_seconds = 2592000;
        portal = must(engine->create_portal(root, p), "creating the portal");
    }

    // Clients [from, to), each with an email contact, through the Engine or the Store.
    void load_clients(std::uint64_t from, std::uint64_t to, const std::string& how) {
        if (client_ids.size() < to) client_ids.resize(to);
        for (std::uint64_t i = from; i < to; ++i) {
            Client c;
            c.agency_id = agency.id;
            c.first_name = "Client";
            c.last_name = "N" + std::to_string(i);
            if (how == "import") {
                // The rows of [from, to) in one call, below; nothing per row here.
                continue;
            }
            if (how == "store") {
                c.created_at = clock->now();
                const Id id = must(store->insert_client(c), "inserting a client");
                Contact k;
                k.agency_id = agency.id;
                k.client_id = id;
                k.kind = ContactKind::email;
                k.value = email_of(i);
                k.created_at = c.created_at;
                must(store->insert_contact(k), "inserting a contact");
                client_ids[i] = id;
            } else {
                const Client made = must(engine->create_client(root, c), "creating a client");
                must(engine->add_contact(root, made.id, ContactKind::email, email_of(i)), "adding a contact");
                client_ids[i] = made.id;
            }
        }
        if (how == "import") {
            std::vector<ClientImportRow> rows(to - from);
            for (std::uint64_t i = from; i < to; ++i) {
                ClientImportRow& r = rows[i - from];
                r.client.first_name = "Client";
                r.client.last_name = "N" + std::to_string(i);
                r.email = email_of(i);
            }
            const auto results = must(engine->import_clients(root, agency.id, rows), "importing the clients");
            for (std::uint64_t i = from; i < to; ++i) {
                const auto& r = results[i - from];
                if (r.client_id == 0) die("importing client " + std::to_string(i) + ": " + r.status.message());
                client_ids[i] = r.client_id;
            }
        }
    }

    void close() {
        engine.reset();
        store.reset();
    }
};

// ---- per-thread work -----------------------------------------------------------------------

struct CallCounts {
    counting_vfs_counts start{}, verify{};
    std::vector<double> start_us, verify_us;
};

struct Worker {
    World* w = nullptr;
    int index = 0;
    std::vector<std::uint64_t> order;  // the clients this thread goes round, in pass order
    std::size_t pos = 0;
    std::vector<std::string> tokens;   // sessions to check
    // results of the timed part
    std::vector<double> lat_us;
    std::uint64_t ops = 0, failed = 0;
    double excluded_us = 0;  // time inside a timed op that is not the op (simulate: reading the feed)
    counting_vfs_counts excluded{};  // and what it counted (reading the feed is audited: one write)
    bool breakdown = false;  // per-call counts (meaningful with one thread only)
    CallCounts calls;
    std::string last_error;

    // The next client; the clock moves past the cooldown when a pass is over.
    std::uint64_t next_client() {
        if (pos == order.size()) {
            pos = 0;
            w->clock->advance(kPassAdvanceSeconds);
        }
        return order[pos++];
    }

    // One login round for client i: start, the code, verify. Returns the token, or "" on failure.
    std::string round(std::uint64_t i, bool timed) {
        const RequestInfo req{World::ip_of(i), "sesame_bench"};
        const std::string email = World::email_of(i);
        CaptureTransport::last_code().clear();
        const counting_vfs_counts c0 = breakdown ? counting_vfs_read() : counting_vfs_counts{};
        const auto t0 = Clock::now();
        auto started = w->engine->start_login(w->portal.id, email, req);
        const auto t1 = Clock::now();
        const counting_vfs_counts c1 = breakdown ? counting_vfs_read() : counting_vfs_counts{};
        if (!started.ok()) {
            last_error = "start_login: " + describe(started.status());
            return {};
        }
        std::string code;
        if (w->cfg.simulate) {
            const counting_vfs_counts f0c = counting_vfs_read();
            const auto f0 = Clock::now();
            auto feed = w->engine->message_feed(w->root, w->client_ids[i], 1);
            if (feed.ok())
                for (const Message& m : *feed)
                    if (m.challenge_id == started->challenge_id) code = find_code(m.content, kCodeDigits);
            if (timed) {
                excluded_us += micros(Clock::now() - f0);
                const counting_vfs_counts d = counting_vfs_diff(f0c, counting_vfs_read());
                excluded.write_txns += d.write_txns;
                excluded.syncs += d.syncs;
                excluded.statements += d.statements;
            }
            if (!feed.ok()) {
                last_error = "message_feed: " + describe(feed.status());
                return {};
            }
        } else {
            code = CaptureTransport::last_code();
        }
        if (code.empty()) {
            last_error = "no code reached the transport or the feed";
            return {};
        }
        const counting_vfs_counts c2 = breakdown ? counting_vfs_read() : counting_vfs_counts{};
        const auto t2 = Clock::now();
        auto verified = w->engine->verify_login(w->portal.id, started->challenge_id, code, req);
        const auto t3 = Clock::now();
        if (!verified.ok()) {
            last_error = "verify_login: " + describe(verified.status());
            return {};
        }
        if (breakdown && timed) {
            const counting_vfs_counts c3 = counting_vfs_read();
            const auto add = [](counting_vfs_counts& sum, counting_vfs_counts d) {
                sum.write_txns += d.write_txns;
                sum.syncs += d.syncs;
                sum.statements += d.statements;
            };
            add(calls.start, counting_vfs_diff(c0, c1));
            add(calls.verify, counting_vfs_diff(c2, c3));
            calls.start_us.push_back(micros(t1 - t0));
            calls.verify_us.push_back(micros(t3 - t2));
        }
        return std::move(verified->token);
    }

    bool check(const std::string& token) {
        auto r = w->engine->check_session(w->portal.id, token);
        if (!r.ok()) last_error = "check_session: " + describe(r.status());
        return r.ok();
    }
};

// Runs `op` on each worker, timed, in `threads` threads (one: the calling thread, so that the
// connection its setup opened is the one it uses). `setup` runs first on the same thread, untimed;
// counters are reset once every thread's setup is done.
struct Timed {
    std::uint64_t ops = 0, failed = 0;
    double wall_s = 0, excluded_s = 0, p50 = 0, p99 = 0;
    counting_vfs_counts counts{};           // over the timed ops, without what was excluded
    counting_vfs_counts excluded_counts{};  // what the excluded parts counted
    double value() const {
        const double t = wall_s - excluded_s;
        return t > 0 ? static_cast<double>(ops) / t : 0;
    }
};

Timed run_timed(std::vector<Worker>& workers, const Config& cfg, const std::function<void(Worker&)>& setup,
                const std::function<bool(Worker&, std::uint64_t)>& op) {
    const std::size_t n = workers.size();
    const std::uint64_t each = cfg.ops ? (cfg.ops + n - 1) / n : 0;
    Clock::time_point start, deadline;
    auto body = [&](Worker& wk) {
        wk.lat_us.clear();
        wk.ops = wk.failed = 0;
        wk.excluded_us = 0;
        wk.excluded = {};
        for (std::uint64_t k = 0;; ++k) {
            if (each ? k >= each : Clock::now() >= deadline) break;
            const auto a = Clock::now();
            const double excluded_before = wk.excluded_us;
            const bool ok = op(wk, k);
            const auto b = Clock::now();
            if (ok) {
                ++wk.ops;
                wk.lat_us.push_back(micros(b - a) - (wk.excluded_us - excluded_before));
            } else {
                ++wk.failed;
                wk.excluded_us = excluded_before;  // a failed op is counted, not timed
                if (wk.failed <= 3) std::cerr << "sesame_bench: thread " << wk.index << ": " << wk.last_error << "\n";
            }
        }
    };
    auto prepare_go = [&] {
        counting_vfs_reset();
        start = Clock::now();
        deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(cfg.seconds));
    };
    if (n == 1) {
        setup(workers[0]);
        prepare_go();
        body(workers[0]);
    } else {
        std::barrier sync(static_cast<std::ptrdiff_t>(n + 1));
        // Setups one thread at a time: they are not measured, and two first passes racing for the
        // write lock at synchronous=FULL can wait longer than the busy timeout.
        std::mutex setup_one_at_a_time;
        std::vector<std::thread> threads;
        for (auto& wk : workers)
            threads.emplace_back([&, wkp = &wk] {
                {
                    std::lock_guard lock(setup_one_at_a_time);
                    setup(*wkp);
                }
                sync.arrive_and_wait();  // every setup done
                sync.arrive_and_wait();  // counters reset, clock started
                body(*wkp);
            });
        sync.arrive_and_wait();
        prepare_go();
        sync.arrive_and_wait();
        for (auto& t : threads) t.join();
    }
    Timed r;
    r.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    r.counts = counting_vfs_read();
    std::vector<double> all;
    for (auto& wk : workers) {
        r.counts.write_txns -= wk.excluded.write_txns;
        r.counts.syncs -= wk.excluded.syncs;
        r.counts.statements -= wk.excluded.statements;
        r.excluded_counts.write_txns += wk.excluded.write_txns;
        r.excluded_counts.syncs += wk.excluded.syncs;
        r.excluded_counts.statements += wk.excluded.statements;
        r.ops += wk.ops;
        r.failed += wk.failed;
        all.insert(all.end(), wk.lat_us.begin(), wk.lat_us.end());
        r.excluded_s += wk.excluded_us / 1e6;
    }
    // With several threads the excluded time overlaps; only single-thread runs exclude any.
    if (n > 1) r.excluded_s = 0;
    bench_percentiles(all.data(), all.size(), &r.p50, &r.p99);
    return r;
}

// ---- output ----------------------------------------------------------------------------------

int g_status = 0;

bool wanted(const Config& c, const std::string& workload) {
    return c.only_row.empty() || workload == c.grow_base + "." + c.only_row;
}

void print_timed(const Config& c, const std::string& workload, const char* unit, const Timed& r, int threads) {
    bench_row row{};
    row.impl = "sesame";
    row.workload = workload.c_str();
    row.unit = unit;
    row.value = r.value();
    row.ops = r.ops;
    row.failed = r.failed;
    row.has_latency = 1;
    row.p50_us = r.p50;
    row.p99_us = r.p99;
    row.has_counts = !c.memory && r.ops > 0;
    if (r.ops > 0) {
        row.write_txn_per_op = static_cast<double>(r.counts.write_txns) / static_cast<double>(r.ops);
        row.fsync_per_op = static_cast<double>(r.counts.syncs) / static_cast<double>(r.ops);
    }
    row.journal_mode = c.memory ? nullptr : "wal";
    row.synchronous = c.memory ? nullptr : (c.full ? "full" : "normal");
    row.threads = threads;
    if (wanted(c, workload)) bench_print_row(&row);
    char line[256];
    std::snprintf(line, sizeof line, "sesame %s: %llu ops in %.3f s", workload.c_str(),
                  static_cast<unsigned long long>(r.ops), r.wall_s - r.excluded_s);
    std::cerr << line;
    if (!c.memory && r.ops > 0) {
        std::snprintf(line, sizeof line, ", per op: %.2f write txns, %.2f fsyncs, %.2f statements",
                      static_cast<double>(r.counts.write_txns) / static_cast<double>(r.ops),
                      static_cast<double>(r.counts.syncs) / static_cast<double>(r.ops),
                      static_cast<double>(r.counts.statements) / static_cast<double>(r.ops));
        std::cerr << line;
    }
    if (r.excluded_s > 0 && r.ops > 0) {
        std::snprintf(line, sizeof line,
                      "; left out (reading the code from the feed): %.3f s, per op %.2f write txns, %.2f fsyncs, "
                      "%.2f statements",
                      r.excluded_s, static_cast<double>(r.excluded_counts.write_txns) / static_cast<double>(r.ops),
                      static_cast<double>(r.excluded_counts.syncs) / static_cast<double>(r.ops),
                      static_cast<double>(r.excluded_counts.statements) / static_cast<double>(r.ops));
        std::cerr << line;
    }
    std::cerr << "\n";
    if (r.ops == 0 || r.failed > 3 + r.ops / 100) {
        std::cerr << "sesame_bench: " << workload << ": " << r.failed << " of " << (r.ops + r.failed)
                  << " operations failed: the figures above do not measure the work\n";
        g_status = 1;
    }
}

void print_breakdown(const Config& c, const std::string& workload, const std::vector<Worker>& workers) {
    if (c.memory || workers.size() != 1) return;
    const Worker& wk = workers[0];
    const double n = static_cast<double>(wk.calls.start_us.size());
    if (n == 0) return;
    auto pct = [](std::vector<double> v) {
        double p50 = 0, p99 = 0;
        bench_percentiles(v.data(), v.size(), &p50, &p99);
        return p50;
    };
    char line[512];
    std::snprintf(line, sizeof line,
                  "sesame %s per call: start_login: %.2f write txns, %.2f fsyncs, %.2f statements, p50 %.1f us; "
                  "verify_login: %.2f write txns, %.2f fsyncs, %.2f statements, p50 %.1f us\n",
                  workload.c_str(), static_cast<double>(wk.calls.start.write_txns) / n,
                  static_cast<double>(wk.calls.start.syncs) / n, static_cast<double>(wk.calls.start.statements) / n,
                  pct(wk.calls.start_us), static_cast<double>(wk.calls.verify.write_txns) / n,
                  static_cast<double>(wk.calls.verify.syncs) / n, static_cast<double>(wk.calls.verify.statements) / n,
                  pct(wk.calls.verify_us));
    std::cerr << line;
}

void print_bytes(const Config& c, const std::string& workload, std::int64_t bytes) {
    bench_row row{};
    row.impl = "sesame";
    row.workload = workload.c_str();
    row.unit = "bytes";
    row.value = static_cast<double>(bytes);
    row.journal_mode = "wal";
    row.synchronous = "normal";
    row.threads = 1;
    if (wanted(c, workload)) bench_print_row(&row);
}

// The size of the database file once its WAL is copied into it (PRAGMA wal_checkpoint(TRUNCATE)
// through a connection of our own, while the store is idle), plus what is left in the WAL.
std::int64_t checkpointed_size(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        die("cannot open " + path + " to measure it");
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* st = nullptr;
    bool done = sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st, nullptr) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (!done) die("the checkpoint before measuring " + path + " did not complete");
    const std::int64_t main = bench_file_size(path.c_str()), wal = bench_file_size((path + "-wal").c_str());
    if (main < 0 || wal < 0) die("cannot read the size of " + path);
    return main + wal;
}

// The journal mode the file was left in, read through a connection of our own.
std::string journal_mode_of(const std::string& path) {
    sqlite3* db = nullptr;
    std::string mode;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            mode = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return mode;
}

// ---- workloads -------------------------------------------------------------------------------

// One more round (or check) with every statement and write lock on stderr, call by call.
void trace_one(Worker& wk, bool check) {
    if (check) {
        std::cerr << "-- check_session:\n";
        counting_vfs_log(1, stderr);
        const bool ok = wk.check(wk.tokens.front());
        counting_vfs_log(0, nullptr);
        if (!ok) die("the traced check failed: " + wk.last_error);
        return;
    }
    const std::uint64_t i = wk.next_client();
    const RequestInfo req{World::ip_of(i), "sesame_bench"};
    std::cerr << "-- start_login:\n";
    counting_vfs_log(1, stderr);
    auto started = wk.w->engine->start_login(wk.w->portal.id, World::email_of(i), req);
    counting_vfs_log(0, nullptr);
    if (!started.ok()) die("the traced start_login failed: " + describe(started.status()));
    std::string code = CaptureTransport::last_code();
    if (wk.w->cfg.simulate) {
        auto feed = wk.w->engine->message_feed(wk.w->root, wk.w->client_ids[i], 1);
        if (feed.ok() && !feed->empty()) code = find_code(feed->front().content, kCodeDigits);
    }
    std::cerr << "-- verify_login:\n";
    counting_vfs_log(1, stderr);
    auto verified = wk.w->engine->verify_login(wk.w->portal.id, started->challenge_id, code, req);
    counting_vfs_log(0, nullptr);
    if (!verified.ok()) die("the traced verify_login failed: " + describe(verified.status()));
}

void run_round_or_check(World& world) {
    const Config& c = world.cfg;
    const std::uint64_t pool = c.ops ? std::min<std::uint64_t>(kPoolPerThread, std::max<std::uint64_t>(1, c.ops / c.threads))
                                     : kPoolPerThread;
    std::vector<Worker> workers(static_cast<std::size_t>(c.threads));
    for (int t = 0; t < c.threads; ++t) {
        Worker& wk = workers[static_cast<std::size_t>(t)];
        wk.w = &world;
        wk.index = t;
        for (std::uint64_t k = 0; k < pool; ++k) wk.order.push_back(static_cast<std::uint64_t>(t) * pool + k);
        wk.breakdown = c.threads == 1 && c.kind == Kind::round;
    }
    world.load_clients(0, pool * static_cast<std::uint64_t>(c.threads), "engine");

    // The first pass, on the worker's own thread: one round per client (its sessions are the ones
    // a check workload checks). Rounds start a new pass (the clock moves) when the timer starts.
    auto setup = [&](Worker& wk) {
        for (std::size_t k = 0; k < wk.order.size(); ++k) {
            std::string token = wk.round(wk.next_client(), false);
            if (token.empty()) die("a first-pass round failed (setup, not timed): " + wk.last_error);
            wk.tokens.push_back(std::move(token));
        }
    };
    Timed r;
    if (c.kind == Kind::round) {
        r = run_timed(workers, c, setup, [](Worker& wk, std::uint64_t) { return !wk.round(wk.next_client(), true).empty(); });
    } else {
        r = run_timed(workers, c, setup,
                      [](Worker& wk, std::uint64_t k) { return wk.check(wk.tokens[k % wk.tokens.size()]); });
    }
    print_timed(c, c.workload, "ops/s", r, c.threads);
    print_breakdown(c, c.workload, workers);
    if (c.trace) trace_one(workers[0], c.kind == Kind::check);
}

void run_grow(World& world) {
    const Config& c = world.cfg;
    const std::uint64_t n = c.grow_n;
    std::vector<Worker> workers(1);
    Worker& wk = workers[0];
    wk.w = &world;
    wk.breakdown = true;

    counting_vfs_reset();
    const auto t0 = Clock::now();
    world.load_clients(0, n, c.load);
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    const counting_vfs_counts lc = counting_vfs_read();
    {
        const std::string name = c.grow_base + ".load";
        bench_row row{};
        row.impl = "sesame";
        row.workload = name.c_str();
        row.unit = "clients/s";
        row.value = dt > 0 ? static_cast<double>(n) / dt : 0;
        row.ops = n;
        row.has_counts = 1;
        row.write_txn_per_op = static_cast<double>(lc.write_txns) / static_cast<double>(n);
        row.fsync_per_op = static_cast<double>(lc.syncs) / static_cast<double>(n);
        row.journal_mode = "wal";
        row.synchronous = "normal";
        row.threads = 1;
        if (wanted(c, name)) bench_print_row(&row);
        char line[256];
        std::snprintf(line, sizeof line,
                      "sesame %s: %llu clients in %.3f s through the %s (%s), per client: %.2f write txns, "
                      "%.2f statements\n",
                      name.c_str(), static_cast<unsigned long long>(n), dt, c.load == "store" ? "Store" : "Engine",
                      c.load == "store"    ? "insert_client + insert_contact"
                      : c.load == "import" ? "import_clients"
                                           : "create_client + add_contact",
                      static_cast<double>(lc.write_txns) / static_cast<double>(n),
                      static_cast<double>(lc.statements) / static_cast<double>(n));
        std::cerr << line;
    }
    // The size of N clients, before any round adds challenges, messages and sessions.
    const std::int64_t dbsize = checkpointed_size(world.path);

    // Rounds for clients in a random order, each at most once a pass.
    wk.order.resize(n);
    std::iota(wk.order.begin(), wk.order.end(), std::uint64_t{0});
    std::mt19937_64 rng(12345);
    std::shuffle(wk.order.begin(), wk.order.end(), rng);
    const std::uint64_t warm = std::min<std::uint64_t>(n, kPoolPerThread);
    for (std::uint64_t k = 0; k < warm; ++k)
        if (wk.round(wk.next_client(), false).empty()) die("a first-pass round failed (setup, not timed): " + wk.last_error);
    wk.pos = wk.order.size();  // the timed rounds start a new pass
    Timed r = run_timed(workers, c, [](Worker&) {},
                        [](Worker& w, std::uint64_t) { return !w.round(w.next_client(), true).empty(); });
    print_timed(c, c.grow_base + ".round", "ops/s", r, 1);
    print_breakdown(c, c.grow_base + ".round", workers);

    // Checks of fresh sessions: a new pass, sessions made at this clock time, checked without
    // moving the clock (a session is touched at most once a minute).
    wk.pos = wk.order.size();
    wk.tokens.clear();
    for (std::uint64_t k = 0; k < warm; ++k) {
        std::string token = wk.round(wk.next_client(), false);
        if (token.empty()) die("a round for the check sessions failed: " + wk.last_error);
        wk.tokens.push_back(std::move(token));
    }
    r = run_timed(workers, c, [](Worker&) {},
                  [](Worker& w, std::uint64_t k) { return w.check(w.tokens[k % w.tokens.size()]); });
    print_timed(c, c.grow_base + ".check", "ops/s", r, 1);

    const std::int64_t rss = bench_rss_bytes();
    if (rss < 0) die("cannot read the process RSS from /proc/self/status");
    world.close();
    // Opening the grown file again, as a restarted host would: the store and the engine (key
    // check), the median of 5, on stderr (the storage issue's bound: under 50 ms at 10^6 clients).
    if (!c.memory) {
        std::vector<double> open_ms;
        for (int k = 0; k < 5; ++k) {
            const auto o0 = Clock::now();
            SqliteOptions so;
            so.path = world.path;
            auto reopened = must(open_sqlite_store(so), "reopening " + world.path);
            EngineOptions eo;
            eo.store = reopened;
            eo.master_key = std::vector<std::uint8_t>(32, 0x5a);
            auto engine = must(Engine::open(std::move(eo)), "reopening the engine");
            open_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - o0).count());
        }
        std::sort(open_ms.begin(), open_ms.end());
        std::fprintf(stderr, "sesame %s.open: store and engine opened on %llu clients in %.2f ms (median of 5)\n",
                     c.grow_base.c_str(), static_cast<unsigned long long>(n), open_ms[2]);
    }
    print_bytes(c, c.grow_base + ".dbsize", dbsize);
    print_bytes(c, c.grow_base + ".rss", rss);
}

}  // namespace

int main(int argc, char** argv) {
    Config c;
    const char* tmp = std::getenv("TMPDIR");
    c.dir = tmp && *tmp ? tmp : "/tmp";
    std::string workload;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--list") {
            for (const auto& w : kWorkloads) std::cout << w << "\n";
            return 0;
        } else if (a == "--help" || a == "-h") {
            usage(std::cout);
            return 0;
        } else if (a == "--keep") {
            c.keep = true;
        } else if (a == "--trace") {
            c.trace = true;
        } else if (a == "--workload" && has_value) {
            workload = argv[++i];
        } else if (a == "--ops" && has_value) {
            c.ops = bench_parse_count(argv[++i]);
            if (c.ops == 0) die(std::string("--ops takes a positive count (e.g. 2000 or 1e4), not ") + argv[i]);
        } else if (a == "--seconds" && has_value) {
            char* end = nullptr;
            c.seconds = std::strtod(argv[++i], &end);
            if (*end || !(c.seconds > 0) || c.seconds > 86400)
                die(std::string("--seconds takes a positive number of seconds, not ") + argv[i]);
        } else if (a == "--dir" && has_value) {
            c.dir = argv[++i];
            if (c.dir.empty()) die("--dir names a directory: give . for the current one");
        } else if (a == "--load" && has_value) {
            c.load = argv[++i];
            if (c.load != "engine" && c.load != "store" && c.load != "import")
                die("--load is store, import or engine, not " + c.load);
        } else {
            usage(std::cerr);
            die("unknown or incomplete argument: " + a);
        }
    }
    if (workload.empty()) {
        usage(std::cerr);
        die("--workload is required (--list names them)");
    }
    if (!parse_workload(workload, c)) die("unknown workload " + workload + " (--list names them)");
    if (c.ops && c.seconds > 0) die("give --ops or --seconds, not both");
    if (c.trace && (c.threads != 1 || c.memory || c.kind == Kind::grow))
        die("--trace traces a one-thread round or check on SQLite (round.normal.1t, round.full.1t, "
            "round.simulate.normal.1t, check.normal.1t)");
    if (!c.ops && !(c.seconds > 0)) c.seconds = 3;

    if (counting_vfs_register() != SQLITE_OK) die("cannot register the counting VFS");

    World world;
    world.cfg = c;
    if (!c.memory) {
        world.path = c.dir + "/sesame-bench-" + std::to_string(getpid()) + ".db";
        if (bench_file_size(world.path.c_str()) != 0) die("the scratch database " + world.path + " already exists");
    }
    std::cerr << "sesame: SQLite " << sqlite3_libversion() << ", store "
              << (c.memory ? std::string("memory") : "sqlite, journal_mode=wal, synchronous=" +
                                                         std::string(c.full ? "full" : "normal") + ", " + world.path)
              << ", agency " << (c.simulate ? "simulate" : "live") << "\n";
    world.open();
    if (c.kind == Kind::grow) {
        run_grow(world);
    } else {
        run_round_or_check(world);
        world.close();
    }
    if (!c.memory) {
        const std::string mode = journal_mode_of(world.path);
        if (mode != "wal") {
            std::cerr << "sesame_bench: the store left " << world.path << " in journal_mode '" << mode
                      << "', not wal: the rows above are labelled wrong\n";
            g_status = 1;
        }
        if (!c.keep)
            for (const char* suffix : {"", "-wal", "-shm"}) std::remove((world.path + suffix).c_str());
    }
    return g_status;
}
