/* The counting VFS (counting_vfs.h): every call goes to the wrapped VFS; xShmLock and xSync are
 * counted on the way. */
#include "counting_vfs.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The WAL write lock is shared-memory lock slot 0 (WAL_WRITE_LOCK in SQLite's wal.c). */
#define WAL_WRITE_LOCK_SLOT 0

static atomic_uint_fast64_t g_write_txns;
static atomic_uint_fast64_t g_syncs;
static atomic_uint_fast64_t g_statements;

static _Atomic(FILE*) g_log;

static sqlite3_vfs g_vfs;
static sqlite3_vfs* g_root;
static atomic_int g_registered;

/* A file of the counting VFS: our header, then the wrapped VFS's file. */
typedef struct counting_file {
    sqlite3_file base;
    sqlite3_file* real;
} counting_file;

static sqlite3_file* real_of(sqlite3_file* f) { return ((counting_file*)f)->real; }

/* ---- io methods --------------------------------------------------------------------------- */

static int c_close(sqlite3_file* f) {
    sqlite3_file* r = real_of(f);
    int rc = SQLITE_OK;
    if (r->pMethods) rc = r->pMethods->xClose(r);
    f->pMethods = NULL;
    return rc;
}

static int c_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xRead(r, buf, amt, off);
}

static int c_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xWrite(r, buf, amt, off);
}

static int c_truncate(sqlite3_file* f, sqlite3_int64 size) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xTruncate(r, size);
}

static int c_sync(sqlite3_file* f, int flags) {
    sqlite3_file* r = real_of(f);
    atomic_fetch_add_explicit(&g_syncs, 1, memory_order_relaxed);
    return r->pMethods->xSync(r, flags);
}

static int c_file_size(sqlite3_file* f, sqlite3_int64* size) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xFileSize(r, size);
}

static int c_lock(sqlite3_file* f, int level) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xLock(r, level);
}

static int c_unlock(sqlite3_file* f, int level) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xUnlock(r, level);
}

static int c_check_reserved(sqlite3_file* f, int* out) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xCheckReservedLock(r, out);
}

static int c_file_control(sqlite3_file* f, int op, void* arg) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xFileControl(r, op, arg);
}

static int c_sector_size(sqlite3_file* f) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xSectorSize(r);
}

static int c_device_characteristics(sqlite3_file* f) {
    sqlite3_file* r = real_of(f);
    return r->pMethods->xDeviceCharacteristics(r);
}

static int c_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    sqlite3_file* r = real_of(f);
    if (r->pMethods->iVersion < 2 || !r->pMethods->xShmMap) return SQLITE_IOERR_SHMMAP;
    return r->pMethods->xShmMap(r, region, size, extend, out);
}

static int c_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    sqlite3_file* r = real_of(f);
    if (r->pMethods->iVersion < 2 || !r->pMethods->xShmLock) return SQLITE_IOERR_SHMLOCK;
    const int rc = r->pMethods->xShmLock(r, offset, n, flags);
    if (rc == SQLITE_OK && offset == WAL_WRITE_LOCK_SLOT && n == 1 &&
        flags == (SQLITE_SHM_LOCK | SQLITE_SHM_EXCLUSIVE)) {
        atomic_fetch_add_explicit(&g_write_txns, 1, memory_order_relaxed);
        FILE* log = atomic_load(&g_log);
        if (log) fputs("-- write lock\n", log);
    }
    return rc;
}

static void c_shm_barrier(sqlite3_file* f) {
    sqlite3_file* r = real_of(f);
    if (r->pMethods->iVersion >= 2 && r->pMethods->xShmBarrier) r->pMethods->xShmBarrier(r);
}

static int c_shm_unmap(sqlite3_file* f, int delete_flag) {
    sqlite3_file* r = real_of(f);
    if (r->pMethods->iVersion < 2 || !r->pMethods->xShmUnmap) return SQLITE_OK;
    return r->pMethods->xShmUnmap(r, delete_flag);
}

