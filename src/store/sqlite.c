/*
 * sqlite.c - the SQLite backend of the db interface (the embedded default).
 *
 * Opened for safety first: WAL journal (readers never block the writer),
 * synchronous=FULL (an acknowledged commit survives power loss), foreign
 * keys enforced, a busy timeout so that concurrent writers wait instead of
 * failing. SQLite's result codes are mapped to err codes here so services
 * see the same errors whichever backend runs.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "base/local_time.h"
#include "store/backend.h"

static int sqlite_fail(sqlite3 *handle, int rc, err *e)
{
    int extended = sqlite3_extended_errcode(handle);
    const char *message = sqlite3_errmsg(handle);
    switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return err_set(e, ERR_CONFLICT, NULL, "already exists (%s)", message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return err_set(e, ERR_INVALID, NULL, "refers to a record that does not exist (%s)", message);
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_TRIGGER:
        return err_set(e, ERR_INVALID, NULL, "refused by the database (%s)", message);
    default:
        break;
    }
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return err_set(e, ERR_BUSY, NULL, "the database is busy, try again (%s)", message);
    return err_set(e, ERR_INTERNAL, NULL, "database error: %s", message);
}

static int sqlite_exec_script(void *handle, const char *sql, err *e)
{
    char *message = NULL;
    int rc = sqlite3_exec(handle, sql, NULL, NULL, &message);
    if (rc != SQLITE_OK) {
        err_set(e, rc == SQLITE_BUSY ? ERR_BUSY : ERR_INTERNAL, NULL, "database error: %s",
                message ? message : sqlite3_errstr(rc));
        sqlite3_free(message);
        return -1;
    }
    return 0;
}

/* --- the write-ahead log written a commit at a time ------------------------------
 *
 * SQLite writes each page of a commit to the write-ahead log with two
 * pwrite calls (its 24-byte frame header, then the page): a group commit of
 * twenty shipments, about 120 pages, made 240 system calls, some 370 us of
 * CPU where one pwrite of the same bytes takes 70 us (bench/README.md,
 * "shipment_bench"). The connections bloodops opens use a VFS that wraps
 * the default one: the log file's writes that follow one another are
 * gathered in memory and written by a few large pwrites (wal_flush) before
 * anything else is done to the file (a sync, a read, its size, a
 * truncation, a file control, its closing) or when they reach
 * WAL_BUFFER_MAX. Every other file is the default VFS's own. Nothing
 * becomes visible to another connection or durable any later: with
 * synchronous=FULL (sqlite_open) SQLite syncs the log before a commit is
 * published in the WAL index, and the sync writes the gathered bytes
 * first; a process killed before that sync loses only frames of a commit
 * that did not happen. A log write is never left gathered once its
 * transaction ends without a commit: the page cache never spills
 * (cache_spill=OFF, sqlite_open), so a transaction's frames are written
 * only by its commit, which ends with the sync. (A spilled transaction
 * rolled back would leave its frames gathered past the end of its write
 * lock, and write them later over the frames another connection committed
 * at the same place: tests/unit/test_store_wal.c.) The cost: a
 * transaction larger than the cache holds all its pages in memory.
 * (Connections of other programs, and raw sqlite3_open in this process,
 * keep the default VFS: a connection that commits without a sync,
 * synchronous=OFF or NORMAL, would publish frames still gathered here;
 * so a connection whose commits are not synced, db_commits_synced, writes
 * its log's frames as they come: sqlite_commits_synced.) */

enum { WAL_BUFFER_MAX = 4 * 1024 * 1024 };

typedef struct {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, just after this struct */
    char *gathered;
    size_t length, capacity;
    sqlite3_int64 offset; /* where gathered[0] goes in the file */
    int unsynced; /* commits are not synced: nothing is gathered (sqlite_commits_synced) */
} wal_file;

static sqlite3_vfs *wal_parent;
#define WAL_REAL_OFFSET ((sizeof(wal_file) + 7) & ~(size_t)7)

/* The default VFS writes at most 128 KiB - 1 bytes at once (it masks a
 * longer length, and answers SQLITE_FULL for what it did not write). */
enum { WAL_WRITE_MAX = 96 * 1024 };

