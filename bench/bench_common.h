/* What the benchmark programs share: the clock, latency percentiles, the JSON result row of
 * BENCH_FORMAT (bench/README.md), the process RSS and file sizes. */
#ifndef SESAME_BENCH_COMMON_H
#define SESAME_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One result row. A field given as NULL (strings) or with its has_ flag 0 prints as null. */
typedef struct bench_row {
    const char* impl;     /* "sesame", "floor" */
    const char* workload; /* "round.normal.1t", ... */
    const char* unit;     /* "ops/s", "clients/s", "bytes" */
    double value;
    uint64_t ops;
    uint64_t failed;
    int has_latency;
    double p50_us;
    double p99_us;
    int has_counts;
    double write_txn_per_op;
    double fsync_per_op;
    const char* journal_mode; /* "wal" or NULL */
    const char* synchronous;  /* "normal", "full" or NULL */
    int threads;
} bench_row;

/* Prints the row as one JSON line on stdout and flushes it. */
void bench_print_row(const bench_row* row);

/* Sorts `us` (n latencies in microseconds) and sets the nearest-rank 50th and 99th percentiles;
 * both 0 when n is 0. */
void bench_percentiles(double* us, size_t n, double* p50, double* p99);

/* The process's resident set size in bytes (VmRSS), or -1 when /proc cannot be read. */
int64_t bench_rss_bytes(void);

/* The size of a file in bytes, 0 when it does not exist, -1 on another error. */
int64_t bench_file_size(const char* path);

/* Parses a positive count written as digits or as "1e5"; returns 0 on anything else. */
uint64_t bench_parse_count(const char* text);

#ifdef __cplusplus
}
#endif

#endif
