/*
 * test_store_audit.c - the db interface on a real SQLite file and the audit
 * chain built on it: migrations are applied once, a unique violation is
 * ERR_CONFLICT, a rolled-back service call leaves no trace (not even an
 * audit record), and tampering with the trail is caught and located.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/audit.h"
#include "service/registry.h"
#include "store/db.h"
#include "temp_db.h"

typedef struct {
    char path[64];
    service_context ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    temp_db_name(f->path, sizeof f->path);
    err e;
    if (db_open(f->path, &f->ctx.db, &e) != 0) {
        fprintf(stderr, "db_open: %s\n", e.message);
        return -1;
    }
    service_actor_local(&f->ctx.actor);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->ctx.db);
    temp_db_remove(f->path);
    free(f);
    return 0;
}

static void add_market(fixture *f, const char *code)
{
    err e;
    json_t *out = NULL;
    market_input in = {code, "Market"};
    assert_int_equal(market_add(&f->ctx, &in, &out, &e), 0);
    json_decref(out);
}

static int64_t count_rows(db_conn *db, const char *sql)
{
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(db, sql, &stmt, &e), 0);
    assert_int_equal(db_step(stmt, &e), DB_ROW);
    int64_t n = db_column_int64(stmt, 0);
    db_reset(stmt);
    return n;
}

static void test_reopen_applies_migrations_once(void **state)
{
    fixture *f = *state;
    err e;
    db_conn *again;
    int64_t applied = count_rows(f->ctx.db, "SELECT COUNT(*) FROM schema_migrations");
    assert_true(applied >= 2); /* 001_foundation, 002_idempotency, ... */
    assert_int_equal(db_open(f->path, &again, &e), 0);
    assert_int_equal(count_rows(again, "SELECT COUNT(*) FROM schema_migrations"), applied);
    assert_int_equal(count_rows(again, "SELECT COUNT(*) FROM schema_migrations WHERE name = "
                                       "'001_foundation.sql'"),
                     1);
    db_close(again);
}

static void test_duplicate_is_conflict_and_changes_nothing(void **state)
{
    fixture *f = *state;
    err e;
    char before[65], after[65];
    json_t *out = NULL;
    add_market(f, "LA");
    assert_int_equal(db_fingerprint(f->ctx.db, before, sizeof before, &e), 0);
    market_input duplicate = {"la", "Los Angeles again"};
    assert_int_equal(market_add(&f->ctx, &duplicate, &out, &e), -1);
    assert_int_equal(e.code, ERR_CONFLICT);
    assert_string_equal(e.field, "code");
    assert_false(db_in_transaction(f->ctx.db));
    assert_int_equal(db_fingerprint(f->ctx.db, after, sizeof after, &e), 0);
    assert_string_equal(before, after);
    assert_int_equal(count_rows(f->ctx.db, "SELECT COUNT(*) FROM audit_log"), 1);
}

static void test_failed_center_leaves_no_audit_record(void **state)
{
    fixture *f = *state;
    err e;
    json_t *out = NULL;
    add_market(f, "NY");
    center_input bad_market = {.code = "NY-01", .name = "Manhattan", .market = "ZZ"};
    assert_int_equal(center_add(&f->ctx, &bad_market, &out, &e), -1);
    assert_string_equal(e.field, "market");
    assert_int_equal(count_rows(f->ctx.db, "SELECT COUNT(*) FROM centers"), 0);
    assert_int_equal(count_rows(f->ctx.db, "SELECT COUNT(*) FROM audit_log"), 1);
    center_input good = {.code = "NY-01", .name = "Manhattan", .market = "NY", .fin = "W0001"};
    assert_int_equal(center_add(&f->ctx, &good, &out, &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "status")), "open");
    json_decref(out);
    assert_int_equal(count_rows(f->ctx.db, "SELECT COUNT(*) FROM audit_log"), 2);
}

static void test_fingerprint_sees_every_change(void **state)
{
    fixture *f = *state;
    err e;
    char first[65], second[65];
    assert_int_equal(db_fingerprint(f->ctx.db, first, sizeof first, &e), 0);
    add_market(f, "SF");
    assert_int_equal(db_fingerprint(f->ctx.db, second, sizeof second, &e), 0);
    assert_string_not_equal(first, second);
}