static int wal_flush(wal_file *f)
{
    int rc = SQLITE_OK;
    for (size_t done = 0; done < f->length && rc == SQLITE_OK; done += WAL_WRITE_MAX) {
        size_t piece = f->length - done < WAL_WRITE_MAX ? f->length - done : WAL_WRITE_MAX;
        rc = f->real->pMethods->xWrite(f->real, f->gathered + done, (int)piece,
                                       f->offset + (sqlite3_int64)done);
    }
    f->length = 0;
    return rc;
}

static int wal_close(sqlite3_file *file)
{
    wal_file *f = (wal_file *)file;
    int flushed = wal_flush(f);
    int rc = f->real->pMethods->xClose(f->real);
    sqlite3_free(f->gathered);
    f->gathered = NULL;
    return flushed != SQLITE_OK ? flushed : rc;
}

static int wal_read(sqlite3_file *file, void *data, int amount, sqlite3_int64 offset)
{
    wal_file *f = (wal_file *)file;
    int rc = wal_flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, data, amount, offset);
}

static int wal_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
    wal_file *f = (wal_file *)file;
    size_t size = (size_t)amount;
    if (f->length && (offset != f->offset + (sqlite3_int64)f->length ||
                      f->length + size > WAL_BUFFER_MAX)) {
        int rc = wal_flush(f);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (size > WAL_BUFFER_MAX || f->unsynced) /* SQLite writes a page or a header at a time */
        return f->real->pMethods->xWrite(f->real, data, amount, offset);
    if (f->length + size > f->capacity) {
        size_t capacity = f->capacity ? f->capacity : 64 * 1024;
        while (capacity < f->length + size)
            capacity *= 2;
        char *grown = sqlite3_realloc64(f->gathered, capacity);
        if (!grown) {
            int rc = wal_flush(f);
            return rc != SQLITE_OK ? rc
                                   : f->real->pMethods->xWrite(f->real, data, amount, offset);
        }
        f->gathered = grown;
        f->capacity = capacity;
    }
    if (!f->length)
        f->offset = offset;
    memcpy(f->gathered + f->length, data, size);
    f->length += size;
    return SQLITE_OK;
}

static int wal_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    wal_file *f = (wal_file *)file;
    int rc = wal_flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wal_sync(sqlite3_file *file, int flags)
{
    wal_file *f = (wal_file *)file;
    int rc = wal_flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wal_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    wal_file *f = (wal_file *)file;
    int rc = wal_flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int wal_file_control(sqlite3_file *file, int op, void *argument)
{
    wal_file *f = (wal_file *)file;
    int rc = wal_flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, argument);
}

/* The rest is the default VFS's file, as it is. */
#define WAL_REAL(file) (((wal_file *)(file))->real)
static int wal_lock(sqlite3_file *file, int level)
{
    return WAL_REAL(file)->pMethods->xLock(WAL_REAL(file), level);
}
static int wal_unlock(sqlite3_file *file, int level)
{
    return WAL_REAL(file)->pMethods->xUnlock(WAL_REAL(file), level);
}
static int wal_check_reserved_lock(sqlite3_file *file, int *out)
{
    return WAL_REAL(file)->pMethods->xCheckReservedLock(WAL_REAL(file), out);
}
static int wal_sector_size(sqlite3_file *file)
{
    return WAL_REAL(file)->pMethods->xSectorSize(WAL_REAL(file));
}
static int wal_device_characteristics(sqlite3_file *file)
{
    return WAL_REAL(file)->pMethods->xDeviceCharacteristics(WAL_REAL(file));
}
static int wal_shm_map(sqlite3_file *file, int region, int size, int extend,
                       void volatile **out)
{
    return WAL_REAL(file)->pMethods->xShmMap(WAL_REAL(file), region, size, extend, out);
}
static int wal_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
    return WAL_REAL(file)->pMethods->xShmLock(WAL_REAL(file), offset, n, flags);
}
static void wal_shm_barrier(sqlite3_file *file)
{
    WAL_REAL(file)->pMethods->xShmBarrier(WAL_REAL(file));
}
static int wal_shm_unmap(sqlite3_file *file, int delete_flag)
{
    return WAL_REAL(file)->pMethods->xShmUnmap(WAL_REAL(file), delete_flag);
}
static int wal_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
    wal_file *f = (wal_file *)file;
    int rc = wal_flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFetch(f->real, offset, amount, out);
}
static int wal_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *page)
{
    return WAL_REAL(file)->pMethods->xUnfetch(WAL_REAL(file), offset, page);
}

