/* sesame_floor: the least SQL a correct login round needs, through the SQLite C API with prepared
 * statements and the pragmas of Sesame's store (WAL, synchronous NORMAL or FULL, foreign keys,
 * secure delete, busy timeout). Sesame's engine overhead is its time divided by this one's.
 *
 *   start  = BEGIN IMMEDIATE; SELECT the contact by value (indexed); INSERT the challenge (random
 *            id, 32-byte MAC of the code, expiry, attempts 0); INSERT its message row; COMMIT.
 *   verify = BEGIN IMMEDIATE; one UPDATE that counts the attempt and consumes the challenge when
 *            the MAC matches (WHERE not consumed AND attempts < cap AND not expired, RETURNING);
 *            INSERT the session (32-byte token hash); COMMIT.
 *   check  = one indexed SELECT of the session by token hash.
 *
 * The floor does no cryptography: its MAC and token hash are a fast non-cryptographic digest, so
 * Sesame's time over the floor's includes Sesame's keyed hashing. Usage: see usage() or
 * bench/README.md. Results: JSON lines on stdout (bench/README.md); everything else on stderr. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "counting_vfs.h"

enum { kMaxThreads = 2, kCodeDigits = 6, kMaxAttempts = 5, kTtlSeconds = 600, kSessionSeconds = 43200 };
enum { kLoadBatch = 10000 };

/* ---- small helpers ------------------------------------------------------------------------ */

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t unix_now(void) { return (int64_t)time(NULL); }

static void die(const char* what, const char* detail) {
    fprintf(stderr, "sesame_floor: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void* xmalloc(size_t n) {
    void* p = malloc(n ? n : 1);
    if (!p) die("out of memory", NULL);
    return p;
}

/* A fast 32-byte digest (not cryptographic: see the top of the file). */
static void digest32(const uint8_t* a, size_t na, const uint8_t* b, size_t nb, uint8_t out[32]) {
    uint64_t h[4] = {0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL, 0x2545f4914f6cdd1dULL};
    for (int lane = 0; lane < 4; ++lane) {
        uint64_t x = h[lane];
        for (size_t i = 0; i < na; ++i) x = (x ^ a[i]) * 0x100000001b3ULL;
        for (size_t i = 0; i < nb; ++i) x = (x ^ b[i]) * 0x100000001b3ULL;
        x ^= x >> 31;
        x *= 0xd6e8feb86659fd93ULL;
        x ^= x >> 32;
        memcpy(out + 8 * lane, &x, 8);
    }
}

static const uint8_t kMacKey[16] = {7, 1, 4, 2, 8, 5, 7, 1, 4, 2, 8, 5, 7, 1, 4, 2};

static void code_mac(const uint8_t id[16], const char* code, uint8_t mac[32]) {
    uint8_t msg[16 + 16 + kCodeDigits];
    memcpy(msg, kMacKey, 16);
    memcpy(msg + 16, id, 16);
    memcpy(msg + 32, code, kCodeDigits);
    digest32(msg, sizeof msg, NULL, 0, mac);
}

static void client_email(uint64_t i, char* out, size_t n) { snprintf(out, n, "client%llu@example.org", (unsigned long long)i); }

/* ---- the database ------------------------------------------------------------------------- */

static const char* kSchema =
    "CREATE TABLE IF NOT EXISTS clients (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS contacts (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES clients (id),"
    " value TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS contacts_value ON contacts (value);"
    "CREATE TABLE IF NOT EXISTS challenges (id BLOB PRIMARY KEY, client_id INTEGER NOT NULL, mac BLOB NOT NULL,"
    " expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL, consumed_at INTEGER);"
    "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, challenge_id BLOB NOT NULL, recipient TEXT NOT NULL,"
    " body TEXT NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions (id INTEGER PRIMARY KEY, token_hash BLOB NOT NULL UNIQUE,"
    " client_id INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER);";

typedef struct config {
    const char* workload; /* as given */
    const char* only_row; /* grow.<N>.<row>: print only that row; NULL: all */
    int kind;             /* 'r' round, 'c' check, 'g' grow */
    int full;             /* synchronous = FULL */
    int threads;
    uint64_t grow_n;
    char grow_base[48]; /* "grow.1e5" */
    uint64_t ops;   /* 0: run for `seconds` */
    double seconds;
    char path[4096];
} config;

static void exec_or_die(sqlite3* db, const char* sql) {
    char* err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sesame_floor: %s: %s\n", sql, err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        exit(1);
    }
}

