/*
 * db.c - the backend-independent half of the db interface.
 *
 * Holds the connection object, the per-connection statement cache (keyed by
 * SQL text, so a statement is parsed once per connection and reused), the
 * transaction bookkeeping, the migration runner and the fingerprint. The
 * backend (sqlite.c, later postgres.c) does the actual talking.
 */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "store/backend.h"
#include "store/group_commit.h"
#include "base/buffer.h"
#include "base/date.h"

enum { STATEMENT_BUCKETS = 128, CHANGE_MARK_MAX = 128 };

struct db_stmt {
    db_conn *conn;
    void *backend_statement;
    char *sql;
    uint64_t sql_hash;
    struct db_stmt *next_in_bucket;
    /* An INSERT ... RETURNING id run without its RETURNING clause
     * (backend returning_id_rewrite): db_step answers its one row itself,
     * the id the backend's last_insert_id. returned: 1 while that row is
     * the current one, 2 once stepped past it. */
    int returns_id;
    int returned;
    int64_t id;
    char id_text[24];
};

/* What the open transaction of a connection is. */
typedef enum {
    TX_NONE,
    TX_OWN,       /* BEGIN ... COMMIT */
    TX_OUTER,     /* the first transaction of a job: the job's own, committed by
                     db_job_end */
    TX_SAVEPOINT, /* a savepoint inside the job's transaction */
    TX_SCOPED     /* a read snapshot inside a read scope: the scope's */
} tx_kind;

struct db_conn {
    const db_backend *backend;
    void *handle;
    tx_kind tx;
    int tx_writes;  /* the open transaction was begun by db_begin */
    db_stmt *statements[STATEMENT_BUCKETS];
    int job;        /* db_job_begin ... db_job_end */
    int job_outer;  /* the job's transaction is open */
    int job_kept;   /* write transactions kept in it */
    int job_broken; /* a savepoint could not be rolled back: the job fails */
    int read_scope; /* db_read_scope_begin: its read transaction is open */
    db_writer *turns; /* write transactions take turns with this writer */
    int turn_held;
    int write_window; /* a write transaction of it is open or starting:
                         counted in writes_in_progress */
    /* db_read_snapshots_keep: the read transaction of a scope left open
     * for the next scope while nothing changed. keep_lock guards
     * snapshot_kept and the ending of a kept snapshot (by another thread:
     * write_window_open). */
    int keeps_snapshots;
    pthread_mutex_t keep_lock;
    int snapshot_kept;
    const volatile void *change_marker; /* backend change_marker, once found */
    size_t change_marker_length;
    int change_marker_missing; /* the backend said the connection has none */
    int snapshot_marked; /* snapshot_mark holds the marker read just before
                            the open snapshot began */
    uint32_t snapshot_mark[CHANGE_MARK_MAX / 4];
    db_conn *next_keeper;
};

#define SAVEPOINT_SQL "SAVEPOINT bloodops_job"
#define RELEASE_SQL "RELEASE bloodops_job"
#define ROLLBACK_TO_SQL "ROLLBACK TO bloodops_job"

/* The cache key of a statement's SQL: FNV-1a-style mixing, eight bytes at
 * a time, over its length and its first and last 48 bytes, which tell
 * apart the statements of a program cheaply (db_prepare runs for every
 * statement a request runs; equal keys are told apart by comparing the
 * whole text). */
static uint64_t hash_text(const char *text)
{
    enum { EDGE = 48 };
    size_t length = strlen(text);
    uint64_t hash = 1469598103934665603ULL ^ length;
    size_t spans[2][2] = {{0, length < 2 * EDGE ? length : EDGE},
                          {length < 2 * EDGE ? length : length - EDGE, length}};
    for (int s = 0; s < 2; s++) {
        size_t i = spans[s][0];
        for (; i + 8 <= spans[s][1]; i += 8) {
            uint64_t word;
            memcpy(&word, text + i, 8);
            hash = (hash ^ word) * 1099511628211ULL;
        }
        for (; i < spans[s][1]; i++)
            hash = (hash ^ (unsigned char)text[i]) * 1099511628211ULL;
    }
    return hash ^ (hash >> 29);
}

static int run_migrations(db_conn *conn, err *e);

int db_is_postgres(const char *location)
{
    return strncmp(location, "postgres://", 11) == 0 || strncmp(location, "postgresql://", 13) == 0;
}

