/*
 * postgres.c - the PostgreSQL backend of the db interface (libpq).
 *
 * Services write SQL with `?` placeholders; here they become $1, $2, ...
 * and each statement is prepared once on the server (PQprepare) under a
 * name of its own. Values travel in text format and PostgreSQL infers their
 * types from the statement, so services bind int64 or text exactly as on
 * SQLite. A result is fetched whole and stepped through row by row.
 * SQLSTATEs are mapped to the same err codes as SQLite's result codes: a
 * unique violation is ERR_CONFLICT on both, and so on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "store/backend.h"

enum { PARAMS_MAX = 64 };

typedef struct {
    PGconn *conn;
    unsigned next_statement;
    int64_t changes;
} pg_handle;

typedef struct {
    pg_handle *owner;
    char name[24];
    int param_count;
    char *values[PARAMS_MAX];
    PGresult *result;
    int row; /* current row; -1 before the first step */
} pg_statement;

/* libpq's messages span lines; an err message is one line. */
static const char *one_line(const char *text, char *out, size_t size)
{
    size_t used = 0;
    for (const char *p = text; *p && used + 1 < size; p++) {
        char c = (*p == '\n' || *p == '\t' || *p == '\r') ? ' ' : *p;
        if (c == ' ' && (used == 0 || out[used - 1] == ' '))
            continue;
        out[used++] = c;
    }
    while (used > 0 && out[used - 1] == ' ')
        used--;
    out[used] = '\0';
    return out;
}

static int pg_fail(PGconn *conn, const PGresult *result, err *e)
{
    char line[256];
    if (PQstatus(conn) != CONNECTION_OK)
        return err_set(e, ERR_BUSY, NULL, "lost the connection to the database: %s",
                       one_line(PQerrorMessage(conn), line, sizeof line));
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
    const char *detail = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!detail)
        detail = one_line(PQerrorMessage(conn), line, sizeof line);
    if (!state)
        state = "";
    if (strcmp(state, "23505") == 0)
        return err_set(e, ERR_CONFLICT, NULL, "already exists (%s)", detail);
    if (strcmp(state, "23503") == 0)
        return err_set(e, ERR_INVALID, NULL, "refers to a record that does not exist (%s)", detail);
    if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)
        return err_set(e, ERR_INVALID, NULL, "refused by the database (%s)", detail);
    /* Retryable: serialization failure, deadlock, lock timeout, too many
     * connections, connection problems (08xxx), server shutting down (57P). */
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
        strcmp(state, "53300") == 0 || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        return err_set(e, ERR_BUSY, NULL, "the database is busy, try again (%s)", detail);
    return err_set(e, ERR_INTERNAL, NULL, "database error: %s", detail);
}

static int pg_open(const char *location, void **out, err *e)
{
    PGconn *conn = PQconnectdb(location);
    if (PQstatus(conn) != CONNECTION_OK) {
        /* The message may quote the connection string, which can hold a
         * password: say only what failed. */
        char line[256];
        err_set(e, ERR_INTERNAL, "db", "cannot connect to PostgreSQL: %s",
                one_line(PQerrorMessage(conn), line, sizeof line));
        PQfinish(conn);
        return -1;
    }
    PGresult *result = PQexec(conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    int ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) {
        err_set(e, ERR_INTERNAL, "db", "cannot set up the session: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return -1;
    }
    pg_handle *handle = calloc(1, sizeof *handle);
    if (!handle) {
        PQfinish(conn);
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    handle->conn = conn;
    *out = handle;
    return 0;
}

static void pg_close(void *opaque)
{
    pg_handle *handle = opaque;
    PQfinish(handle->conn);
    free(handle);
}

static int pg_exec_script(void *opaque, const char *sql, err *e)
{
    pg_handle *handle = opaque;
    PGresult *result = PQexec(handle->conn, sql);
    ExecStatusType status = PQresultStatus(result);
    int rc = 0;
    /* A script of comments only (a migration with nothing for this
     * backend) runs as it does on SQLite: doing nothing. */
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
        rc = pg_fail(handle->conn, result, e);
    /* COMMIT of a transaction in which a statement failed succeeds as a
     * ROLLBACK: it must not be taken for a commit. */
    else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(result), "ROLLBACK") == 0)
        rc = err_set(e, ERR_BUSY, NULL, "the transaction failed and was rolled back");
    PQclear(result);
    return rc;
}

