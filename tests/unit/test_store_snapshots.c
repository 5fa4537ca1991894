/*
 * test_store_snapshots.c - read snapshots kept between read scopes
 * (db_read_snapshots_keep, store/db.c): a kept snapshot is reused only
 * while it is the database's latest state, whoever commits (this process
 * or another one), none is kept while this process writes, and a kept
 * snapshot never holds a checkpoint back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "service/registry.h"
#include "store/db.h"
#include "temp_db.h"

typedef struct {
    char path[64];
    db_conn *reader; /* keeps its snapshots, as a server worker does */
    service_context other; /* another connection of this process */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    temp_db_name(f->path, sizeof f->path);
    err e;
    if (db_open(f->path, &f->reader, &e) != 0 || db_open(f->path, &f->other.db, &e) != 0) {
        fprintf(stderr, "db_open: %s\n", e.message);
        return -1;
    }
    db_read_snapshots_keep(f->reader);
    service_actor_local(&f->other.actor);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->reader);
    db_close(f->other.db);
    temp_db_remove(f->path);
    free(f);
    return 0;
}

static void add_market(service_context *ctx, const char *code)
{
    err e;
    json_t *out = NULL;
    market_input in = {code, "Market"};
    assert_int_equal(market_add(ctx, &in, &out, &e), 0);
    json_decref(out);
}

/* The markets a read scope of the reader sees, as a request would. */
static int64_t markets_seen(fixture *f)
{
    db_stmt *stmt;
    err e;
    db_read_scope_begin(f->reader);
    assert_int_equal(db_prepare(f->reader, "SELECT COUNT(*) FROM markets", &stmt, &e), 0);
    assert_int_equal(db_step(stmt, &e), DB_ROW);
    int64_t n = db_column_int64(stmt, 0);
    db_reset(stmt);
    db_read_scope_end(f->reader);
    return n;
}

/* Scopes until the reader keeps its snapshot (the first one finds the
 * change marker, the next one is marked and kept). */
static void reader_keeps(fixture *f, int64_t markets)
{
    for (int i = 0; i < 2; i++)
        assert_int_equal(markets_seen(f), markets);
    assert_true(db_read_snapshot_kept(f->reader));
    assert_int_equal(markets_seen(f), markets);
    assert_true(db_read_snapshot_kept(f->reader));
}

static void test_commit_of_another_process_is_seen_at_once(void **state)
{
    fixture *f = *state;
    reader_keeps(f, 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        service_context ctx = {0};
        err e;
        service_actor_local(&ctx.actor);
        int ok = db_open(f->path, &ctx.db, &e) == 0;
        if (ok) {
            json_t *out = NULL;
            market_input in = {"CLI", "Market"};
            ok = market_add(&ctx, &in, &out, &e) == 0;
            json_decref(out);
            db_close(ctx.db);
        }
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The other process did not end the reader's snapshot: the marker told
     * the reader it was stale. */
    assert_true(db_read_snapshot_kept(f->reader));
    assert_int_equal(markets_seen(f), 1);
}

static void test_commit_of_this_process_ends_kept_snapshots(void **state)
{
    fixture *f = *state;
    reader_keeps(f, 0);
    add_market(&f->other, "LA");
    assert_false(db_read_snapshot_kept(f->reader));
    assert_int_equal(markets_seen(f), 1);
}

static void test_nothing_is_kept_while_this_process_writes(void **state)
{
    fixture *f = *state;
    reader_keeps(f, 0);
    err e;
    db_stmt *stmt;
    assert_int_equal(db_begin(f->other.db, &e), 0);
    assert_false(db_read_snapshot_kept(f->reader));
    assert_int_equal(db_prepare(f->other.db,
                                "INSERT INTO markets (code, name, created_at) "
                                "VALUES ('NY', 'New York', '2026-11-21T00:00:00Z')",
                                &stmt, &e),
                     0);
    assert_int_equal(db_exec_stmt(stmt, &e), 0);
    assert_int_equal(markets_seen(f), 0); /* not committed yet */
    assert_false(db_read_snapshot_kept(f->reader));
    assert_int_equal(db_commit(f->other.db, &e), 0);
    assert_int_equal(markets_seen(f), 1);
    assert_int_equal(markets_seen(f), 1);
    assert_true(db_read_snapshot_kept(f->reader)); /* writes are over */
}

static void test_kept_snapshot_does_not_hold_checkpoints_back(void **state)
{
    fixture *f = *state;
    reader_keeps(f, 0);
    char code[16];
    for (int i = 0; i < 20; i++) {
        snprintf(code, sizeof code, "M%02d", i);
        add_market(&f->other, code);
    }
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(f->other.db, "PRAGMA wal_checkpoint(PASSIVE)", &stmt, &e), 0);
    assert_int_equal(db_step(stmt, &e), DB_ROW);
    int64_t busy = db_column_int64(stmt, 0), frames = db_column_int64(stmt, 1),
            copied = db_column_int64(stmt, 2);
    db_reset(stmt);
    assert_int_equal(busy, 0);
    assert_true(frames > 0);
    assert_int_equal(copied, frames); /* every frame reached the database */
    assert_int_equal(markets_seen(f), 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_of_another_process_is_seen_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commit_of_this_process_ends_kept_snapshots, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nothing_is_kept_while_this_process_writes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_kept_snapshot_does_not_hold_checkpoints_back, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