int db_open(const char *location, db_conn **out, err *e)
{
    if (!location || !*location)
        return err_set(e, ERR_INVALID, "db", "no database given");
    if (sodium_init() < 0)
        return err_set(e, ERR_INTERNAL, NULL, "libsodium failed to initialise");
    db_conn *conn = calloc(1, sizeof *conn);
    if (!conn)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    conn->backend = db_is_postgres(location) ? &db_backend_postgres : &db_backend_sqlite;
    if (conn->backend->open(location, &conn->handle, e) != 0) {
        free(conn);
        return -1;
    }
    if (run_migrations(conn, e) != 0) {
        db_close(conn);
        return -1;
    }
    *out = conn;
    return 0;
}

static void keeper_forget(db_conn *conn);
static void turn_give(db_conn *conn);

void db_close(db_conn *conn)
{
    if (!conn)
        return;
    keeper_forget(conn);
    turn_give(conn); /* a write transaction left open ends with the connection */
    for (int i = 0; i < STATEMENT_BUCKETS; i++) {
        db_stmt *stmt = conn->statements[i];
        while (stmt) {
            db_stmt *next = stmt->next_in_bucket;
            conn->backend->finalize(stmt->backend_statement);
            free(stmt->sql);
            free(stmt);
            stmt = next;
        }
    }
    conn->backend->close(conn->handle);
    free(conn);
}

const char *db_backend_name(const db_conn *conn) { return conn->backend->name; }

int db_connected(const db_conn *conn)
{
    return !conn->backend->connected || conn->backend->connected(conn->handle);
}

/* BEGIN, COMMIT, SAVEPOINT...: prepared once per connection where the
 * backend can (they run for every request). */
static int control(db_conn *conn, const char *sql, err *e)
{
    if (!conn->backend->control_prepared)
        return conn->backend->exec_script(conn->handle, sql, e);
    db_stmt *stmt;
    return db_prepare(conn, sql, &stmt, e) || db_exec_stmt(stmt, e) ? -1 : 0;
}

/* Reset every cached statement: one left mid-step would keep its read
 * open. */
static void reset_statements(db_conn *conn)
{
    for (int i = 0; i < STATEMENT_BUCKETS; i++)
        for (db_stmt *stmt = conn->statements[i]; stmt; stmt = stmt->next_in_bucket)
            db_reset(stmt);
}

/* A read snapshot's transaction ends. */
static void snapshot_end(db_conn *conn)
{
    reset_statements(conn);
    control(conn, "COMMIT", NULL);
}

/* The read scope's snapshot ends (before a write, or at the scope's end). */
static void read_scope_release(db_conn *conn)
{
    if (!conn->read_scope)
        return;
    snapshot_end(conn);
    conn->read_scope = 0;
}

/* --- read snapshots kept between scopes ------------------------------------
 *
 * A read scope's snapshot takes and drops SQLite's locks on the WAL index
 * (fcntl calls under a mutex the worker threads contend for): most of a
 * DIN lookup's cost in the database. A connection that keeps snapshots
 * (db_read_snapshots_keep) leaves the transaction of a scope open when the
 * scope ends, and the next scope reuses it, but only while it is still the
 * database's latest state: the backend's change marker (sqlite.c: the
 * WAL-index header, which every commit of any process rewrites) is read
 * just before a snapshot begins and compared at the end of every scope
 * and before each reuse; any difference ends the snapshot and the scope
 * takes a new one. A read therefore never sees less than what was
 * committed before its request began, as without keeping.
 *
 * An idle snapshot must not hold the write-ahead log back: a reader's mark
 * stops checkpoints from copying later frames and from restarting the log.
 * So no snapshot is kept while a write transaction of this process is open
 * (writes_in_progress), and opening one (write_window_open) first ends
 * every kept snapshot of the process. A commit by another process (the
 * command line) leaves a kept snapshot in place, stale, until that
 * connection's next scope or this process's next write. */

static pthread_mutex_t keepers_lock = PTHREAD_MUTEX_INITIALIZER;
static db_conn *keepers; /* keepers_lock */
static atomic_int keeper_count;
static atomic_int writes_in_progress;

void db_read_snapshots_keep(db_conn *conn)
{
    if (conn->keeps_snapshots || !conn->backend->change_marker || !conn->backend->statement_locks)
        return;
    pthread_mutex_init(&conn->keep_lock, NULL);
    conn->keeps_snapshots = 1;
    pthread_mutex_lock(&keepers_lock);
    conn->next_keeper = keepers;
    keepers = conn;
    atomic_fetch_add(&keeper_count, 1);
    pthread_mutex_unlock(&keepers_lock);
}