static const sqlite3_io_methods wal_methods = {
    3,           wal_close,      wal_read,         wal_write,
    wal_truncate, wal_sync,      wal_file_size,    wal_lock,
    wal_unlock,  wal_check_reserved_lock, wal_file_control, wal_sector_size,
    wal_device_characteristics, wal_shm_map, wal_shm_lock, wal_shm_barrier,
    wal_shm_unmap, wal_fetch,    wal_unfetch,
};

static int wal_vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                        int *out_flags)
{
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL))
        return wal_parent->xOpen(wal_parent, name, file, flags, out_flags);
    wal_file *f = (wal_file *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)((char *)file + WAL_REAL_OFFSET);
    int rc = wal_parent->xOpen(wal_parent, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK || !f->real->pMethods || f->real->pMethods->iVersion < 3) {
        if (rc == SQLITE_OK && f->real->pMethods)
            f->real->pMethods->xClose(f->real);
        file->pMethods = NULL;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    file->pMethods = &wal_methods;
    return SQLITE_OK;
}

static sqlite3_vfs wal_vfs;

/* Everything but opening is the default VFS's. */
static int wal_vfs_delete(sqlite3_vfs *v, const char *name, int sync)
{
    (void)v;
    return wal_parent->xDelete(wal_parent, name, sync);
}
static int wal_vfs_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return wal_parent->xAccess(wal_parent, name, flags, out);
}
static int wal_vfs_full_pathname(sqlite3_vfs *v, const char *name, int size, char *out)
{
    (void)v;
    return wal_parent->xFullPathname(wal_parent, name, size, out);
}
static void *wal_vfs_dl_open(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return wal_parent->xDlOpen(wal_parent, name);
}
static void wal_vfs_dl_error(sqlite3_vfs *v, int size, char *out)
{
    (void)v;
    wal_parent->xDlError(wal_parent, size, out);
}
static void (*wal_vfs_dl_sym(sqlite3_vfs *v, void *handle, const char *symbol))(void)
{
    (void)v;
    return wal_parent->xDlSym(wal_parent, handle, symbol);
}
static void wal_vfs_dl_close(sqlite3_vfs *v, void *handle)
{
    (void)v;
    wal_parent->xDlClose(wal_parent, handle);
}
static int wal_vfs_randomness(sqlite3_vfs *v, int size, char *out)
{
    (void)v;
    return wal_parent->xRandomness(wal_parent, size, out);
}
static int wal_vfs_sleep(sqlite3_vfs *v, int microseconds)
{
    (void)v;
    return wal_parent->xSleep(wal_parent, microseconds);
}
static int wal_vfs_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return wal_parent->xCurrentTime(wal_parent, out);
}
static int wal_vfs_get_last_error(sqlite3_vfs *v, int size, char *out)
{
    (void)v;
    return wal_parent->xGetLastError(wal_parent, size, out);
}
static int wal_vfs_current_time_int64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return wal_parent->xCurrentTimeInt64(wal_parent, out);
}

#define WAL_VFS_NAME "bloodops-wal"

/* Register the VFS (once, before the first connection): 0, or -1 when the
 * default VFS is not one it can wrap (its connections then use the
 * default). */
static int wal_vfs_register(void)
{
    wal_parent = sqlite3_vfs_find(NULL);
    if (!wal_parent || wal_parent->iVersion < 2 || !wal_parent->xCurrentTimeInt64)
        return -1;
    wal_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)(WAL_REAL_OFFSET + (size_t)wal_parent->szOsFile),
        .mxPathname = wal_parent->mxPathname,
        .zName = WAL_VFS_NAME,
        .xOpen = wal_vfs_open,
        .xDelete = wal_vfs_delete,
        .xAccess = wal_vfs_access,
        .xFullPathname = wal_vfs_full_pathname,
        .xDlOpen = wal_vfs_dl_open,
        .xDlError = wal_vfs_dl_error,
        .xDlSym = wal_vfs_dl_sym,
        .xDlClose = wal_vfs_dl_close,
        .xRandomness = wal_vfs_randomness,
        .xSleep = wal_vfs_sleep,
        .xCurrentTime = wal_vfs_current_time,
        .xGetLastError = wal_vfs_get_last_error,
        .xCurrentTimeInt64 = wal_vfs_current_time_int64,
    };
    return sqlite3_vfs_register(&wal_vfs, 0) == SQLITE_OK ? 0 : -1;
}