static sqlite3* open_db(const config* c) {
    sqlite3* db = NULL;
    const int rc = sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "sesame_floor: cannot open %s: %s: check that --dir exists and is writable\n", c->path,
                db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        exit(1);
    }
    sqlite3_busy_timeout(db, 5000);
    exec_or_die(db, "PRAGMA journal_mode = WAL");
    exec_or_die(db, c->full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    exec_or_die(db, "PRAGMA foreign_keys = ON");
    exec_or_die(db, "PRAGMA secure_delete = ON");
    return db;
}

/* One thread's connection and statements. */
typedef struct worker {
    const config* cfg;
    int index;
    sqlite3* db;
    sqlite3_stmt *begin, *commit, *rollback, *find_contact, *insert_challenge, *insert_message, *attempt,
        *insert_session, *check, *insert_client, *insert_contact;
    /* clients [first, first + count) are this thread's for rounds */
    uint64_t first, count;
    /* tokens of sessions this thread made (32 bytes each) */
    uint8_t* tokens;
    size_t ntokens, captokens;
    /* timed results */
    double* lat_us;
    size_t nlat, caplat;
    uint64_t ops, failed;
    double elapsed;
    uint32_t rng;
} worker;

static sqlite3_stmt* prepare(worker* w, const char* sql) {
    sqlite3_stmt* st = NULL;
    if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sesame_floor: preparing %s: %s\n", sql, sqlite3_errmsg(w->db));
        exit(1);
    }
    return st;
}

static void worker_open(worker* w) {
    w->db = open_db(w->cfg);
    w->begin = prepare(w, "BEGIN IMMEDIATE");
    w->commit = prepare(w, "COMMIT");
    w->rollback = prepare(w, "ROLLBACK");
    w->find_contact = prepare(w, "SELECT client_id FROM contacts WHERE value = ?1");
    w->insert_challenge = prepare(w,
        "INSERT INTO challenges (id, client_id, mac, expires_at, attempts) VALUES (?1, ?2, ?3, ?4, 0)");
    w->insert_message = prepare(w,
        "INSERT INTO messages (challenge_id, recipient, body, created_at) VALUES (?1, ?2, ?3, ?4)");
    w->attempt = prepare(w,
        "UPDATE challenges SET attempts = attempts + 1, consumed_at = CASE WHEN mac = ?2 THEN ?3 END"
        " WHERE id = ?1 AND consumed_at IS NULL AND attempts < ?4 AND expires_at > ?3"
        " RETURNING consumed_at IS NOT NULL, client_id");
    w->insert_session = prepare(w, "INSERT INTO sessions (token_hash, client_id, expires_at) VALUES (?1, ?2, ?3)");
    w->check = prepare(w,
        "SELECT client_id FROM sessions WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2");
    w->insert_client = prepare(w, "INSERT INTO clients (first_name, last_name) VALUES (?1, ?2)");
    w->insert_contact = prepare(w, "INSERT INTO contacts (client_id, value) VALUES (?1, ?2)");
}

static void worker_close(worker* w) {
    sqlite3_stmt* all[] = {w->begin, w->commit, w->rollback, w->find_contact, w->insert_challenge, w->insert_message,
                           w->attempt, w->insert_session, w->check, w->insert_client, w->insert_contact};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) sqlite3_finalize(all[i]);
    if (sqlite3_close(w->db) != SQLITE_OK) die("closing the database", sqlite3_errmsg(w->db));
    w->db = NULL;
}