int db_read_snapshot_kept(db_conn *conn)
{
    if (!conn->keeps_snapshots)
        return 0;
    pthread_mutex_lock(&conn->keep_lock);
    int kept = conn->snapshot_kept;
    pthread_mutex_unlock(&conn->keep_lock);
    return kept;
}

/* Take the kept snapshot back (1), or learn there is none (0). */
static int kept_snapshot_take(db_conn *conn)
{
    pthread_mutex_lock(&conn->keep_lock);
    int kept = conn->snapshot_kept;
    conn->snapshot_kept = 0;
    pthread_mutex_unlock(&conn->keep_lock);
    return kept;
}

/* Before the connection is used outside a read scope. */
static void kept_snapshot_end(db_conn *conn)
{
    if (conn->keeps_snapshots && kept_snapshot_take(conn))
        snapshot_end(conn);
}

static void keeper_forget(db_conn *conn)
{
    if (!conn->keeps_snapshots)
        return;
    pthread_mutex_lock(&keepers_lock);
    for (db_conn **link = &keepers; *link; link = &(*link)->next_keeper)
        if (*link == conn) {
            *link = conn->next_keeper;
            atomic_fetch_sub(&keeper_count, 1);
            break;
        }
    pthread_mutex_unlock(&keepers_lock);
    kept_snapshot_end(conn);
    pthread_mutex_destroy(&conn->keep_lock);
}

/* The marker, word by word: another process may be rewriting it. */
static void change_marker_read(const db_conn *conn, uint32_t *out)
{
    const volatile uint32_t *words = conn->change_marker;
    for (size_t i = 0; i < conn->change_marker_length / 4; i++)
        out[i] = words[i];
    atomic_thread_fence(memory_order_acquire);
}

static int snapshot_is_latest(const db_conn *conn)
{
    uint32_t now[CHANGE_MARK_MAX / 4];
    if (!conn->snapshot_marked)
        return 0;
    change_marker_read(conn, now);
    return memcmp(now, conn->snapshot_mark, conn->change_marker_length) == 0;
}

/* At the end of a scope whose snapshot is open: keep it (1) or not (0). */
static int snapshot_keep(db_conn *conn)
{
    if (!conn->change_marker) {
        /* Asked once per connection: then every snapshot is marked, or
         * none is kept. */
        const volatile void *marker = NULL;
        size_t length = 0;
        int found = conn->change_marker_missing
                        ? -1
                        : conn->backend->change_marker(conn->handle, &marker, &length);
        if (found > 0 && length > 0 && length <= CHANGE_MARK_MAX && length % 4 == 0) {
            conn->change_marker = marker;
            conn->change_marker_length = length;
        } else if (found != 0) {
            conn->change_marker_missing = 1;
        }
        return 0; /* this snapshot began unmarked */
    }
    if (!snapshot_is_latest(conn))
        return 0;
    pthread_mutex_lock(&conn->keep_lock);
    int keep = atomic_load(&writes_in_progress) == 0;
    conn->snapshot_kept = keep;
    pthread_mutex_unlock(&conn->keep_lock);
    return keep;
}

/* A write transaction is about to begin on `conn`: no snapshot is kept
 * until it ends, and those kept now end (their owners are between scopes
 * and do not touch their connections until they take keep_lock). */
static void write_window_open(db_conn *conn)
{
    if (conn->write_window)
        return;
    conn->write_window = 1;
    atomic_fetch_add(&writes_in_progress, 1);
    if (atomic_load(&keeper_count) == 0)
        return;
    pthread_mutex_lock(&keepers_lock);
    for (db_conn *keeper = keepers; keeper; keeper = keeper->next_keeper) {
        pthread_mutex_lock(&keeper->keep_lock);
        if (keeper->snapshot_kept) {
            keeper->snapshot_kept = 0;
            snapshot_end(keeper);
        }
        pthread_mutex_unlock(&keeper->keep_lock);
    }
    pthread_mutex_unlock(&keepers_lock);
}

static void write_window_close(db_conn *conn)
{
    if (!conn->write_window)
        return;
    conn->write_window = 0;
    atomic_fetch_sub(&writes_in_progress, 1);
}

void db_writer_take_turns(db_conn *conn, db_writer *writer) { conn->turns = writer; }

/* Around every write transaction: the write window (kept snapshots), and
 * the writer's turn for a connection that takes turns. */
