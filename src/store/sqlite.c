/*
 * sqlite.c - the SQLite backend of the db interface (the embedded default).
 *
 * Opened for safety first: WAL journal (readers never block the writer),
 * synchronous=FULL (an acknowledged commit survives power loss), foreign
 * keys enforced, a busy timeout so that concurrent writers wait instead of
 * failing. SQLite's result codes are mapped to err codes here so services
 * see the same errors whichever backend runs.
 */
#include <sqlite3.h>
#include <string.h>
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

static int sqlite_open(const char *location, void **out, err *e)
{
    sqlite3 *handle = NULL;
    int rc = sqlite3_open_v2(location, &handle,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
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
                           "PRAGMA foreign_keys=ON;"
                           "PRAGMA trusted_schema=OFF;",
                           e) != 0) {
        sqlite3_close(handle);
        return -1;
    }
    *out = handle;
    return 0;
}

static void sqlite_close(void *handle) { sqlite3_close_v2(handle); }
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
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .column_int64 = sqlite_column_int64,
    .column_text = sqlite_column_text,
    .column_is_null = sqlite_column_is_null,
    .column_count = sqlite_column_count,
    .column_name = sqlite_column_name,
    .list_tables_sql = "SELECT name FROM sqlite_schema WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite_%' ORDER BY name",
    .begin_write_sql = "BEGIN IMMEDIATE",
    .begin_read_sql = "BEGIN DEFERRED",
};