/* Runs a statement that yields no row (or whose rows are ignored) and resets it. */
static int run(sqlite3_stmt* st) {
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void report_error(worker* w, const char* doing) {
    fprintf(stderr, "sesame_floor: thread %d: %s: %s\n", w->index, doing, sqlite3_errmsg(w->db));
}

static void rollback(worker* w) {
    if (!sqlite3_get_autocommit(w->db)) run(w->rollback);
}

static int commit(worker* w) {
    if (run(w->commit) != SQLITE_OK) {
        report_error(w, "COMMIT");
        rollback(w);
        return 0;
    }
    return 1;
}

/* start: the challenge and its message in one transaction. Fills id and the "delivered" code. */
static int start_login(worker* w, const char* email, uint8_t id[16], char code[kCodeDigits + 1]) {
    const int64_t now = unix_now();
    if (run(w->begin) != SQLITE_OK) {
        report_error(w, "BEGIN IMMEDIATE");
        return 0;
    }
    sqlite3_bind_text(w->find_contact, 1, email, -1, SQLITE_STATIC);
    const int rc = sqlite3_step(w->find_contact);
    const int64_t client_id = rc == SQLITE_ROW ? sqlite3_column_int64(w->find_contact, 0) : 0;
    sqlite3_reset(w->find_contact);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE) report_error(w, "finding the contact");
        else fprintf(stderr, "sesame_floor: thread %d: no contact %s\n", w->index, email);
        rollback(w);
        return 0;
    }
    uint32_t r = 0;
    sqlite3_randomness(16, id);
    sqlite3_randomness(sizeof r, &r);
    snprintf(code, kCodeDigits + 1, "%06u", (unsigned)(r % 1000000u));
    uint8_t mac[32];
    code_mac(id, code, mac);
    sqlite3_bind_blob(w->insert_challenge, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(w->insert_challenge, 2, client_id);
    sqlite3_bind_blob(w->insert_challenge, 3, mac, 32, SQLITE_STATIC);
    sqlite3_bind_int64(w->insert_challenge, 4, now + kTtlSeconds);
    if (run(w->insert_challenge) != SQLITE_OK) {
        report_error(w, "inserting the challenge");
        rollback(w);
        return 0;
    }
    sqlite3_bind_blob(w->insert_message, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_text(w->insert_message, 2, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->insert_message, 3, "Your login code is \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2",
                      -1, SQLITE_STATIC);
    sqlite3_bind_int64(w->insert_message, 4, now);
    if (run(w->insert_message) != SQLITE_OK) {
        report_error(w, "inserting the message");
        rollback(w);
        return 0;
    }
    return commit(w);
}

/* verify: count the attempt, consume on a matching MAC, insert the session; one transaction. */
static int verify_login(worker* w, const uint8_t id[16], const char* code, uint8_t token[32]) {
    const int64_t now = unix_now();
    uint8_t mac[32];
    code_mac(id, code, mac);
    if (run(w->begin) != SQLITE_OK) {
        report_error(w, "BEGIN IMMEDIATE");
        return 0;
    }
    sqlite3_bind_blob(w->attempt, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_blob(w->attempt, 2, mac, 32, SQLITE_STATIC);
    sqlite3_bind_int64(w->attempt, 3, now);
    sqlite3_bind_int(w->attempt, 4, kMaxAttempts);
    int rc = sqlite3_step(w->attempt);
    const int consumed = rc == SQLITE_ROW && sqlite3_column_int(w->attempt, 0) != 0;
    const int64_t client_id = rc == SQLITE_ROW ? sqlite3_column_int64(w->attempt, 1) : 0;
    if (rc == SQLITE_ROW) rc = sqlite3_step(w->attempt);
    sqlite3_reset(w->attempt);
    if (rc != SQLITE_DONE) {
        report_error(w, "counting the attempt");
        rollback(w);
        return 0;
    }
    if (!consumed) {
        /* The attempt stays counted: a wrong code costs an attempt. */
        commit(w);
        fprintf(stderr, "sesame_floor: thread %d: the code was refused\n", w->index);
        return 0;
    }
    uint8_t hash[32];
    sqlite3_randomness(32, token);
    digest32(token, 32, NULL, 0, hash);
    sqlite3_bind_blob(w->insert_session, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(w->insert_session, 2, client_id);
    sqlite3_bind_int64(w->insert_session, 3, now + kSessionSeconds);
    if (run(w->insert_session) != SQLITE_OK) {
        report_error(w, "inserting the session");
        rollback(w);
        return 0;
    }
    return commit(w);
}

static int check_session(worker* w, const uint8_t token[32]) {
    uint8_t hash[32];
    digest32(token, 32, NULL, 0, hash);
    sqlite3_bind_blob(w->check, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(w->check, 2, unix_now());
    const int rc = sqlite3_step(w->check);
    sqlite3_reset(w->check);
    if (rc == SQLITE_ROW) return 1;
    if (rc != SQLITE_DONE) report_error(w, "checking the session");
    return 0;
}

static void keep_token(worker* w, const uint8_t token[32]) {
    if (w->ntokens == w->captokens) {
        w->captokens = w->captokens ? 2 * w->captokens : 1024;
        uint8_t* p = realloc(w->tokens, w->captokens * 32);
        if (!p) die("out of memory", NULL);
        w->tokens = p;
    }
    memcpy(w->tokens + 32 * w->ntokens++, token, 32);
}

static void keep_latency(worker* w, double us) {
    if (w->nlat == w->caplat) {
        w->caplat = w->caplat ? 2 * w->caplat : 4096;
        double* p = realloc(w->lat_us, w->caplat * sizeof *p);
        if (!p) die("out of memory", NULL);
        w->lat_us = p;
    }
    w->lat_us[w->nlat++] = us;
}

/* One whole round for client i: start, the "delivered" code, verify. */
static int round_for(worker* w, uint64_t i) {
    char email[64], code[kCodeDigits + 1];
    uint8_t id[16], token[32];
    client_email(i, email, sizeof email);
    if (!start_login(w, email, id, code)) return 0;
    if (!verify_login(w, id, code, token)) return 0;
    keep_token(w, token);
    return 1;
}

/* Loads clients [from, to) with an email contact each, kLoadBatch per transaction. */
static int load_clients(worker* w, uint64_t from, uint64_t to) {
    char email[64];
    for (uint64_t i = from; i < to;) {
        if (run(w->begin) != SQLITE_OK) {
            report_error(w, "BEGIN IMMEDIATE");
            return 0;
        }
        const uint64_t end = to - i > kLoadBatch ? i + kLoadBatch : to;
        for (; i < end; ++i) {
            sqlite3_bind_text(w->insert_client, 1, "Client", -1, SQLITE_STATIC);
            sqlite3_bind_text(w->insert_client, 2, "Lee", -1, SQLITE_STATIC);
            if (run(w->insert_client) != SQLITE_OK) {
                report_error(w, "inserting a client");
                rollback(w);
                return 0;
            }
            client_email(i, email, sizeof email);
            sqlite3_bind_int64(w->insert_contact, 1, sqlite3_last_insert_rowid(w->db));
            sqlite3_bind_text(w->insert_contact, 2, email, -1, SQLITE_TRANSIENT);
            if (run(w->insert_contact) != SQLITE_OK) {
                report_error(w, "inserting a contact");
                rollback(w);
                return 0;
            }
        }
        if (!commit(w)) return 0;
    }
    return 1;
}

static uint32_t next_random(worker* w) {
    /* xorshift32: which client a grow round picks; not security relevant */
    uint32_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return w->rng = x;
}

/* ---- timed phases ------------------------------------------------------------------------- */

typedef struct phase {
    worker* workers;
    int threads;
    char what; /* 'r' rounds over the worker's clients, 'g' rounds over random clients, 'c' checks */
    uint64_t ops_each;
    double seconds;
    pthread_barrier_t ready, go;
} phase;

typedef struct thread_arg {
    phase* ph;
    worker* w;
} thread_arg;

static void* phase_thread(void* p) {
    thread_arg* a = p;
    phase* ph = a->ph;
    worker* w = a->w;
    pthread_barrier_wait(&ph->ready);
    pthread_barrier_wait(&ph->go);
    const double t0 = now_seconds();
    const double deadline = t0 + ph->seconds;
    const size_t tokens = w->ntokens;
    if (ph->what == 'c' && tokens == 0) die("no session to check", NULL);
    uint64_t k = 0;
    for (;; ++k) {
        if (ph->ops_each ? k >= ph->ops_each : now_seconds() >= deadline) break;
        const double a0 = now_seconds();
        int ok;
        if (ph->what == 'c') ok = check_session(w, w->tokens + 32 * (k % tokens));
        else if (ph->what == 'g') ok = round_for(w, next_random(w) % w->count);
        else ok = round_for(w, w->first + k % w->count);
        const double a1 = now_seconds();
        if (ok) {
            ++w->ops;
            keep_latency(w, (a1 - a0) * 1e6);
        } else {
            ++w->failed;
        }
    }
    w->elapsed = now_seconds() - t0;
    return NULL;
}

typedef struct phase_result {
    uint64_t ops, failed;
    double value, p50, p99, wall;
    counting_vfs_counts counts;
} phase_result;

static phase_result run_phase(worker* workers, int threads, char what, uint64_t ops, double seconds) {
    phase ph;
    memset(&ph, 0, sizeof ph);
    ph.workers = workers;
    ph.threads = threads;
    ph.what = what;
    ph.ops_each = ops ? (ops + (uint64_t)threads - 1) / (uint64_t)threads : 0;
    ph.seconds = seconds;
    pthread_barrier_init(&ph.ready, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&ph.go, NULL, (unsigned)threads + 1);
    pthread_t tids[kMaxThreads];
    thread_arg args[kMaxThreads];
    for (int t = 0; t < threads; ++t) {
        workers[t].ops = workers[t].failed = 0;
        workers[t].nlat = 0;
        args[t].ph = &ph;
        args[t].w = &workers[t];
        if (pthread_create(&tids[t], NULL, phase_thread, &args[t]) != 0) die("cannot start a thread", NULL);
    }
    pthread_barrier_wait(&ph.ready);
    counting_vfs_reset();
    const double t0 = now_seconds();
    pthread_barrier_wait(&ph.go);
    for (int t = 0; t < threads; ++t) pthread_join(tids[t], NULL);
    const double wall = now_seconds() - t0;
    phase_result r;
    memset(&r, 0, sizeof r);
    r.counts = counting_vfs_read();
    r.wall = wall;
    size_t n = 0;
    for (int t = 0; t < threads; ++t) {
        r.ops += workers[t].ops;
        r.failed += workers[t].failed;
        n += workers[t].nlat;
    }
    double* all = xmalloc(n * sizeof *all);
    size_t at = 0;
    for (int t = 0; t < threads; ++t) {
        memcpy(all + at, workers[t].lat_us, workers[t].nlat * sizeof *all);
        at += workers[t].nlat;
    }
    bench_percentiles(all, n, &r.p50, &r.p99);
    free(all);
    r.value = wall > 0 ? (double)r.ops / wall : 0;
    pthread_barrier_destroy(&ph.ready);
    pthread_barrier_destroy(&ph.go);
    return r;
}

/* ---- output ------------------------------------------------------------------------------- */

static int g_status = 0;

static void judge(const char* workload, const phase_result* r) {
    /* More than a few failures: the figure would measure refusals, not the work. */
    if (r->ops == 0 || r->failed > 3 + r->ops / 100) {
        fprintf(stderr, "sesame_floor: %s: %llu of %llu operations failed: the figures above do not measure the work\n",
                workload, (unsigned long long)r->failed, (unsigned long long)(r->ops + r->failed));
        g_status = 1;
    }
}

static void print_timed(const config* c, const char* workload, const char* unit, const phase_result* r, int threads,
                        const char* sync) {
    bench_row row;
    memset(&row, 0, sizeof row);
    row.impl = "floor";
    row.workload = workload;
    row.unit = unit;
    row.value = r->value;
    row.ops = r->ops;
    row.failed = r->failed;
    row.has_latency = 1;
    row.p50_us = r->p50;
    row.p99_us = r->p99;
    row.has_counts = r->ops > 0;
    row.write_txn_per_op = r->ops ? (double)r->counts.write_txns / (double)r->ops : 0;
    row.fsync_per_op = r->ops ? (double)r->counts.syncs / (double)r->ops : 0;
    row.journal_mode = "wal";
    row.synchronous = sync;
    row.threads = threads;
    if (!c->only_row || strstr(workload, c->only_row)) bench_print_row(&row);
    fprintf(stderr, "floor %s: %llu ops in %.3f s, %.2f statements/op\n", workload, (unsigned long long)r->ops, r->wall,
            r->ops ? (double)r->counts.statements / (double)r->ops : 0.0);
    judge(workload, r);
}

static void print_bytes(const config* c, const char* workload, int64_t bytes) {
    bench_row row;
    memset(&row, 0, sizeof row);
    row.impl = "floor";
    row.workload = workload;
    row.unit = "bytes";
    row.value = (double)bytes;
    row.journal_mode = "wal";
    row.synchronous = "normal";
    row.threads = 1;
    if (!c->only_row || strstr(workload, c->only_row)) bench_print_row(&row);
}

/* ---- workloads ---------------------------------------------------------------------------- */

static const char* kWorkloads[] = {"round.normal.1t", "round.normal.2t", "round.full.1t", "round.full.2t",
                                   "check.normal.1t", "check.normal.2t", "grow.1e3",      "grow.1e5",
                                   "grow.1e6"};

static void usage(FILE* to) {
    fprintf(to,
            "usage: sesame_floor --workload <name> [--ops N | --seconds S] [--dir DIR] [--keep]\n"
            "       sesame_floor --list\n"
            "  --ops N       timed operations (split over the threads); default: --seconds 3\n"
            "  --seconds S   time each timed phase for S seconds\n"
            "  --dir DIR     where the scratch database goes (default: $TMPDIR or /tmp); removed at the end\n"
            "  --keep        keep the database file\n"
            "  grow.<N> prints the rows load, round, check, dbsize and rss; grow.<N>.<row> only that row.\n");
}

static int parse_workload(const char* name, config* c) {
    c->workload = name;
    if (strncmp(name, "round.", 6) == 0 || strncmp(name, "check.", 6) == 0) {
        for (size_t i = 0; i < 6; ++i)
            if (strcmp(name, kWorkloads[i]) == 0) {
                c->kind = name[0];
                c->full = strstr(name, ".full.") != NULL;
                c->threads = name[strlen(name) - 2] - '0';
                return 1;
            }
        return 0;
    }
    if (strncmp(name, "grow.", 5) == 0) {
        static char size[32];
        const char* dot = strchr(name + 5, '.');
        const size_t len = dot ? (size_t)(dot - (name + 5)) : strlen(name + 5);
        if (len == 0 || len >= sizeof size) return 0;
        memcpy(size, name + 5, len);
        size[len] = '\0';
        if (strcmp(size, "1e3") && strcmp(size, "1e5") && strcmp(size, "1e6")) return 0;
        if (dot) {
            const char* row = dot + 1;
            if (strcmp(row, "load") && strcmp(row, "round") && strcmp(row, "check") && strcmp(row, "dbsize") &&
                strcmp(row, "rss"))
                return 0;
            c->only_row = dot; /* ".round" matches "grow.1e5.round" */
        }
        c->kind = 'g';
        c->grow_n = bench_parse_count(size);
        snprintf(c->grow_base, sizeof c->grow_base, "grow.%s", size);
        c->threads = 1;
        return 1;
    }
    return 0;
}

static void free_worker(worker* w) {
    free(w->tokens);
    free(w->lat_us);
}

int main(int argc, char** argv) {
    config c;
    memset(&c, 0, sizeof c);
    const char* dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    int keep = 0;
    const char* workload = NULL;
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--list") == 0) {
            for (size_t k = 0; k < sizeof kWorkloads / sizeof kWorkloads[0]; ++k) printf("%s\n", kWorkloads[k]);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--keep") == 0) {
            keep = 1;
        } else if (strcmp(a, "--workload") == 0 && v) {
            workload = v, ++i;
        } else if (strcmp(a, "--ops") == 0 && v) {
            c.ops = bench_parse_count(v), ++i;
            if (c.ops == 0) die("--ops takes a positive count (e.g. 2000 or 1e4)", v);
        } else if (strcmp(a, "--seconds") == 0 && v) {
            char* end = NULL;
            c.seconds = strtod(v, &end), ++i;
            if (*end || !(c.seconds > 0) || c.seconds > 86400) die("--seconds takes a positive number of seconds", v);
        } else if (strcmp(a, "--dir") == 0 && v) {
            dir = v, ++i;
            if (!*dir) die("--dir names a directory: give . for the current one", NULL);
        } else {
            usage(stderr);
            die("unknown or incomplete argument", a);
        }
    }
    if (!workload) {
        usage(stderr);
        die("--workload is required (--list names them)", NULL);
    }
    if (!parse_workload(workload, &c)) die("unknown workload (--list names them)", workload);
    if (c.ops && c.seconds > 0) die("give --ops or --seconds, not both", NULL);
    if (!c.ops && !(c.seconds > 0)) c.seconds = 3;
    if ((size_t)snprintf(c.path, sizeof c.path, "%s/sesame-floor-%ld.db", dir, (long)getpid()) >= sizeof c.path)
        die("--dir is too long", dir);

    if (counting_vfs_register() != SQLITE_OK) die("cannot register the counting VFS", NULL);
    char wal[4200], shm[4200];
    snprintf(wal, sizeof wal, "%s-wal", c.path);
    snprintf(shm, sizeof shm, "%s-shm", c.path);
    if (bench_file_size(c.path) != 0) die("the scratch database already exists", c.path);

    /* Setup, not timed: the schema, the clients, the connections, a first pass of rounds. */
    sqlite3* admin = open_db(&c);
    exec_or_die(admin, kSchema);
    if (sqlite3_close(admin) != SQLITE_OK) die("closing the database", NULL);
    fprintf(stderr, "floor: SQLite %s, journal_mode=wal, synchronous=%s, %s\n", sqlite3_libversion(),
            c.full ? "full" : "normal", c.path);

    worker workers[kMaxThreads];
    memset(workers, 0, sizeof workers);
    const uint64_t pool = c.kind == 'g' ? c.grow_n : (c.ops ? (c.ops < 200 ? c.ops : 200) : 200);
    for (int t = 0; t < c.threads; ++t) {
        worker* w = &workers[t];
        w->cfg = &c;
        w->index = t;
        w->rng = 0x9e3779b9u ^ (uint32_t)(t + 1) * 2654435761u;
        worker_open(w);
        w->first = c.kind == 'g' ? 0 : (uint64_t)t * pool;
        w->count = pool;
    }

    if (c.kind == 'g') {
        counting_vfs_reset();
        const double t0 = now_seconds();
        if (!load_clients(&workers[0], 0, c.grow_n)) die("loading the clients failed", NULL);
        const double dt = now_seconds() - t0;
        counting_vfs_counts n = counting_vfs_read();
        const char* base = c.grow_base;
        char name[64];
        snprintf(name, sizeof name, "%s.load", base);
        bench_row row;
        memset(&row, 0, sizeof row);
        row.impl = "floor";
        row.workload = name;
        row.unit = "clients/s";
        row.value = dt > 0 ? (double)c.grow_n / dt : 0;
        row.ops = c.grow_n;
        row.has_counts = 1;
        row.write_txn_per_op = (double)n.write_txns / (double)c.grow_n;
        row.fsync_per_op = (double)n.syncs / (double)c.grow_n;
        row.journal_mode = "wal";
        row.synchronous = "normal";
        row.threads = 1;
        if (!c.only_row || strstr(name, c.only_row)) bench_print_row(&row);
        fprintf(stderr, "floor %s: %llu clients in %.3f s (%d per transaction)\n", name, (unsigned long long)c.grow_n, dt,
                kLoadBatch);
        /* The size of N clients, before any round adds rows: the WAL copied into the file first. */
        {
            sqlite3_stmt* st = NULL;
            int done = sqlite3_prepare_v2(workers[0].db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st, NULL) == SQLITE_OK &&
                       sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
            sqlite3_finalize(st);
            if (!done) die("the checkpoint before measuring the database did not complete", sqlite3_errmsg(workers[0].db));
        }
        const int64_t dbsize_main = bench_file_size(c.path), dbsize_wal = bench_file_size(wal);
        if (dbsize_main < 0 || dbsize_wal < 0) die("cannot read the database size", c.path);

        /* A first pass of rounds, not timed, then the timed rounds and checks. */
        const uint64_t warm = c.grow_n < 200 ? c.grow_n : 200;
        for (uint64_t k = 0; k < warm; ++k)
            if (!round_for(&workers[0], next_random(&workers[0]) % c.grow_n)) die("a first-pass round failed", NULL);
        snprintf(name, sizeof name, "%s.round", base);
        phase_result r = run_phase(workers, 1, 'g', c.ops, c.seconds);
        print_timed(&c, name, "ops/s", &r, 1, "normal");
        snprintf(name, sizeof name, "%s.check", base);
        r = run_phase(workers, 1, 'c', c.ops, c.seconds);
        print_timed(&c, name, "ops/s", &r, 1, "normal");
        const int64_t rss = bench_rss_bytes();
        if (rss < 0) die("cannot read the process RSS from /proc/self/status", NULL);
        worker_close(&workers[0]);
        snprintf(name, sizeof name, "%s.dbsize", base);
        print_bytes(&c, name, dbsize_main + dbsize_wal);
        snprintf(name, sizeof name, "%s.rss", base);
        print_bytes(&c, name, rss);
    } else {
        /* Each thread's clients, then one untimed round for each (the first pass). */
        for (int t = 0; t < c.threads; ++t) {
            worker* w = &workers[t];
            if (!load_clients(w, w->first, w->first + w->count)) die("loading the clients failed", NULL);
            for (uint64_t k = 0; k < w->count; ++k)
                if (!round_for(w, w->first + k)) die("a first-pass round failed", NULL);
        }
        const char* sync = c.full ? "full" : "normal";
        phase_result r = run_phase(workers, c.threads, c.kind == 'c' ? 'c' : 'r', c.ops, c.seconds);
        print_timed(&c, workload, "ops/s", &r, c.threads, sync);
        for (int t = 0; t < c.threads; ++t) worker_close(&workers[t]);
    }
    for (int t = 0; t < c.threads; ++t) free_worker(&workers[t]);
    if (!keep) unlink(c.path), unlink(wal), unlink(shm);
    return g_status;
}