static void turn_take(db_conn *conn)
{
    kept_snapshot_end(conn);
    write_window_open(conn);
    if (conn->turns && !conn->turn_held) {
        db_writer_turn_begin(conn->turns);
        conn->turn_held = 1;
    }
}

static void turn_give(db_conn *conn)
{
    if (conn->turn_held) {
        conn->turn_held = 0;
        db_writer_turn_end(conn->turns);
    }
    write_window_close(conn);
}

void db_job_begin(db_conn *conn)
{
    assert(!conn->job && conn->tx == TX_NONE);
    kept_snapshot_end(conn); /* the job may read before it writes */
    conn->job = 1;
    conn->job_kept = 0;
}

int db_job_kept(const db_conn *conn) { return conn->job_kept; }

int db_job_end(db_conn *conn, err *e)
{
    if (conn->tx != TX_NONE)
        db_rollback(conn);
    int rc = 0;
    if (conn->job_broken)
        rc = err_set(e, ERR_BUSY, NULL, "the database is busy, try again (a rollback failed)");
    if (conn->job_outer) {
        err failure;
        if (control(conn, "COMMIT", &failure) != 0) {
            reset_statements(conn);
            control(conn, "ROLLBACK", NULL);
            rc = err_set(e, ERR_BUSY, NULL, "the database is busy, try again (the commit failed: %s)",
                         failure.message);
        }
        conn->job_outer = 0;
    }
    turn_give(conn);
    conn->job = 0;
    conn->job_kept = 0;
    conn->job_broken = 0;
    return rc;
}

int db_cache_kib(db_conn *conn, long kib, err *e)
{
    if (kib <= 0)
        return err_set(e, ERR_INTERNAL, NULL, "a cache of %ld KiB", kib);
    return conn->backend->cache_kib ? conn->backend->cache_kib(conn->handle, kib, e) : 0;
}

int db_checkpoint_pages(db_conn *conn, int pages, err *e)
{
    if (pages <= 0)
        return err_set(e, ERR_INTERNAL, NULL, "a checkpoint every %d pages", pages);
    return conn->backend->checkpoint_pages ? conn->backend->checkpoint_pages(conn->handle, pages, e)
                                           : 0;
}

int db_commits_synced(db_conn *conn, int synced, err *e)
{
    if (conn->tx != TX_NONE || conn->job_outer)
        return err_set(e, ERR_INTERNAL, NULL, "commits' syncing changed inside a transaction");
    return conn->backend->commits_synced(conn->handle, synced, e);
}

/* A transaction inside a job: the job's own first one, or a savepoint. */
static int job_transaction_begin(db_conn *conn, int writes, err *e)
{
    if (conn->job_broken)
        return err_set(e, ERR_BUSY, NULL, "the database is busy, try again");
    if (conn->job_outer) {
        if (control(conn, SAVEPOINT_SQL, e) != 0)
            return -1;
        conn->tx = TX_SAVEPOINT;
    } else {
        turn_take(conn);
        if (control(conn, conn->backend->begin_write_sql, e) != 0) {
            turn_give(conn);
            return -1;
        }
        conn->job_outer = 1;
        conn->tx = TX_OUTER;
    }
    conn->tx_writes = writes;
    return 0;
}

int db_begin(db_conn *conn, err *e)
{
    assert(conn->tx == TX_NONE);
    read_scope_release(conn);
    if (conn->job)
        return job_transaction_begin(conn, 1, e);
    turn_take(conn);
    if (control(conn, conn->backend->begin_write_sql, e) != 0) {
        turn_give(conn);
        return -1;
    }
    conn->tx = TX_OWN;
    conn->tx_writes = 1;
    return 0;
}

int db_begin_read(db_conn *conn, err *e)
{
    assert(conn->tx == TX_NONE);
    /* After the job wrote: inside its transaction, seeing its writes. */
    if (conn->job_outer)
        return job_transaction_begin(conn, 0, e);
    if (conn->read_scope) {
        conn->tx = TX_SCOPED;
        conn->tx_writes = 0;
        return 0;
    }
    kept_snapshot_end(conn);
    if (control(conn, conn->backend->begin_read_sql, e) != 0)
        return -1;
    conn->tx = TX_OWN;
    conn->tx_writes = 0;
    return 0;
}