static int wal_vfs_ready;

/* Before the first connection: no global memory statistics, whose mutex
 * every allocation of every connection would take (server threads contend
 * on it); and statement and savepoint journals kept in memory, never in a
 * temporary file, so that the savepoint of each request in a group commit
 * (store/group_commit.c) costs no file writes. (They hold the original of
 * each page the statement or savepoint changed: a request's few pages, a
 * migration's dropped index.) Always in memory (-1), not "up to N bytes":
 * SQLite 3.40 fails a statement with "database or disk is full" when its
 * journal outgrows a limit above the default 64 KiB and moves to a file,
 * which made dropping an index of a large database fail. */
static void sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
    wal_vfs_ready = wal_vfs_register() == 0;
}

/* local_date(zone, instant [, days]) (schema/010_time_zones.sql): the
 * local date of a stored UTC time in a zone, `days` days later. An unknown
 * zone or an unreadable time fails the statement rather than answer a
 * date that could be wrong. */
static void sqlite_local_date(sqlite3_context *context, int count, sqlite3_value **values)
{
    const char *zone = (const char *)sqlite3_value_text(values[0]);
    const char *instant = (const char *)sqlite3_value_text(values[1]);
    if (!zone || !instant || (count == 3 && sqlite3_value_type(values[2]) == SQLITE_NULL)) {
        sqlite3_result_null(context);
        return;
    }
    int64_t seconds;
    civil_day day;
    err e;
    if (timestamp_parse(instant, &seconds, "instant", &e) ||
        local_date_of(zone, seconds, &day, &e)) {
        sqlite3_result_error(context, e.message, -1);
        return;
    }
    if (count == 3) {
        sqlite3_int64 days = sqlite3_value_int64(values[2]);
        if (days < -100000 || days > 100000) {
            sqlite3_result_error(context, "local_date: days out of range", -1);
            return;
        }
        day = date_add_days(day, (int32_t)days);
    }
    char text[DATE_TEXT_MAX];
    sqlite3_result_text(context, date_format(day, text, sizeof text), -1, SQLITE_TRANSIENT);
}

/* In WAL mode NORMAL syncs the log at checkpoints only: a commit may be
 * lost by a crash, never half kept. The log's writes are then no longer
 * gathered (see wal_file): a commit without a sync publishes its frames in
 * the WAL index at once, so they must be in the file by then. */
static int sqlite_commits_synced(void *handle, int synced, err *e)
{
    sqlite3_file *log = NULL;
    /* The log is opened with the first read: read, then find it. */
    if (sqlite_exec_script(handle, "SELECT count(*) FROM sqlite_schema", e))
        return -1;
    if (sqlite3_file_control(handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log) != SQLITE_OK ||
        !log || !log->pMethods)
        return err_set(e, ERR_INTERNAL, NULL, "the database's log is not open");
    if (log->pMethods == &wal_methods) {
        wal_file *f = (wal_file *)log;
        int rc = wal_flush(f);
        if (rc != SQLITE_OK)
            return err_set(e, ERR_INTERNAL, NULL, "database error: %s", sqlite3_errstr(rc));
        f->unsynced = !synced;
    }
    return sqlite_exec_script(handle, synced ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                              e);
}

/* A negative cache_size counts KiB. */
static int sqlite_cache_kib(void *handle, long kib, err *e)
{
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%ld", kib);
    return sqlite_exec_script(handle, pragma, e);
}

static int sqlite_checkpoint_pages(void *handle, int pages, err *e)
{
    if (sqlite3_wal_autocheckpoint(handle, pages) != SQLITE_OK)
        return err_set(e, ERR_INTERNAL, NULL, "database error: %s", sqlite3_errmsg(handle));
    return 0;
}

