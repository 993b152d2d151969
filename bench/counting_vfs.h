/* A counting SQLite VFS for the benchmarks: it wraps the default VFS (unix) and counts, over
 * every connection of the process,
 *   - write transactions: times a connection took the WAL write lock (xShmLock on slot 0,
 *     SQLITE_SHM_LOCK | SQLITE_SHM_EXCLUSIVE, granted). One BEGIN IMMEDIATE ... COMMIT counts 1;
 *     a read counts 0; a lock request that fails with SQLITE_BUSY counts 0.
 *   - fsyncs: xSync calls on any file (database, WAL, journal), checkpoints included.
 *   - statements: SQL statements started (sqlite3_trace_v2 SQLITE_TRACE_STMT on every connection
 *     opened after counting_vfs_register, through sqlite3_auto_extension); trigger sub-programs are
 *     not counted.
 * Counters are atomic: any number of threads and connections may run at once.
 *
 * Call counting_vfs_register() before any connection is opened (before a store is opened): it
 * makes the counting VFS the default, so code that opens SQLite files with the default VFS is
 * counted without knowing about it. Only WAL-mode databases take the WAL write lock. */
#ifndef SESAME_BENCH_COUNTING_VFS_H
#define SESAME_BENCH_COUNTING_VFS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct counting_vfs_counts {
    uint64_t write_txns; /* WAL write lock taken */
    uint64_t syncs;      /* xSync calls */
    uint64_t statements; /* SQL statements started */
} counting_vfs_counts;

/* The name the counting VFS is registered under. */
#define COUNTING_VFS_NAME "counting"

/* Registers the counting VFS as the default VFS (wrapping the default VFS found at the first call)
 * and the statement counter. Calling it again does nothing. Returns SQLITE_OK, or an SQLite error
 * code (no default VFS, registration refused). */
int counting_vfs_register(void);

/* The counts since the last reset (or since registration). */
counting_vfs_counts counting_vfs_read(void);

/* Sets every counter to zero. */
void counting_vfs_reset(void);

/* While on (non-zero), every counted statement's SQL text (parameters unexpanded) is written to
 * `to` as one line, and every granted WAL write lock as a line "-- write lock". Off by default. */
void counting_vfs_log(int on, void* to /* FILE* */);

/* b - a, counter by counter. */
counting_vfs_counts counting_vfs_diff(counting_vfs_counts a, counting_vfs_counts b);

#ifdef __cplusplus
}
#endif

#endif