int db_commit(db_conn *conn, err *e)
{
    assert(conn->tx != TX_NONE);
    tx_kind kind = conn->tx;
    if ((kind == TX_OWN && control(conn, "COMMIT", e) != 0) ||
        (kind == TX_SAVEPOINT && control(conn, RELEASE_SQL, e) != 0)) {
        db_rollback(conn);
        return -1;
    }
    /* TX_OUTER is committed by db_job_end, TX_SCOPED ends with its scope. */
    conn->tx = TX_NONE;
    if (kind == TX_OWN)
        turn_give(conn);
    if ((kind == TX_OUTER || kind == TX_SAVEPOINT) && conn->tx_writes)
        conn->job_kept++;
    return 0;
}

void db_rollback(db_conn *conn)
{
    tx_kind kind = conn->tx;
    if (kind == TX_NONE || kind == TX_SCOPED) {
        conn->tx = TX_NONE;
        return;
    }
    /* Statements left mid-step would keep read locks; reset them all. */
    reset_statements(conn);
    if (kind == TX_SAVEPOINT) {
        /* If the savepoint cannot be undone (SQLite rolls the whole
         * transaction back on some errors: disk full, I/O), the job's
         * transaction is gone or unknown: end it, and fail the job, so that
         * no later savepoint starts (and commits) a transaction of its own
         * in autocommit mode and nothing kept before is reported kept. */
        if (control(conn, ROLLBACK_TO_SQL, NULL) != 0 || control(conn, RELEASE_SQL, NULL) != 0) {
            control(conn, "ROLLBACK", NULL);
            conn->job_outer = 0;
            conn->job_broken = 1;
        }
    } else {
        /* TX_OWN, or TX_OUTER: the job's first transaction, nothing else
         * is in it. */
        control(conn, "ROLLBACK", NULL);
        conn->job_outer = 0;
        turn_give(conn);
    }
    conn->tx = TX_NONE;
}

void db_read_scope_begin(db_conn *conn)
{
    assert(conn->tx == TX_NONE && !conn->read_scope);
    /* SQLite: there every statement outside a transaction takes and drops
     * its locks, which one transaction does once. */
    if (!conn->backend->statement_locks)
        return;
    if (conn->keeps_snapshots && kept_snapshot_take(conn)) {
        if (snapshot_is_latest(conn)) {
            conn->read_scope = 1;
            return;
        }
        snapshot_end(conn);
    }
    conn->snapshot_marked = conn->change_marker != NULL;
    if (conn->snapshot_marked)
        change_marker_read(conn, conn->snapshot_mark);
    if (control(conn, "BEGIN", NULL) == 0)
        conn->read_scope = 1;
}

void db_read_scope_end(db_conn *conn)
{
    if (conn->tx == TX_SCOPED)
        conn->tx = TX_NONE;
    if (conn->read_scope && conn->tx == TX_NONE && conn->keeps_snapshots && snapshot_keep(conn)) {
        conn->read_scope = 0;
        return;
    }
    read_scope_release(conn);
}

int db_in_transaction(const db_conn *conn) { return conn->tx != TX_NONE; }

int db_prepare(db_conn *conn, const char *sql, db_stmt **out, err *e)
{
    uint64_t hash = hash_text(sql);
    db_stmt **bucket = &conn->statements[hash % STATEMENT_BUCKETS];
    for (db_stmt *stmt = *bucket; stmt; stmt = stmt->next_in_bucket) {
        if (stmt->sql_hash == hash && strcmp(stmt->sql, sql) == 0) {
            db_reset(stmt);
            *out = stmt;
            return 0;
        }
    }
    db_stmt *stmt = calloc(1, sizeof *stmt);
    if (!stmt)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    size_t keep = 0;
    char *without_returning = NULL;
    if (conn->backend->returning_id_rewrite &&
        conn->backend->returning_id_rewrite(conn->handle, sql, &keep))
        without_returning = strndup(sql, keep);
    stmt->returns_id = without_returning != NULL;
    int prepared = conn->backend->prepare(
        conn->handle, without_returning ? without_returning : sql, &stmt->backend_statement, e);
    free(without_returning);
    if (prepared != 0) {
        free(stmt);
        return -1;
    }
    stmt->conn = conn;
    stmt->sql = strdup(sql);
    stmt->sql_hash = hash;
    stmt->next_in_bucket = *bucket;
    *bucket = stmt;
    *out = stmt;
    return 0;
}

