/* What the counting VFS counts, on a real SQLite file in WAL mode:
 *   - one BEGIN IMMEDIATE ... COMMIT is 1 write transaction; an autocommit INSERT is 1;
 *   - a read-only SELECT (alone or in a deferred transaction) is 0;
 *   - a BEGIN IMMEDIATE refused with SQLITE_BUSY (another connection holds the write lock) is 0;
 *   - N commits at synchronous=FULL are N syncs, and at synchronous=NORMAL 0 syncs (autocheckpoint
 *     off, so no checkpoint syncs between them);
 *   - statements started are counted, one per sqlite3_step of a fresh statement;
 *   - two threads, each with its own connection, committing at once lose no count: exactly one sync
 *     per commit at FULL and one count per statement, and at least one write lock per commit (a
 *     BEGIN IMMEDIATE whose snapshot went stale drops the lock and takes it again).
 * Usage: counting_vfs_test [directory for the scratch file] (default: $TMPDIR or /tmp). */
#include "counting_vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_failures = 0;

#define CHECK_EQ(what, got, want)                                                                      \
    do {                                                                                               \
        const unsigned long long got_ = (unsigned long long)(got), want_ = (unsigned long long)(want); \
        if (got_ != want_) {                                                                           \
            fprintf(stderr, "FAIL %s:%d: %s: got %llu, expected %llu\n", __FILE__, __LINE__, what, got_, \
                    want_);                                                                            \
            ++g_failures;                                                                              \
        } else {                                                                                       \
            printf("ok   %s = %llu\n", what, got_);                                                    \
        }                                                                                              \
    } while (0)

static void must(sqlite3* db, const char* sql) {
    char* err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "FAIL: %s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
        exit(1);
    }
}

static sqlite3* open_db(const char* path) {
    sqlite3* db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fprintf(stderr, "FAIL: cannot open %s: %s\n", path, db ? sqlite3_errmsg(db) : "?");
        exit(1);
    }
    return db;
}

static void insert_txn(sqlite3* db) { must(db, "BEGIN IMMEDIATE; INSERT INTO t (v) VALUES (randomblob(32)); COMMIT"); }

enum { kThreadTxns = 40 };

/* One thread: its own connection at FULL, kThreadTxns commits. */
static void* committer(void* path) {
    sqlite3* db = open_db((const char*)path);
    sqlite3_busy_timeout(db, 10000);
    must(db, "PRAGMA synchronous = FULL");
    must(db, "PRAGMA wal_autocheckpoint = 0");
    for (int i = 0; i < kThreadTxns; ++i) insert_txn(db);
    sqlite3_close(db);
    return NULL;
}

