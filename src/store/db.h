/*
 * db.h - the database interface every service uses.
 *
 * One small API over two backends: SQLite (embedded, the default) and
 * PostgreSQL. Services write portable SQL with `?`
 * placeholders and bind every value; no SQL is ever built from user data.
 * A value used in several places of a statement is one numbered
 * placeholder, `?N`, bound once at N (an optional filter:
 * "(?2 = '' OR m.code = ?2)"); a bare `?` after it takes the next number.
 * Backends map their errors to the same err codes (a unique violation is
 * ERR_CONFLICT on both), so nothing above this layer knows which one runs.
 *
 * A connection belongs to one thread at a time. Statements are prepared once
 * per connection and cached by their SQL text (db_prepare returns the cached
 * statement, reset and with its bindings cleared), so hot paths never parse
 * SQL twice. Inserts that need the new key use `INSERT ... RETURNING id`,
 * which both backends support, through db_insert_returning_id. Write
 * transactions can be grouped into jobs that commit together (below).
 */
#ifndef BLOODOPS_STORE_DB_H
#define BLOODOPS_STORE_DB_H

#include <stdint.h>
#include <stddef.h>
#include "base/error.h"

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

typedef enum { DB_ROW = 1, DB_DONE = 0, DB_FAILED = -1 } db_step_result;

/* Open a database. `location` is a PostgreSQL URL (postgres://user@host:
 * port/dbname, or postgresql://...) or else a file path for SQLite (created
 * when missing). Migrations in schema/ that the database has not seen yet are
 * applied, each in its own transaction, and recorded in schema_migrations. */
int db_open(const char *location, db_conn **out, err *e);
void db_close(db_conn *conn);

/* Whether the connection still works; a server worker whose connection was
 * lost (the database restarted, a failover) opens a new one. */
int db_connected(const db_conn *conn);

/* Whether a location names a PostgreSQL database rather than a file. */
int db_is_postgres(const char *location);

/* Which backend runs ("sqlite"), for `bloodops version` and logs. */
const char *db_backend_name(const db_conn *conn);

/* Write transactions. db_begin takes the write lock at once (SQLite:
 * BEGIN IMMEDIATE) so that a transaction never fails half way on a lock
 * upgrade. db_begin_read starts a consistent read-only snapshot. A
 * connection has one transaction open at a time (jobs, below, nest them). */
int db_begin(db_conn *conn, err *e);
int db_begin_read(db_conn *conn, err *e);
int db_commit(db_conn *conn, err *e);
void db_rollback(db_conn *conn);
int db_in_transaction(const db_conn *conn);

/* --- jobs ---------------------------------------------------------------
 *
 * A job is a unit of work whose write transactions become durable
 * together, or not at all: the first db_begin of the job opens the job's
 * transaction (db_rollback of it undoes the transaction, which holds
 * nothing else yet); each db_begin after it opens a SAVEPOINT inside
 * (db_commit RELEASEs it, db_rollback rolls back to it, so a use case that
 * fails undoes only its own changes); db_job_end COMMITs. Services do not know:
 * they call db_begin / db_commit / db_rollback as always. A read snapshot
 * begun after the job wrote is a savepoint too (it sees what the job
 * wrote). Group commit (store/group_commit.h) runs many requests as one
 * job; a PostgreSQL server runs each request as a job of its own. */

void db_job_begin(db_conn *conn);
/* Write transactions the job has kept (committed into it) so far. */
int db_job_kept(const db_conn *conn);
/* End the job: a transaction still open is rolled back, the job's
 * transaction is committed. -1 with ERR_BUSY ("the database is busy, try
 * again") when that commit fails: then nothing of the job was kept. */
int db_job_end(db_conn *conn, err *e);

/* Whether this connection's commits wait for the disk: 1, the default,
 * or 0 for a batch that is run again from its start when it fails (the
 * demo builder), whose commits then cost no sync each. A commit made after
 * turning it back on makes everything committed before it durable too (on
 * SQLite the log is synced up to it; on PostgreSQL the write-ahead log is
 * flushed up to it). Outside a transaction only. */
int db_commits_synced(db_conn *conn, int synced, err *e);

