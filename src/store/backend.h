/*
 * backend.h - what a database backend provides to db.c (store-internal).
 *
 * db.c holds what is common (statement cache, transactions bookkeeping,
 * migrations, fingerprint); a backend fills this table of operations. The
 * SQLite backend is sqlite.c; the PostgreSQL backend slots in beside it.
 * Nothing outside src/store includes this header.
 */
#ifndef BLOODOPS_STORE_BACKEND_H
#define BLOODOPS_STORE_BACKEND_H

#include "store/db.h"

typedef struct db_backend {
    const char *name;
    /* Connection */
    int (*open)(const char *location, void **handle, err *e);
    void (*close)(void *handle);
    /* Run a script of statements with no parameters (migrations, BEGIN...). */
    int (*exec_script)(void *handle, const char *sql, err *e);
    int64_t (*changes)(void *handle);
    /* Whether the connection can still be used (NULL: always). */
    int (*connected)(void *handle);
    /* Statements */
    int (*prepare)(void *handle, const char *sql, void **statement, err *e);
    void (*finalize)(void *statement);
    void (*reset)(void *statement);
    void (*bind_int64)(void *statement, int index, int64_t value);
    void (*bind_text)(void *statement, int index, const char *text);
    /* like bind_text, without a copy: text stays valid until the step */
    void (*bind_text_static)(void *statement, int index, const char *text);
    void (*bind_null)(void *statement, int index);
    db_step_result (*step)(void *statement, err *e);
    int64_t (*column_int64)(void *statement, int column);
    const char *(*column_text)(void *statement, int column);
    int (*column_is_null)(void *statement, int column);
    int (*column_count)(void *statement);
    const char *(*column_name)(void *statement, int column);
    /* An "INSERT INTO t (...) VALUES (...) RETURNING id" of one row that
     * can run without its RETURNING clause, the id then read by
     * last_insert_id: 1 with the length of the SQL to keep in *keep, else
     * 0 (NULL: never). SQLite builds a temporary table for a RETURNING
     * clause, about 1.5 us per insert; a shipment makes four. */
    int (*returning_id_rewrite)(void *handle, const char *sql, size_t *keep);
    int64_t (*last_insert_id)(void *handle);
    /* Copy the whole database to a new file while others keep writing
     * (NULL: the backend has its own tools, e.g. pg_dump). */
    int (*backup)(void *handle, const char *path, err *e);
    /* Rewrite a migration for this backend (NULL: use it as written);
     * returns malloc'd text. */
    char *(*translate_schema)(const char *sql);
    /* SQL that lists the user tables, one name per row, in name order. */
    const char *list_tables_sql;
    /* Transaction statements */
    int control_prepared; /* BEGIN, COMMIT, SAVEPOINT... can be prepared */
    int statement_locks;  /* a read outside a transaction takes file locks of
                             its own: a read scope takes them once */
    /* Memory that changes whenever any connection, of any process, commits
     * to the database, read without a lock (db_read_snapshots_keep): 1 with
     * it in *marker, 0 when not known yet (no read transaction is open),
     * -1 when the connection has none (not in WAL mode). The op itself is
     * NULL when the backend keeps no snapshots. */
    int (*change_marker)(void *handle, const volatile void **marker, size_t *length);
    const char *begin_write_sql;
    const char *begin_read_sql;
    /* Make each commit wait for the disk (1, the default) or not (0):
     * db_commits_synced. */
    int (*commits_synced)(void *handle, int synced, err *e);
    /* Keep up to `kib` KiB of the database's pages in this connection's
     * own cache: db_cache_kib (NULL: the backend's server caches them). */
    int (*cache_kib)(void *handle, long kib, err *e);
    /* Let the log grow to about `pages` pages before a commit of this
     * connection copies it into the database: db_checkpoint_pages (NULL:
     * the backend has no such log). */
    int (*checkpoint_pages)(void *handle, int pages, err *e);
    /* A migration that rebuilds a table (SQLite's way to change a
     * constraint: create the new table, copy, drop the old, rename) asks
     * with a line "-- foreign keys off" in its part for this backend: it
     * runs with the connection's foreign keys off (set outside a
     * transaction), and every key is checked before it commits (a query
     * answering a row for each key broken). NULL: no migration of this
     * backend asks. */
    const char *foreign_keys_off_sql, *foreign_keys_on_sql, *foreign_key_check_sql;
    /* Run inside the migration transaction so that two processes opening a
     * new database at once migrate it once (NULL: the write lock suffices). */
    const char *migration_lock_sql;
} db_backend;

extern const db_backend db_backend_sqlite;
extern const db_backend db_backend_postgres;

/* The schema migrations compiled into the binary (generated from schema/). */
typedef struct {
    const char *name; /* file name, e.g. "001_foundation.sql" */
    const char *sql;
} db_migration;
extern const db_migration db_migrations[];
extern const int db_migration_count;

#endif