static int64_t pg_changes(void *opaque) { return ((pg_handle *)opaque)->changes; }

static int pg_connected(void *opaque)
{
    return PQstatus(((pg_handle *)opaque)->conn) == CONNECTION_OK;
}

/* `?` -> `$n`, leaving quoted text and identifiers alone. A numbered
 * placeholder `?N` (SQLite's syntax: one value used in several places)
 * becomes `$N`; a bare `?` takes the largest number used so far plus one,
 * as in SQLite, so both backends read a statement alike. *count is the
 * largest number. */
static char *number_placeholders(const char *sql, int *count)
{
    size_t length = strlen(sql);
    char *out = malloc(length * 4 + 1);
    if (!out)
        return NULL;
    size_t used = 0;
    char quote = 0;
    *count = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            int number = 0;
            while (p[1] >= '0' && p[1] <= '9' && number < 100000)
                number = number * 10 + (*++p - '0');
            if (!number)
                number = *count + 1;
            if (number > *count)
                *count = number;
            used += (size_t)sprintf(out + used, "$%d", number);
            continue;
        }
        out[used++] = *p;
    }
    out[used] = '\0';
    return out;
}

static int pg_prepare(void *opaque, const char *sql, void **out, err *e)
{
    pg_handle *handle = opaque;
    int count;
    char *numbered = number_placeholders(sql, &count);
    if (!numbered)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    if (count > PARAMS_MAX) {
        free(numbered);
        return err_set(e, ERR_INTERNAL, NULL, "too many parameters in one statement");
    }
    pg_statement *statement = calloc(1, sizeof *statement);
    if (!statement) {
        free(numbered);
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    statement->owner = handle;
    statement->param_count = count;
    statement->row = -1;
    snprintf(statement->name, sizeof statement->name, "s%u", handle->next_statement++);
    PGresult *result = PQprepare(handle->conn, statement->name, numbered, count, NULL);
    free(numbered);
    int rc = 0;
    if (PQresultStatus(result) != PGRES_COMMAND_OK)
        rc = pg_fail(handle->conn, result, e);
    PQclear(result);
    if (rc) {
        free(statement);
        return -1;
    }
    *out = statement;
    return 0;
}

static void clear_values(pg_statement *statement)
{
    for (int i = 0; i < statement->param_count; i++) {
        free(statement->values[i]);
        statement->values[i] = NULL;
    }
}

static void pg_reset(void *opaque)
{
    pg_statement *statement = opaque;
    PQclear(statement->result);
    statement->result = NULL;
    statement->row = -1;
    clear_values(statement);
}

static void pg_finalize(void *opaque)
{
    pg_statement *statement = opaque;
    pg_reset(statement);
    free(statement);
}

static void set_value(pg_statement *statement, int index, char *value)
{
    if (index < 1 || index > statement->param_count) {
        free(value);
        return;
    }
    free(statement->values[index - 1]);
    statement->values[index - 1] = value;
}

static void pg_bind_int64(void *opaque, int index, int64_t value)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, value);
    set_value(opaque, index, strdup(text));
}
static void pg_bind_text(void *opaque, int index, const char *text)
{
    set_value(opaque, index, text ? strdup(text) : NULL);
}
static void pg_bind_null(void *opaque, int index) { set_value(opaque, index, NULL); }