void db_bind_int64(db_stmt *stmt, int index, int64_t value)
{
    stmt->conn->backend->bind_int64(stmt->backend_statement, index, value);
}
void db_bind_text(db_stmt *stmt, int index, const char *text)
{
    stmt->conn->backend->bind_text(stmt->backend_statement, index, text);
}
void db_bind_text_static(db_stmt *stmt, int index, const char *text)
{
    stmt->conn->backend->bind_text_static(stmt->backend_statement, index, text);
}
void db_bind_null(db_stmt *stmt, int index)
{
    stmt->conn->backend->bind_null(stmt->backend_statement, index);
}
db_step_result db_step(db_stmt *stmt, err *e)
{
    const db_backend *backend = stmt->conn->backend;
    if (!stmt->returns_id)
        return backend->step(stmt->backend_statement, e);
    /* INSERT ... RETURNING id without its clause: the row inserted, as
     * RETURNING would answer it, then done (a step after that runs the
     * insert again, as the backend does with a finished statement). */
    if (stmt->returned == 1) {
        stmt->returned = 2;
        return DB_DONE;
    }
    stmt->returned = 0;
    db_step_result step = backend->step(stmt->backend_statement, e);
    if (step == DB_DONE && backend->changes(stmt->conn->handle) > 0) {
        stmt->id = backend->last_insert_id(stmt->conn->handle);
        stmt->returned = 1;
        return DB_ROW;
    }
    return step;
}
void db_reset(db_stmt *stmt)
{
    stmt->returned = 0;
    stmt->conn->backend->reset(stmt->backend_statement);
}
/* The column of the row db_step answered for an INSERT ... RETURNING id
 * run without its clause: its one column, the id. */
static int returned_row(const db_stmt *stmt) { return stmt->returns_id && stmt->returned == 1; }
int64_t db_column_int64(db_stmt *stmt, int column)
{
    if (returned_row(stmt))
        return column == 0 ? stmt->id : 0;
    return stmt->conn->backend->column_int64(stmt->backend_statement, column);
}
const char *db_column_text(db_stmt *stmt, int column)
{
    if (returned_row(stmt)) {
        snprintf(stmt->id_text, sizeof stmt->id_text, "%lld", (long long)stmt->id);
        return column == 0 ? stmt->id_text : NULL;
    }
    return stmt->conn->backend->column_text(stmt->backend_statement, column);
}
int db_column_is_null(db_stmt *stmt, int column)
{
    if (returned_row(stmt))
        return column != 0;
    return stmt->conn->backend->column_is_null(stmt->backend_statement, column);
}
int db_column_count(db_stmt *stmt)
{
    if (stmt->returns_id)
        return 1;
    return stmt->conn->backend->column_count(stmt->backend_statement);
}
const char *db_column_name(db_stmt *stmt, int column)
{
    if (stmt->returns_id)
        return column == 0 ? "id" : NULL;
    return stmt->conn->backend->column_name(stmt->backend_statement, column);
}

int db_exec_stmt(db_stmt *stmt, err *e)
{
    db_step_result result;
    while ((result = db_step(stmt, e)) == DB_ROW)
        ;
    db_reset(stmt);
    return result == DB_DONE ? 0 : -1;
}

int db_insert_returning_id(db_stmt *stmt, int64_t *id, err *e)
{
    db_step_result result = db_step(stmt, e);
    if (result != DB_ROW) {
        if (result == DB_DONE)
            err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
        db_reset(stmt);
        return -1;
    }
    *id = db_column_int64(stmt, 0);
    /* Step to completion so the insert is finished before the next use. */
    result = db_step(stmt, e);
    db_reset(stmt);
    return result == DB_FAILED ? -1 : 0;
}

int64_t db_changes(db_conn *conn) { return conn->backend->changes(conn->handle); }

int db_backup(db_conn *conn, const char *path, err *e)
{
    if (!conn->backend->backup)
        return err_set(e, ERR_INVALID, "db",
                       "%s databases are backed up with their own tools (pg_dump, base backups "
                       "and replicas: see docs/operations.md)",
                       conn->backend->name);
    return conn->backend->backup(conn->handle, path, e);
}

/* --- migrations ---------------------------------------------------------- */

static int migration_applied(db_conn *conn, const char *name, int *applied, err *e)
{
    db_stmt *stmt;
    if (db_prepare(conn, "SELECT 1 FROM schema_migrations WHERE name = ?", &stmt, e) != 0)
        return -1;
    db_bind_text(stmt, 1, name);
    db_step_result result = db_step(stmt, e);
    db_reset(stmt);
    if (result == DB_FAILED)
        return -1;
    *applied = result == DB_ROW;
    return 0;
}