int main(int argc, char** argv) {
    if (counting_vfs_register() != SQLITE_OK) {
        fprintf(stderr, "FAIL: counting_vfs_register\n");
        return 1;
    }
    /* Registering twice is harmless, and the counting VFS is the default. */
    CHECK_EQ("second register is SQLITE_OK", counting_vfs_register(), SQLITE_OK);
    CHECK_EQ("the default VFS is the counting one", strcmp(sqlite3_vfs_find(NULL)->zName, COUNTING_VFS_NAME), 0);

    const char* dir = argc > 1 ? argv[1] : getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/counting_vfs_test_%ld.db", dir, (long)getpid());
    char wal[4200], shm[4200];
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(path), unlink(wal), unlink(shm);

    sqlite3* db = open_db(path);
    must(db, "PRAGMA journal_mode = WAL");
    must(db, "PRAGMA wal_autocheckpoint = 0");
    must(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
    insert_txn(db); /* the WAL has frames now: later commits append to it */

    /* One explicit write transaction. */
    counting_vfs_reset();
    insert_txn(db);
    CHECK_EQ("BEGIN IMMEDIATE; INSERT; COMMIT: write transactions", counting_vfs_read().write_txns, 1);

    /* An autocommit INSERT is a write transaction too. */
    counting_vfs_reset();
    must(db, "INSERT INTO t (v) VALUES (x'01')");
    CHECK_EQ("autocommit INSERT: write transactions", counting_vfs_read().write_txns, 1);

    /* Reads take no write lock. */
    counting_vfs_reset();
    must(db, "SELECT count(*) FROM t");
    must(db, "BEGIN; SELECT * FROM t WHERE id = 1; COMMIT");
    CHECK_EQ("SELECTs: write transactions", counting_vfs_read().write_txns, 0);
    CHECK_EQ("SELECTs: syncs", counting_vfs_read().syncs, 0);

    /* A BEGIN IMMEDIATE that cannot get the lock is not counted. */
    sqlite3* other = open_db(path);
    sqlite3_busy_timeout(other, 0);
    counting_vfs_reset();
    must(db, "BEGIN IMMEDIATE");
    CHECK_EQ("BEGIN IMMEDIATE while another holds the lock: SQLITE_BUSY",
             sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_BUSY);
    must(db, "COMMIT");
    CHECK_EQ("one granted, one refused: write transactions", counting_vfs_read().write_txns, 1);
    sqlite3_close(other);

    /* Statements: each sqlite3_exec statement is one. */
    counting_vfs_reset();
    must(db, "SELECT 1; SELECT 2; SELECT 3");
    CHECK_EQ("three SELECTs: statements", counting_vfs_read().statements, 3);

    /* synchronous = FULL: one sync of the WAL per commit. */
    enum { N = 25 };
    must(db, "PRAGMA synchronous = FULL");
    counting_vfs_reset();
    for (int i = 0; i < N; ++i) insert_txn(db);
    counting_vfs_counts full = counting_vfs_read();
    CHECK_EQ("25 commits at FULL: write transactions", full.write_txns, N);
    CHECK_EQ("25 commits at FULL: syncs", full.syncs, N);

    /* synchronous = NORMAL: commits do not sync (checkpoints would, and they are off here). */
    must(db, "PRAGMA synchronous = NORMAL");
    counting_vfs_reset();
    for (int i = 0; i < N; ++i) insert_txn(db);
    counting_vfs_counts normal = counting_vfs_read();
    CHECK_EQ("25 commits at NORMAL: write transactions", normal.write_txns, N);
    CHECK_EQ("25 commits at NORMAL: syncs", normal.syncs, 0);

    /* Two threads at once. Their connections are opened (and set up) inside the counted part, so
     * count only what the transactions do: three statements each, plus the two PRAGMAs a thread. */
    {
        must(db, "PRAGMA synchronous = FULL");
        sqlite3_int64 rows_before = 0, rows_after = 0;
        sqlite3_stmt* st = NULL;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL);
        sqlite3_step(st);
        rows_before = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        counting_vfs_reset();
        pthread_t a, b;
        if (pthread_create(&a, NULL, committer, path) || pthread_create(&b, NULL, committer, path)) {
            fprintf(stderr, "FAIL: cannot start the threads\n");
            return 1;
        }
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        counting_vfs_counts two = counting_vfs_read();
        sqlite3_step(st);
        rows_after = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        CHECK_EQ("two threads: rows committed", rows_after - rows_before, 2 * kThreadTxns);
        CHECK_EQ("two threads: statements", two.statements, 2 * (3 * kThreadTxns + 2));
        CHECK_EQ("two threads at FULL: syncs", two.syncs, 2 * kThreadTxns);
        if (two.write_txns < 2 * kThreadTxns) {
            fprintf(stderr, "FAIL: two threads: %llu write locks for %d commits\n", (unsigned long long)two.write_txns,
                    2 * kThreadTxns);
            ++g_failures;
        } else {
            printf("ok   two threads: write transactions = %llu (>= %d)\n", (unsigned long long)two.write_txns,
                   2 * kThreadTxns);
        }
        must(db, "PRAGMA synchronous = NORMAL");
    }

    /* A checkpoint does sync (the WAL, then the database file), and takes no write lock. */
    counting_vfs_reset();
    must(db, "PRAGMA wal_checkpoint(PASSIVE)");
    counting_vfs_counts ckpt = counting_vfs_read();
    CHECK_EQ("checkpoint: write transactions", ckpt.write_txns, 0);
    if (ckpt.syncs == 0) {
        fprintf(stderr, "FAIL: a checkpoint of a WAL with frames counted no sync\n");
        ++g_failures;
    } else {
        printf("ok   checkpoint: syncs = %llu (> 0)\n", (unsigned long long)ckpt.syncs);
    }

    sqlite3_close(db);
    unlink(path), unlink(wal), unlink(shm);
    if (g_failures) {
        fprintf(stderr, "%d check(s) failed\n", g_failures);
        return 1;
    }
    printf("all counting VFS checks passed\n");
    return 0;
}