static int c_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** out) {
    sqlite3_file* r = real_of(f);
    if (r->pMethods->iVersion < 3 || !r->pMethods->xFetch) {
        *out = NULL;
        return SQLITE_OK;
    }
    return r->pMethods->xFetch(r, off, amt, out);
}

static int c_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    sqlite3_file* r = real_of(f);
    if (r->pMethods->iVersion < 3 || !r->pMethods->xUnfetch) return SQLITE_OK;
    return r->pMethods->xUnfetch(r, off, p);
}

/* Version 1 for files whose real methods are version 1 (no shared memory, no mmap), so that SQLite
 * sees exactly what the wrapped file can do; version 3 otherwise. */
static const sqlite3_io_methods g_methods_v1 = {
    1,           c_close,        c_read,           c_write,        c_truncate,       c_sync,
    c_file_size, c_lock,         c_unlock,         c_check_reserved, c_file_control, c_sector_size,
    c_device_characteristics, NULL, NULL, NULL, NULL, NULL, NULL};

static const sqlite3_io_methods g_methods_v3 = {
    3,           c_close,        c_read,           c_write,        c_truncate,       c_sync,
    c_file_size, c_lock,         c_unlock,         c_check_reserved, c_file_control, c_sector_size,
    c_device_characteristics, c_shm_map, c_shm_lock, c_shm_barrier, c_shm_unmap, c_fetch, c_unfetch};

/* ---- vfs methods -------------------------------------------------------------------------- */

static int v_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    (void)vfs;
    counting_file* cf = (counting_file*)f;
    cf->real = (sqlite3_file*)(cf + 1);
    memset(cf->real, 0, (size_t)g_root->szOsFile);
    f->pMethods = NULL;
    const int rc = g_root->xOpen(g_root, name, cf->real, flags, out_flags);
    if (cf->real->pMethods) f->pMethods = cf->real->pMethods->iVersion >= 2 ? &g_methods_v3 : &g_methods_v1;
    return rc;
}

static int v_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
    (void)vfs;
    return g_root->xDelete(g_root, name, sync_dir);
}

static int v_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    (void)vfs;
    return g_root->xAccess(g_root, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
    (void)vfs;
    return g_root->xFullPathname(g_root, name, n, out);
}

static void* v_dl_open(sqlite3_vfs* vfs, const char* name) {
    (void)vfs;
    return g_root->xDlOpen(g_root, name);
}

static void v_dl_error(sqlite3_vfs* vfs, int n, char* out) {
    (void)vfs;
    g_root->xDlError(g_root, n, out);
}

static void (*v_dl_sym(sqlite3_vfs* vfs, void* handle, const char* sym))(void) {
    (void)vfs;
    return g_root->xDlSym(g_root, handle, sym);
}

static void v_dl_close(sqlite3_vfs* vfs, void* handle) {
    (void)vfs;
    g_root->xDlClose(g_root, handle);
}

static int v_randomness(sqlite3_vfs* vfs, int n, char* out) {
    (void)vfs;
    return g_root->xRandomness(g_root, n, out);
}

static int v_sleep(sqlite3_vfs* vfs, int us) {
    (void)vfs;
    return g_root->xSleep(g_root, us);
}

static int v_current_time(sqlite3_vfs* vfs, double* out) {
    (void)vfs;
    return g_root->xCurrentTime(g_root, out);
}

static int v_get_last_error(sqlite3_vfs* vfs, int n, char* out) {
    (void)vfs;
    return g_root->xGetLastError ? g_root->xGetLastError(g_root, n, out) : 0;
}

static int v_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
    (void)vfs;
    if (g_root->iVersion >= 2 && g_root->xCurrentTimeInt64) return g_root->xCurrentTimeInt64(g_root, out);
    double now = 0;
    const int rc = g_root->xCurrentTime(g_root, &now);
    *out = (sqlite3_int64)(now * 86400000.0);
    return rc;
}

static int v_set_system_call(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr p) {
    (void)vfs;
    if (g_root->iVersion < 3 || !g_root->xSetSystemCall) return SQLITE_NOTFOUND;
    return g_root->xSetSystemCall(g_root, name, p);
}