/* Let this connection keep up to `kib` KiB of the database's pages in its
 * own cache (SQLite: 2 MiB by default; nothing on PostgreSQL, whose server
 * keeps the pages). For a long batch over a database far larger than the
 * default cache (the demo builder), whose reads would otherwise go to the
 * operating system a page at a time. */
int db_cache_kib(db_conn *conn, long kib, err *e);

/* Let this connection's write-ahead log grow to about `pages` pages before
 * one of its commits copies the log into the database (SQLite's automatic
 * checkpoint, after 1,000 pages by default; nothing on PostgreSQL). A
 * checkpoint copies the latest version of each page the log holds: the
 * larger the log, the more of the pages written again and again (an
 * index's last leaf, the audit chain's head, a month's balances) are
 * copied once for many commits. */
int db_checkpoint_pages(db_conn *conn, int pages, err *e);

/* A read scope (SQLite; nothing on PostgreSQL): one read transaction for
 * everything read until db_read_scope_end, so a request that runs several
 * statements takes its snapshot (and its file locks) once, and sees one
 * state throughout; db_begin_read inside it is that snapshot. A write
 * transaction begun inside ends the scope's snapshot first. */
void db_read_scope_begin(db_conn *conn);
void db_read_scope_end(db_conn *conn);
/* For a connection whose reads are all read scopes, run by one thread at a
 * time (the server's worker threads): the snapshot of a scope stays open
 * after it, and the next scope reuses it while no commit (by any process)
 * has changed the database since; none is kept while a write transaction
 * of this process is open, and beginning one ends those kept (db.c, "read
 * snapshots kept between scopes"). Nothing on PostgreSQL. */
void db_read_snapshots_keep(db_conn *conn);
/* Whether the connection holds a kept snapshot now (tests, diagnostics). */
int db_read_snapshot_kept(db_conn *conn);

/* Prepare (or fetch from the connection's cache) a statement. */
int db_prepare(db_conn *conn, const char *sql, db_stmt **out, err *e);

/* Bind parameter `index` (1-based). Text is copied. NULL text binds NULL. */
void db_bind_int64(db_stmt *stmt, int index, int64_t value);
void db_bind_text(db_stmt *stmt, int index, const char *text);
void db_bind_null(db_stmt *stmt, int index);
/* Bind text without copying it: it must stay unchanged until the statement
 * has run (db_exec_stmt, or the last db_step). For the hot loops of bulk
 * writes. */
void db_bind_text_static(db_stmt *stmt, int index, const char *text);

/* Step: DB_ROW with a row to read, DB_DONE when finished, DB_FAILED with
 * *e filled. A statement is reset by the next db_prepare of the same SQL or
 * by db_reset. */
db_step_result db_step(db_stmt *stmt, err *e);
void db_reset(db_stmt *stmt);

/* Columns of the current row (0-based). Text is valid until the next step
 * or reset; NULL reads as NULL text and 0. */
int64_t db_column_int64(db_stmt *stmt, int column);
const char *db_column_text(db_stmt *stmt, int column);
int db_column_is_null(db_stmt *stmt, int column);
int db_column_count(db_stmt *stmt);
const char *db_column_name(db_stmt *stmt, int column);

/* Run a statement that returns no rows (to completion). */
int db_exec_stmt(db_stmt *stmt, err *e);
/* Run `INSERT ... RETURNING id` and read the new id. */
int db_insert_returning_id(db_stmt *stmt, int64_t *id, err *e);
/* Rows changed by the last INSERT, UPDATE or DELETE run on this connection
 * (a SELECT in between does not reset it, on either backend). */
int64_t db_changes(db_conn *conn);

/* Copy the database, consistent as of one moment, into a new file at
 * `path` while the server keeps working (SQLite's online backup). On
 * PostgreSQL this is ERR_INVALID: use pg_dump or a replica. */
int db_backup(db_conn *conn, const char *path, err *e);

/* A digest of every row of every table, in key order: two equal
 * fingerprints mean the same data. Tests use it to prove that a refused
 * request changed nothing; operators can use it to compare copies; the
 * demo company built twice from one seed has one fingerprint. Left out as
 * not content: the sessions, password hashes (salted at random) and when
 * each schema migration was applied. */
int db_fingerprint(db_conn *conn, char *hex_out, size_t size, err *e);

#endif