/* The text of a migration for this backend. A migration is one file for
 * every backend; where they must differ, the file has sections opened by a
 * line `-- backend: sqlite`, `-- backend: postgres` or `-- backend: all`,
 * and only the sections for this backend (and `all`) are kept. Then the
 * backend's own translation applies (types, identity columns). */
static char *migration_text(const db_backend *backend, const char *sql)
{
    buffer kept = BUFFER_INIT;
    int keep = 1;
    for (const char *line = sql; *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) + 1 : strlen(line);
        if (strncmp(line, "-- backend: ", 12) == 0) {
            const char *name = line + 12;
            size_t name_length = strcspn(name, " \r\n");
            keep = (name_length == 3 && strncmp(name, "all", 3) == 0) ||
                   (name_length == strlen(backend->name) &&
                    strncmp(name, backend->name, name_length) == 0);
        } else if (keep) {
            buffer_append(&kept, line, length);
        }
        line += length;
    }
    char *text = buffer_take(&kept);
    if (backend->translate_schema) {
        char *translated = backend->translate_schema(text);
        free(text);
        text = translated;
    }
    return text;
}

/* Whether the migration's text for this backend asks to run with the
 * foreign keys off (backend.h, foreign_keys_off_sql). */
static int migration_keys_off(const db_backend *backend, const char *sql)
{
    if (!backend->foreign_keys_off_sql)
        return 0;
    static const char marker[] = "-- foreign keys off";
    const size_t marker_length = sizeof marker - 1;
    for (const char *line = sql; *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length && line[length - 1] == '\r')
            length--;
        if (length == marker_length && strncmp(line, marker, marker_length) == 0)
            return 1;
        if (!end)
            break;
        line = end + 1;
    }
    return 0;
}

/* Refused when a foreign key of the database is broken (the migration's
 * transaction is still open). */
static int foreign_keys_check(db_conn *conn, const char *migration, err *e)
{
    db_stmt *stmt;
    if (db_prepare(conn, conn->backend->foreign_key_check_sql, &stmt, e) != 0)
        return -1;
    db_step_result step = db_step(stmt, e);
    char table[64] = "";
    if (step == DB_ROW)
        snprintf(table, sizeof table, "%s", db_column_text(stmt, 0));
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (step == DB_ROW)
        return err_set(e, ERR_INTERNAL, NULL,
                       "migration %s failed: it leaves a foreign key of table %s broken", migration,
                       table);
    return 0;
}

