/*
 * test_store_wal.c - the write-ahead log the SQLite backend writes a
 * commit at a time (src/store/sqlite.c, the VFS that gathers the log's
 * writes): a transaction too large for the page cache, rolled back, never
 * overwrites what another connection committed after it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "temp_db.h"

enum { ROWS = 300, BODY = 2000 };

static void run(db_conn *db, const char *sql)
{
    err e;
    db_stmt *stmt;
    assert_int_equal(db_prepare(db, sql, &stmt, &e), 0);
    assert_int_equal(db_exec_stmt(stmt, &e), 0);
}

static void insert_rows(db_conn *db, char fill)
{
    err e;
    char body[BODY + 1];
    memset(body, fill, BODY);
    body[BODY] = '\0';
    db_stmt *stmt;
    assert_int_equal(db_prepare(db, "INSERT INTO wal_probe (body) VALUES (?1)", &stmt, &e), 0);
    for (int i = 0; i < ROWS; i++) {
        db_bind_text(stmt, 1, body);
        assert_int_equal(db_exec_stmt(stmt, &e), 0);
    }
}

static int64_t count_rows(db_conn *db, char fill)
{
    err e;
    char body[BODY + 1];
    memset(body, fill, BODY);
    body[BODY] = '\0';
    db_stmt *stmt;
    assert_int_equal(db_prepare(db, "SELECT COUNT(*) FROM wal_probe WHERE body = ?1", &stmt, &e),
                     0);
    db_bind_text(stmt, 1, body);
    db_step_result step = db_step(stmt, &e);
    if (step != DB_ROW)
        fail_msg("count: %s", e.message);
    int64_t count = db_column_int64(stmt, 0);
    db_reset(stmt);
    return count;
}

/* Connection A's transaction outgrows its page cache (SQLite writes its
 * pages to the log before the commit) and is rolled back; B then commits
 * frames at the same place in the log. A's next read must see B's rows:
 * A's rolled-back frames, were they still held to be written, would land
 * over B's. */
static void rolled_back_frames_never_overwrite_a_later_commit(void **state)
{
    (void)state;
    char path[64];
    temp_db_name(path, sizeof path);
    err e;
    db_conn *a = NULL, *b = NULL;
    assert_int_equal(db_open(path, &a, &e), 0);
    assert_int_equal(db_open(path, &b, &e), 0);
    run(b, "CREATE TABLE wal_probe (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    run(a, "PRAGMA cache_size = 10");
    /* the log empty: nothing A reads in its rollback is in it */
    db_stmt *checkpoint;
    assert_int_equal(db_prepare(b, "PRAGMA wal_checkpoint(TRUNCATE)", &checkpoint, &e), 0);
    assert_int_equal(db_step(checkpoint, &e), DB_ROW);
    assert_int_equal(db_column_int64(checkpoint, 0), 0);
    db_reset(checkpoint);

    assert_int_equal(db_begin(a, &e), 0);
    insert_rows(a, 'a');
    db_rollback(a);

    assert_int_equal(db_begin(b, &e), 0);
    insert_rows(b, 'b');
    assert_int_equal(db_commit(b, &e), 0);

    assert_int_equal(count_rows(a, 'b'), ROWS);
    assert_int_equal(count_rows(a, 'a'), 0);
    assert_int_equal(count_rows(b, 'b'), ROWS);
    db_stmt *check;
    assert_int_equal(db_prepare(b, "PRAGMA integrity_check", &check, &e), 0);
    assert_int_equal(db_step(check, &e), DB_ROW);
    assert_string_equal(db_column_text(check, 0), "ok");
    db_reset(check);

    db_close(a);
    db_close(b);
    temp_db_remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rolled_back_frames_never_overwrite_a_later_commit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