static void verify(fixture *f, audit_verification *v)
{
    err e;
    assert_int_equal(audit_verify(f->ctx.db, v, &e), 0);
}

static void exec_sql(db_conn *db, const char *sql)
{
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(db, sql, &stmt, &e), 0);
    assert_int_equal(db_exec_stmt(stmt, &e), 0);
}

/* A statement inside a transaction that changes many pages keeps their
 * originals in its statement journal: dropping a 2 MB index (as a migration
 * of a large database does) must work. (SQLite 3.40 failed such a statement
 * with "database or disk is full" when the journal was allowed to spill to
 * a file above a raised limit: store/sqlite.c keeps it in memory.) */
static void test_large_statement_in_transaction(void **state)
{
    fixture *f = *state;
    err e;
    exec_sql(f->ctx.db, "CREATE TABLE big (x TEXT)");
    exec_sql(f->ctx.db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                        "WHERE i < 2000) INSERT INTO big SELECT printf('%.1000c', i) FROM n");
    exec_sql(f->ctx.db, "CREATE INDEX big_x ON big (x)");
    assert_int_equal(db_begin(f->ctx.db, &e), 0);
    db_stmt *stmt;
    assert_int_equal(db_prepare(f->ctx.db, "DROP INDEX big_x", &stmt, &e), 0);
    int rc = db_exec_stmt(stmt, &e);
    if (rc)
        fprintf(stderr, "DROP INDEX: %s\n", e.message);
    assert_int_equal(rc, 0);
    assert_int_equal(db_commit(f->ctx.db, &e), 0);
    assert_int_equal(count_rows(f->ctx.db, "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                           "'big_x'"),
                     0);
}

static void test_chain_detects_alteration_and_removal(void **state)
{
    fixture *f = *state;
    audit_verification v;
    add_market(f, "AA");
    add_market(f, "BB");
    add_market(f, "CC");
    verify(f, &v);
    assert_int_equal(v.first_bad_seq, 0);
    assert_int_equal(v.records_checked, 3);

    /* The trail refuses changes outright... */
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(f->ctx.db, "UPDATE audit_log SET actor = 'x' WHERE seq = 2", &stmt,
                                &e), 0);
    assert_int_equal(db_exec_stmt(stmt, &e), -1);
    assert_non_null(strstr(e.message, "append-only"));

    /* ...and one who removes that protection is still caught. */
    exec_sql(f->ctx.db, "DROP TRIGGER audit_log_no_update");
    exec_sql(f->ctx.db, "DROP TRIGGER audit_log_no_delete");
    exec_sql(f->ctx.db, "UPDATE audit_log SET after_json = '{\"code\":\"ZZ\"}' WHERE seq = 2");
    verify(f, &v);
    assert_int_equal(v.first_bad_seq, 2);
    assert_non_null(strstr(v.problem, "altered"));
}

static void test_chain_detects_removed_last_record(void **state)
{
    fixture *f = *state;
    audit_verification v;
    add_market(f, "AA");
    add_market(f, "BB");
    exec_sql(f->ctx.db, "DROP TRIGGER audit_log_no_delete");
    exec_sql(f->ctx.db, "DELETE FROM audit_log WHERE seq = 2");
    verify(f, &v);
    assert_int_equal(v.first_bad_seq, 2);
}

static void test_chain_detects_removed_middle_record(void **state)
{
    fixture *f = *state;
    audit_verification v;
    add_market(f, "AA");
    add_market(f, "BB");
    add_market(f, "CC");
    exec_sql(f->ctx.db, "DROP TRIGGER audit_log_no_delete");
    exec_sql(f->ctx.db, "DELETE FROM audit_log WHERE seq = 2");
    verify(f, &v);
    assert_int_equal(v.first_bad_seq, 2);
    assert_non_null(strstr(v.problem, "missing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reopen_applies_migrations_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_is_conflict_and_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_center_leaves_no_audit_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fingerprint_sees_every_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_statement_in_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain_detects_alteration_and_removal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain_detects_removed_last_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain_detects_removed_middle_record, setup, teardown),
    };
    return cmocka_run_group_tests_name("store and audit chain", tests, NULL, NULL);
}