static int sqlite_open(const char *location, void **out, err *e)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, sqlite_configure);
    sqlite3 *handle = NULL;
    int rc = sqlite3_open_v2(location, &handle,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             wal_vfs_ready ? WAL_VFS_NAME : NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_INTERNAL, "db", "cannot open database %s: %s", location,
                handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
        sqlite3_close(handle);
        return -1;
    }
    sqlite3_extended_result_codes(handle, 1);
    sqlite3_busy_timeout(handle, 10000);
    if (sqlite_exec_script(handle,
                           "PRAGMA journal_mode=WAL;"
                           "PRAGMA synchronous=FULL;"
                           "PRAGMA cache_spill=OFF;"
                           "PRAGMA foreign_keys=ON;"
                           "PRAGMA trusted_schema=OFF;",
                           e) != 0) {
        sqlite3_close(handle);
        return -1;
    }
    for (int count = 2; count <= 3; count++)
        if (sqlite3_create_function_v2(handle, "local_date", count,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                       NULL, sqlite_local_date, NULL, NULL, NULL) != SQLITE_OK) {
            err_set(e, ERR_INTERNAL, "db", "cannot set up database %s: %s", location,
                    sqlite3_errmsg(handle));
            sqlite3_close(handle);
            return -1;
        }
    *out = handle;
    return 0;
}

static void sqlite_close(void *handle) { sqlite3_close_v2(handle); }

/* The change marker (backend.h) of a database in WAL mode: the two copies
 * of the WAL-index header that start the shared memory SQLite maps beside
 * the database (https://www.sqlite.org/walformat.html, "The WAL-Index
 * Header", 48 bytes each). Every commit, by any connection of any process,
 * rewrites them (frame count, change counter, checksums); SQLite reads them
 * itself to know whether a reader's cache still holds. The memory is the
 * one SQLite mapped for this connection, asked of its own file object
 * (xShmMap of region 0, never extending it): no second descriptor of the
 * file is opened, whose closing would drop the process's locks on it. It
 * stays mapped until the connection closes. */
enum { WAL_INDEX_REGION = 32768, WAL_INDEX_HEADERS = 96 };

static int sqlite_in_wal_mode(sqlite3 *handle)
{
    sqlite3_stmt *statement = NULL;
    int wal = sqlite3_prepare_v2(handle, "PRAGMA main.journal_mode", -1, &statement, NULL) ==
                  SQLITE_OK &&
              sqlite3_step(statement) == SQLITE_ROW &&
              sqlite3_stricmp((const char *)sqlite3_column_text(statement, 0), "wal") == 0;
    sqlite3_finalize(statement);
    return wal;
}

static int sqlite_change_marker(void *handle, const volatile void **marker, size_t *length)
{
    if (sqlite3_txn_state(handle, "main") != SQLITE_TXN_READ)
        return 0; /* the shared memory is mapped once a read began */
    sqlite3_file *file = NULL;
    volatile void *region = NULL;
    if (!sqlite_in_wal_mode(handle) ||
        sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
        !file || !file->pMethods || file->pMethods->iVersion < 2 || !file->pMethods->xShmMap ||
        file->pMethods->xShmMap(file, 0, WAL_INDEX_REGION, 0, &region) != SQLITE_OK || !region)
        return -1;
    *marker = region;
    *length = WAL_INDEX_HEADERS;
    return 1;
}

static int64_t sqlite_changes(void *handle) { return sqlite3_changes64(handle); }

static int sqlite_prepare(void *handle, const char *sql, void **statement, err *e)
{
    sqlite3_stmt *prepared = NULL;
    int rc = sqlite3_prepare_v3(handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, NULL);
    if (rc != SQLITE_OK)
        return sqlite_fail(handle, rc, e);
    *statement = prepared;
    return 0;
}

/* returning_id_rewrite (backend.h): the statement must be exactly
 * "INSERT INTO <table> (<columns>) VALUES (<one row>) RETURNING id", with
 * no ON CONFLICT, SELECT or OR (where RETURNING and the last rowid could
 * differ: an upsert's update, several rows, an ignored row), into a table
 * with a rowid whose one-column primary key `id` is declared INTEGER (the
 * rowid itself, unless declared DESC). Checked once, when the statement is
 * prepared. */