static sqlite3_syscall_ptr v_get_system_call(sqlite3_vfs* vfs, const char* name) {
    (void)vfs;
    if (g_root->iVersion < 3 || !g_root->xGetSystemCall) return NULL;
    return g_root->xGetSystemCall(g_root, name);
}

static const char* v_next_system_call(sqlite3_vfs* vfs, const char* name) {
    (void)vfs;
    if (g_root->iVersion < 3 || !g_root->xNextSystemCall) return NULL;
    return g_root->xNextSystemCall(g_root, name);
}

/* ---- statements --------------------------------------------------------------------------- */

static int on_trace(unsigned type, void* ctx, void* p, void* x) {
    (void)ctx, (void)p;
    /* A trigger's sub-program is reported with its text as an SQL comment ("-- TRIGGER name"). */
    if (type == SQLITE_TRACE_STMT) {
        const char* text = (const char*)x;
        if (!(text && text[0] == '-' && text[1] == '-')) {
            atomic_fetch_add_explicit(&g_statements, 1, memory_order_relaxed);
            FILE* log = atomic_load(&g_log);
            if (log) fprintf(log, "%s\n", text ? text : "?");
        }
    }
    return 0;
}

static int on_connection(sqlite3* db, const char** err, const struct sqlite3_api_routines* api) {
    (void)err, (void)api;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, NULL);
    return SQLITE_OK;
}

/* ---- public ------------------------------------------------------------------------------- */

int counting_vfs_register(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&g_registered, &expected, 1)) return SQLITE_OK;
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK) goto failed;
    g_root = sqlite3_vfs_find(NULL);
    if (!g_root) {
        rc = SQLITE_ERROR;
        goto failed;
    }
    memset(&g_vfs, 0, sizeof g_vfs);
    g_vfs.iVersion = 3;
    g_vfs.szOsFile = (int)sizeof(counting_file) + g_root->szOsFile;
    g_vfs.mxPathname = g_root->mxPathname;
    g_vfs.zName = COUNTING_VFS_NAME;
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full_pathname;
    g_vfs.xDlOpen = v_dl_open;
    g_vfs.xDlError = v_dl_error;
    g_vfs.xDlSym = v_dl_sym;
    g_vfs.xDlClose = v_dl_close;
    g_vfs.xRandomness = v_randomness;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_current_time;
    g_vfs.xGetLastError = v_get_last_error;
    g_vfs.xCurrentTimeInt64 = v_current_time_int64;
    g_vfs.xSetSystemCall = v_set_system_call;
    g_vfs.xGetSystemCall = v_get_system_call;
    g_vfs.xNextSystemCall = v_next_system_call;
    rc = sqlite3_vfs_register(&g_vfs, 1);
    if (rc != SQLITE_OK) goto failed;
    rc = sqlite3_auto_extension((void (*)(void))on_connection);
    if (rc != SQLITE_OK) {
        sqlite3_vfs_unregister(&g_vfs);
        goto failed;
    }
    return SQLITE_OK;
failed:
    atomic_store(&g_registered, 0);
    return rc;
}

counting_vfs_counts counting_vfs_read(void) {
    counting_vfs_counts c;
    c.write_txns = atomic_load_explicit(&g_write_txns, memory_order_relaxed);
    c.syncs = atomic_load_explicit(&g_syncs, memory_order_relaxed);
    c.statements = atomic_load_explicit(&g_statements, memory_order_relaxed);
    return c;
}

void counting_vfs_reset(void) {
    atomic_store_explicit(&g_write_txns, 0, memory_order_relaxed);
    atomic_store_explicit(&g_syncs, 0, memory_order_relaxed);
    atomic_store_explicit(&g_statements, 0, memory_order_relaxed);
}

void counting_vfs_log(int on, void* to) { atomic_store(&g_log, on ? (FILE*)to : NULL); }

counting_vfs_counts counting_vfs_diff(counting_vfs_counts a, counting_vfs_counts b) {
    counting_vfs_counts d;
    d.write_txns = b.write_txns - a.write_txns;
    d.syncs = b.syncs - a.syncs;
    d.statements = b.statements - a.statements;
    return d;
}
