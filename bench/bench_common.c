#include "bench_common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void print_number(double v) {
    if (!isfinite(v)) printf("null");
    else if (v == floor(v) && fabs(v) < 1e15) printf("%.0f", v); /* counts and bytes, exactly */
    else if (fabs(v) >= 1000) printf("%.1f", v);
    else printf("%.6g", v);
}

static void print_string(const char* s) {
    if (!s) {
        printf("null");
        return;
    }
    /* Names are ours (letters, digits, '.', '/'), but escape anyway so that the line stays JSON. */
    putchar('"');
    for (const char* p = s; *p; ++p) {
        const unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

void bench_print_row(const bench_row* r) {
    printf("{\"impl\":");
    print_string(r->impl);
    printf(",\"workload\":");
    print_string(r->workload);
    printf(",\"unit\":");
    print_string(r->unit);
    printf(",\"value\":");
    print_number(r->value);
    printf(",\"ops\":%llu,\"failed\":%llu", (unsigned long long)r->ops, (unsigned long long)r->failed);
    printf(",\"p50_us\":");
    if (r->has_latency) print_number(r->p50_us);
    else printf("null");
    printf(",\"p99_us\":");
    if (r->has_latency) print_number(r->p99_us);
    else printf("null");
    printf(",\"write_txn_per_op\":");
    if (r->has_counts) print_number(r->write_txn_per_op);
    else printf("null");
    printf(",\"fsync_per_op\":");
    if (r->has_counts) print_number(r->fsync_per_op);
    else printf("null");
    printf(",\"journal_mode\":");
    print_string(r->journal_mode);
    printf(",\"synchronous\":");
    print_string(r->synchronous);
    printf(",\"threads\":%d}\n", r->threads);
    fflush(stdout);
}

static int compare_doubles(const void* a, const void* b) {
    const double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

void bench_percentiles(double* us, size_t n, double* p50, double* p99) {
    *p50 = *p99 = 0;
    if (n == 0) return;
    qsort(us, n, sizeof *us, compare_doubles);
    /* Nearest rank: the smallest value with at least p% of the values at or below it. */
    size_t r50 = (size_t)ceil(0.50 * (double)n), r99 = (size_t)ceil(0.99 * (double)n);
    if (r50 < 1) r50 = 1;
    if (r99 < 1) r99 = 1;
    *p50 = us[r50 - 1];
    *p99 = us[r99 - 1];
}

int64_t bench_rss_bytes(void) {
    FILE* f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    int64_t kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtoll(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

int64_t bench_file_size(const char* path) {
    struct stat st;
    if (stat(path, &st) == 0) return (int64_t)st.st_size;
    return errno == ENOENT ? 0 : -1;
}

uint64_t bench_parse_count(const char* text) {
    if (!text || !*text) return 0;
    const char* e = strchr(text, 'e');
    char* end = NULL;
    if (e) {
        /* "1e5": a mantissa of digits, an exponent of digits. */
        errno = 0;
        const unsigned long long m = strtoull(text, &end, 10);
        if (end != e || errno || m == 0 || e == text) return 0;
        const unsigned long long x = strtoull(e + 1, &end, 10);
        if (*end || errno || x > 18 || e[1] == '\0' || e[1] == '-' || e[1] == '+') return 0;
        unsigned long long v = m;
        for (unsigned long long i = 0; i < x; ++i) {
            if (v > UINT64_MAX / 10) return 0;
            v *= 10;
        }
        return v;
    }
    if (text[0] < '0' || text[0] > '9') return 0;
    errno = 0;
    const unsigned long long v = strtoull(text, &end, 10);
    if (*end || errno) return 0;
    return v;
}