/* One migration in its transaction; *sql is this backend's text. */
static int migration_run(db_conn *conn, const db_migration *migration, const char *sql,
                         int keys_off, err *e)
{
    if (db_begin(conn, e) != 0)
        return -1;
    if (conn->backend->migration_lock_sql &&
        conn->backend->exec_script(conn->handle, conn->backend->migration_lock_sql, e) != 0)
        goto failed;
    /* Another process may have applied it while we waited for the lock. */
    int applied = 0;
    if (migration_applied(conn, migration->name, &applied, e) != 0)
        goto failed;
    if (!applied) {
        if (conn->backend->exec_script(conn->handle, sql, e) != 0) {
            char reason[ERR_MESSAGE_MAX];
            snprintf(reason, sizeof reason, "%s", e ? e->message : "");
            err_set(e, ERR_INTERNAL, NULL, "migration %s failed: %s", migration->name, reason);
            goto failed;
        }
        if (keys_off && foreign_keys_check(conn, migration->name, e) != 0)
            goto failed;
        db_stmt *stmt;
        char now[TIMESTAMP_TEXT_MAX];
        if (db_prepare(conn, "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                       &stmt, e) != 0)
            goto failed;
        db_bind_text(stmt, 1, migration->name);
        db_bind_text(stmt, 2, timestamp_format(timestamp_now(), now, sizeof now));
        if (db_exec_stmt(stmt, e) != 0)
            goto failed;
    }
    return db_commit(conn, e);
failed:
    db_rollback(conn);
    return -1;
}

static int run_migrations(db_conn *conn, err *e)
{
    if (conn->backend->exec_script(conn->handle,
                                   "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
                                   e) != 0)
        return -1;
    for (int i = 0; i < db_migration_count; i++) {
        const db_migration *migration = &db_migrations[i];
        int applied = 0;
        if (migration_applied(conn, migration->name, &applied, e) != 0)
            return -1;
        if (applied)
            continue;
        char *sql = migration_text(conn->backend, migration->sql);
        if (!sql)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        /* The keys are turned off outside the transaction (SQLite ignores
         * the pragma inside one), and on again whatever happened. */
        int keys_off = migration_keys_off(conn->backend, sql);
        int rc = keys_off ? conn->backend->exec_script(conn->handle,
                                                       conn->backend->foreign_keys_off_sql, e)
                          : 0;
        if (rc == 0)
            rc = migration_run(conn, migration, sql, keys_off, e);
        free(sql);
        if (keys_off &&
            conn->backend->exec_script(conn->handle, conn->backend->foreign_keys_on_sql,
                                       rc ? NULL : e) != 0 && rc == 0)
            rc = -1;
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* --- fingerprint --------------------------------------------------------- */

static void hash_field(crypto_generichash_state *state, const char *text, int is_null)
{
    /* Length-prefixed so that ("ab","c") and ("a","bc") differ; NULL differs
     * from "" by its marker. */
    char prefix[32];
    int n = is_null ? snprintf(prefix, sizeof prefix, "N;")
                    : snprintf(prefix, sizeof prefix, "%zu:", strlen(text));
    crypto_generichash_update(state, (const unsigned char *)prefix, (size_t)n);
    if (!is_null)
        crypto_generichash_update(state, (const unsigned char *)text, strlen(text));
}

static int fingerprint_table(db_conn *conn, const char *table, crypto_generichash_state *state,
                             err *e)
{
    /* Table names come from the database catalog, never from a user. The
     * statement orders by every column so the digest does not depend on the
     * physical order of rows. */
    buffer sql = BUFFER_INIT;
    buffer_printf(&sql, "SELECT * FROM \"%s\"", table);
    db_stmt *probe;
    if (db_prepare(conn, buffer_text(&sql), &probe, e) != 0) {
        buffer_free(&sql);
        return -1;
    }
    int columns = db_column_count(probe);
    buffer_append_text(&sql, " ORDER BY ");
    for (int c = 1; c <= columns; c++)
        buffer_printf(&sql, c > 1 ? ", %d" : "%d", c);
    db_stmt *stmt;
    int rc = db_prepare(conn, buffer_text(&sql), &stmt, e);
    buffer_free(&sql);
    if (rc != 0)
        return -1;
    hash_field(state, table, 0);
    /* Not content: a password's hash is salted at random, and when the
     * schema was installed says nothing of what it holds. The columns'
     * names are read from the first row (PostgreSQL knows them once the
     * statement ran). */
    int skipped[64] = {0}, named = 0;
    db_step_result result;
    while ((result = db_step(stmt, e)) == DB_ROW) {
        for (int c = 0; !named && c < columns && c < 64; c++) {
            const char *name = db_column_name(stmt, c);
            skipped[c] = name && (strcmp(name, "password_hash") == 0 ||
                                  (strcmp(table, "schema_migrations") == 0 &&
                                   strcmp(name, "applied_at") == 0));
        }
        named = 1;
        for (int c = 0; c < columns; c++)
            if (c >= 64 || !skipped[c])
                hash_field(state, db_column_is_null(stmt, c) ? "" : db_column_text(stmt, c),
                           db_column_is_null(stmt, c));
    }
    db_reset(stmt);
    return result == DB_DONE ? 0 : -1;
}

int db_fingerprint(db_conn *conn, char *hex_out, size_t size, err *e)
{
    enum { TABLES_MAX = 256 };
    char *tables[TABLES_MAX];
    int count = 0;
    db_stmt *stmt;
    if (db_prepare(conn, conn->backend->list_tables_sql, &stmt, e) != 0)
        return -1;
    db_step_result result;
    while ((result = db_step(stmt, e)) == DB_ROW && count < TABLES_MAX)
        tables[count++] = strdup(db_column_text(stmt, 0));
    db_reset(stmt);
    int rc = result == DB_FAILED ? -1 : 0;
    crypto_generichash_state state;
    unsigned char digest[32];
    crypto_generichash_init(&state, NULL, 0, sizeof digest);
    /* Sessions are who is logged in now, not what the database holds. */
    for (int i = 0; i < count && rc == 0; i++)
        if (strcmp(tables[i], "sessions") != 0)
            rc = fingerprint_table(conn, tables[i], &state, e);
    for (int i = 0; i < count; i++)
        free(tables[i]);
    if (rc != 0)
        return -1;
    crypto_generichash_final(&state, digest, sizeof digest);
    if (size < sizeof digest * 2 + 1)
        return err_set(e, ERR_INTERNAL, NULL, "fingerprint buffer too small");
    sodium_bin2hex(hex_out, size, digest, sizeof digest);
    return 0;
}