static int sqlite_returning_id_rewrite(void *handle, const char *sql, size_t *keep)
{
    static const char prefix[] = "INSERT INTO ", suffix[] = " RETURNING id";
    size_t length = strlen(sql), suffix_length = sizeof suffix - 1;
    if (strncmp(sql, prefix, sizeof prefix - 1) != 0 || length <= suffix_length ||
        strcmp(sql + length - suffix_length, suffix) != 0 || strstr(sql, "ON CONFLICT") ||
        strstr(sql, "SELECT") || strstr(sql, " OR "))
        return 0;
    const char *name = sql + sizeof prefix - 1;
    size_t name_length = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_");
    if (!name_length || name_length > 64 ||
        (name[name_length] != ' ' && name[name_length] != '('))
        return 0;
    /* one parenthesised row after VALUES, and nothing but the suffix after it */
    const char *values = strstr(name, " VALUES (");
    if (!values)
        return 0;
    const char *p = values + 8;
    int depth = 0;
    for (; *p; p++) {
        if (*p == '\'') {
            p = strchr(p + 1, '\'');
            if (!p)
                return 0;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth == 0) {
            break;
        }
    }
    if (!*p || (size_t)(p + 1 - sql) != length - suffix_length)
        return 0;
    char table[65];
    memcpy(table, name, name_length);
    table[name_length] = '\0';
    const char *type = NULL;
    int primary = 0;
    if (sqlite3_table_column_metadata(handle, "main", table, "id", &type, NULL, NULL, &primary,
                                      NULL) != SQLITE_OK ||
        !primary || !type || sqlite3_stricmp(type, "INTEGER") != 0 ||
        sqlite3_table_column_metadata(handle, "main", table, "rowid", NULL, NULL, NULL, NULL,
                                      NULL) != SQLITE_OK)
        return 0; /* not the rowid, or a table WITHOUT ROWID */
    sqlite3_stmt *check = NULL;
    int plain = sqlite3_prepare_v2(handle,
                                   "SELECT (SELECT COUNT(*) FROM pragma_table_info(?1) "
                                   "WHERE pk > 0) = 1 AND (SELECT sql FROM sqlite_schema "
                                   "WHERE type = 'table' AND name = ?1) "
                                   "NOT LIKE '%PRIMARY KEY DESC%'",
                                   -1, &check, NULL) == SQLITE_OK &&
                sqlite3_bind_text(check, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
                sqlite3_step(check) == SQLITE_ROW && sqlite3_column_int(check, 0) == 1;
    sqlite3_finalize(check);
    if (!plain)
        return 0;
    *keep = length - suffix_length;
    return 1;
}

static int64_t sqlite_last_insert_id(void *handle) { return sqlite3_last_insert_rowid(handle); }

static void sqlite_finalize(void *statement) { sqlite3_finalize(statement); }
static void sqlite_reset(void *statement)
{
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
}
static void sqlite_bind_int64(void *statement, int index, int64_t value)
{
    sqlite3_bind_int64(statement, index, value);
}
static void sqlite_bind_text(void *statement, int index, const char *text)
{
    if (text)
        sqlite3_bind_text(statement, index, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(statement, index);
}
static void sqlite_bind_text_static(void *statement, int index, const char *text)
{
    if (text)
        sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(statement, index);
}
static void sqlite_bind_null(void *statement, int index) { sqlite3_bind_null(statement, index); }

static db_step_result sqlite_step(void *statement, err *e)
{
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    sqlite_fail(sqlite3_db_handle(statement), rc, e);
    sqlite3_reset(statement);
    return DB_FAILED;
}

static int64_t sqlite_column_int64(void *statement, int column)
{
    return sqlite3_column_int64(statement, column);
}
static const char *sqlite_column_text(void *statement, int column)
{
    return (const char *)sqlite3_column_text(statement, column);
}
static int sqlite_column_is_null(void *statement, int column)
{
    return sqlite3_column_type(statement, column) == SQLITE_NULL;
}
static int sqlite_column_count(void *statement) { return sqlite3_column_count(statement); }
static const char *sqlite_column_name(void *statement, int column)
{
    return sqlite3_column_name(statement, column);
}

/* Online backup: every page copied in one step, inside one read
 * transaction, so the copy is the database as of one moment. In WAL mode a
 * reader holds up no writer, so writes go on meanwhile; copying in small
 * steps instead would start over after every commit of another connection,
 * and never finish under a steady write load. The copy is written to
 * PATH.partial, checked (PRAGMA integrity_check) and renamed when complete,
 * so PATH never holds half a backup or a damaged one. */
static int sqlite_backup(void *handle, const char *path, err *e)
{
    char partial[4096];
    snprintf(partial, sizeof partial, "%s.partial", path);
    if (access(path, F_OK) == 0)
        return err_set(e, ERR_CONFLICT, "file", "%s already exists: choose a new file", path);
    sqlite3 *target = NULL;
    unlink(partial);
    if (sqlite3_open_v2(partial, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        err_set(e, ERR_INVALID, "file", "cannot create %s: %s", partial, sqlite3_errmsg(target));
        sqlite3_close(target);
        return -1;
    }
    sqlite3_backup *backup = sqlite3_backup_init(target, "main", handle, "main");
    if (!backup) {
        err_set(e, ERR_INTERNAL, "file", "cannot start the backup: %s", sqlite3_errmsg(target));
        sqlite3_close(target);
        unlink(partial);
        return -1;
    }
    int rc;
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        err_set(e, ERR_INTERNAL, "file", "the backup failed: %s", sqlite3_errstr(rc));
        sqlite3_close(target);
        unlink(partial);
        return -1;
    }
    /* The copy is a plain rollback-journal file: one file to move around. */
    sqlite3_exec(target, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    char *damage = NULL;
    sqlite3_stmt *check = NULL;
    if (sqlite3_prepare_v2(target, "PRAGMA integrity_check", -1, &check, NULL) == SQLITE_OK &&
        sqlite3_step(check) == SQLITE_ROW &&
        strcmp((const char *)sqlite3_column_text(check, 0), "ok") != 0)
        damage = sqlite3_mprintf("%s", sqlite3_column_text(check, 0));
    else if (!check)
        damage = sqlite3_mprintf("the check could not run: %s", sqlite3_errmsg(target));
    sqlite3_finalize(check);
    sqlite3_close(target);
    if (damage) {
        err_set(e, ERR_INTERNAL, "file", "the copy failed its integrity check: %s", damage);
        sqlite3_free(damage);
        unlink(partial);
        return -1;
    }
    if (rename(partial, path) != 0) {
        unlink(partial);
        return err_set(e, ERR_INTERNAL, "file", "cannot rename the backup to %s", path);
    }
    return 0;
}

const db_backend db_backend_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .exec_script = sqlite_exec_script,
    .changes = sqlite_changes,
    .prepare = sqlite_prepare,
    .finalize = sqlite_finalize,
    .reset = sqlite_reset,
    .bind_int64 = sqlite_bind_int64,
    .bind_text = sqlite_bind_text,
    .bind_text_static = sqlite_bind_text_static,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .column_int64 = sqlite_column_int64,
    .column_text = sqlite_column_text,
    .column_is_null = sqlite_column_is_null,
    .column_count = sqlite_column_count,
    .column_name = sqlite_column_name,
    .returning_id_rewrite = sqlite_returning_id_rewrite,
    .last_insert_id = sqlite_last_insert_id,
    .backup = sqlite_backup,
    .list_tables_sql = "SELECT name FROM sqlite_schema WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite_%' ORDER BY name",
    .control_prepared = 1,
    .statement_locks = 1,
    .change_marker = sqlite_change_marker,
    .begin_write_sql = "BEGIN IMMEDIATE",
    .begin_read_sql = "BEGIN DEFERRED",
    .commits_synced = sqlite_commits_synced,
    .cache_kib = sqlite_cache_kib,
    .checkpoint_pages = sqlite_checkpoint_pages,
    .foreign_keys_off_sql = "PRAGMA foreign_keys=OFF",
    .foreign_keys_on_sql = "PRAGMA foreign_keys=ON",
    .foreign_key_check_sql = "PRAGMA foreign_key_check",
};