static db_step_result pg_step(void *opaque, err *e)
{
    pg_statement *statement = opaque;
    if (!statement->result) {
        PGconn *conn = statement->owner->conn;
        PGresult *result =
            PQexecPrepared(conn, statement->name, statement->param_count,
                           (const char *const *)statement->values, NULL, NULL, 0);
        ExecStatusType status = PQresultStatus(result);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            pg_fail(conn, result, e);
            PQclear(result);
            return DB_FAILED;
        }
        /* Rows changed, as on SQLite: only a write sets it, so a SELECT
         * run in between does not hide what the last write changed. */
        const char *command = PQcmdStatus(result);
        if (strncmp(command, "INSERT", 6) == 0 || strncmp(command, "UPDATE", 6) == 0 ||
            strncmp(command, "DELETE", 6) == 0 || strncmp(command, "MERGE", 5) == 0)
            statement->owner->changes = strtoll(PQcmdTuples(result), NULL, 10);
        statement->result = result;
    }
    statement->row++;
    return statement->row < PQntuples(statement->result) ? DB_ROW : DB_DONE;
}

static int64_t pg_column_int64(void *opaque, int column)
{
    pg_statement *statement = opaque;
    return strtoll(PQgetvalue(statement->result, statement->row, column), NULL, 10);
}
static const char *pg_column_text(void *opaque, int column)
{
    pg_statement *statement = opaque;
    if (PQgetisnull(statement->result, statement->row, column))
        return NULL;
    return PQgetvalue(statement->result, statement->row, column);
}
static int pg_column_is_null(void *opaque, int column)
{
    pg_statement *statement = opaque;
    return PQgetisnull(statement->result, statement->row, column);
}

/* Column facts are known before execution too (db_fingerprint asks). */
static PGresult *description(pg_statement *statement, int *owned)
{
    *owned = 0;
    if (statement->result)
        return statement->result;
    *owned = 1;
    return PQdescribePrepared(statement->owner->conn, statement->name);
}
static int pg_column_count(void *opaque)
{
    int owned;
    PGresult *result = description(opaque, &owned);
    int count = PQnfields(result);
    if (owned)
        PQclear(result);
    return count;
}
static const char *pg_column_name(void *opaque, int column)
{
    pg_statement *statement = opaque;
    return statement->result ? PQfname(statement->result, column) : "";
}

/* One schema source: INTEGER is 64-bit on SQLite, so it is BIGINT here, and
 * an INTEGER PRIMARY KEY (SQLite's rowid) becomes an identity column. */
static char *pg_translate_schema(const char *sql)
{
    static const struct {
        const char *from, *to;
    } rules[] = {
        {"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"INTEGER", "BIGINT"},
    };
    size_t capacity = strlen(sql) * 3 + 1, used = 0;
    char *out = malloc(capacity);
    if (!out)
        return NULL;
    for (const char *p = sql; *p;) {
        size_t r = 0;
        for (; r < sizeof rules / sizeof rules[0]; r++)
            if (strncmp(p, rules[r].from, strlen(rules[r].from)) == 0)
                break;
        if (r < sizeof rules / sizeof rules[0]) {
            used += (size_t)sprintf(out + used, "%s", rules[r].to);
            p += strlen(rules[r].from);
        } else {
            out[used++] = *p++;
        }
    }
    out[used] = '\0';
    return out;
}

/* A commit that does not wait for the write-ahead log's flush may be lost
 * by a crash of the server, never half kept. */
static int pg_commits_synced(void *opaque, int synced, err *e)
{
    return pg_exec_script(opaque,
                          synced ? "SET synchronous_commit TO on" : "SET synchronous_commit TO off",
                          e);
}

const db_backend db_backend_postgres = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .exec_script = pg_exec_script,
    .changes = pg_changes,
    .connected = pg_connected,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_text_static = pg_bind_text, /* libpq needs its own copy anyway */
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_is_null = pg_column_is_null,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .translate_schema = pg_translate_schema,
    .list_tables_sql = "SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                       "ORDER BY table_name",
    .begin_write_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
    .begin_read_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    .migration_lock_sql = "LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE",
    .commits_synced = pg_commits_synced,
};
