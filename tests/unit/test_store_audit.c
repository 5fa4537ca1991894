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
#include "service/ledger.h"
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

/* The canonical text of a record's before and after is what json_dumps
 * writes with sorted keys, byte for byte (the chain's hashes are over it),
 * whatever the values: nested objects and arrays, keys that prefix one
 * another, escapes, UTF-8, integers at their limits, and a real (handed
 * to json_dumps itself). */
static void test_canonical_json_is_json_dumps_sorted(void **state)
{
    (void)state;
    const char *samples[] = {
        "{}", "[]", "\"\"", "0", "-1", "true", "false", "null",
        "{\"b\":1,\"a\":2,\"ab\":3,\"A\":4,\"a b\":5,\"\":6}",
        "{\"z\":{\"y\":[1,{\"d\":null,\"c\":true}],\"x\":[]},\"lines\":[{\"memo\":\"\",\"amount\":\"-245.00\"}]}",
        "{\"text\":\"quote \\\" backslash \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f \\u0001 \\u001f del \\u007f\"}",
        "{\"\\u00e9t\\u00e9\":\"caf\\u00e9 \\u2603 \\ud83d\\ude00\",\"\\u00e9\":1,\"e\":2}",
        "{\"max\":9223372036854775807,\"min\":-9223372036854775808}",
        "{\"real\":2.5,\"b\":[0.1,1e20]}",
        "{\"k33\":{\"a01\":1,\"a02\":1,\"a03\":1,\"a04\":1,\"a05\":1,\"a06\":1,\"a07\":1,"
        "\"a08\":1,\"a09\":1,\"a10\":1,\"a11\":1,\"a12\":1,\"a13\":1,\"a14\":1,\"a15\":1,"
        "\"a16\":1,\"a17\":1,\"a18\":1,\"a19\":1,\"a20\":1,\"a21\":1,\"a22\":1,\"a23\":1,"
        "\"a24\":1,\"a25\":1,\"a26\":1,\"a27\":1,\"a28\":1,\"a29\":1,\"a30\":1,\"a31\":1,"
        "\"a33\":1,\"a32\":1}}",
    };
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        json_error_t error;
        json_t *value = json_loads(samples[i], JSON_DECODE_ANY, &error);
        assert_non_null(value);
        char *expected = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        char *written = audit_json_canonical(value);
        assert_non_null(written);
        assert_string_equal(written, expected);
        free(expected);
        free(written);
        json_decref(value);
    }
    assert_null(audit_json_canonical(NULL));
}

/* The after of the record "journal_entry post" or "reverse" is the
 * canonical text of the entry as journal_get reads it back (posting writes
 * it from the values posted, without reading them back). */
static void assert_entry_record_is_entry(fixture *f, json_t *entry, const char *action)
{
    char sql[160], *expected = audit_json_canonical(entry);
    snprintf(sql, sizeof sql,
             "SELECT after_json FROM audit_log WHERE entity = 'journal_entry' AND entity_id = '%lld' "
             "AND action = '%s'",
             (long long)json_integer_value(json_object_get(entry, "id")), action);
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(f->ctx.db, sql, &stmt, &e), 0);
    assert_int_equal(db_step(stmt, &e), DB_ROW);
    assert_string_equal(db_column_text(stmt, 0), expected);
    db_reset(stmt);
    free(expected);
}

static void test_posted_entry_record_is_the_entry_read_back(void **state)
{
    fixture *f = *state;
    err e;
    json_t *posted = NULL, *reversal = NULL, *read = NULL;
    add_market(f, "LA");
    journal_line_input lines[] = {
        {.account = "1150", .center = "LA", .amount = "1234.56", .memo = "caf\u00e9 \"quoted\" a/b"},
        {.account = "4000", .center = "LA", .amount = "-1000.00"},
        {.account = "4000", .amount = "-234.56", .memo = ""},
    };
    journal_entry_input in = {.date = "2026-03-02", .description = "Bench \\ entry",
                              .lines = lines, .line_count = 3};
    if (journal_post(&f->ctx, &in, &posted, &e))
        fail_msg("journal_post: %s: %s", e.field, e.message);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(posted, "id")));
    assert_int_equal(journal_reverse(&f->ctx, id, NULL, "typed twice", &reversal, &e), 0);
    /* read again: "reversed_by" of the first is now set, its record kept
     * what was posted */
    assert_int_equal(journal_get(&f->ctx, id, &read, &e), 0);
    assert_false(json_is_null(json_object_get(read, "reversed_by")));
    json_object_set_new(read, "reversed_by", json_null());
    assert_entry_record_is_entry(f, read, "post");
    assert_entry_record_is_entry(f, reversal, "reverse");
    json_decref(posted);
    json_decref(reversal);
    json_decref(read);
}

/* The id an INSERT ... RETURNING id answers, read through db_step as the
 * services do; -1 when it answers no row. */
static int64_t returned_id(db_conn *db, const char *sql)
{
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(db, sql, &stmt, &e), 0);
    db_step_result step = db_step(stmt, &e);
    assert_true(step == DB_ROW || step == DB_DONE);
    int64_t id = -1;
    if (step == DB_ROW) {
        assert_int_equal(db_column_count(stmt), 1);
        assert_false(db_column_is_null(stmt, 0));
        id = db_column_int64(stmt, 0);
        char text[24];
        snprintf(text, sizeof text, "%lld", (long long)id);
        assert_string_equal(db_column_text(stmt, 0), text);
        assert_int_equal(db_step(stmt, &e), DB_DONE); /* one row */
    }
    db_reset(stmt);
    return id;
}

/* SQLite runs "INSERT ... VALUES (...) RETURNING id" into a table whose id
 * is its rowid without the clause (db.c), and answers the same row: the
 * id inserted, no row when nothing was inserted, and the id given where
 * id is not the rowid (text, WITHOUT ROWID, a key of two columns, DESC). */
static void test_insert_returning_id(void **state)
{
    fixture *f = *state;
    db_conn *db = f->ctx.db;
    err e;
    assert_int_equal(db_begin(db, &e), 0);
    exec_sql(db, "CREATE TABLE t_rowid (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    exec_sql(db, "CREATE TABLE t_text (id TEXT PRIMARY KEY, v TEXT)");
    exec_sql(db, "CREATE TABLE t_without (id INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID");
    exec_sql(db, "CREATE TABLE t_pair (id INTEGER, k INTEGER, v TEXT, PRIMARY KEY (id, k))");
    exec_sql(db, "CREATE TABLE t_desc (id INTEGER PRIMARY KEY DESC, v TEXT)");
    assert_int_equal(returned_id(db, "INSERT INTO t_rowid (v) VALUES ('a') RETURNING id"), 1);
    assert_int_equal(returned_id(db, "INSERT INTO t_rowid (id, v) VALUES (40, 'b') RETURNING id"), 40);
    assert_int_equal(returned_id(db, "INSERT INTO t_rowid (v) VALUES ('c') RETURNING id"), 41);
    assert_int_equal(returned_id(db, "INSERT INTO t_rowid (v) VALUES ('a') "
                                     "ON CONFLICT (v) DO NOTHING RETURNING id"),
                     -1);
    assert_int_equal(returned_id(db, "INSERT INTO t_rowid (v) VALUES ('c') "
                                     "ON CONFLICT (v) DO UPDATE SET v = 'c2' RETURNING id"),
                     41);
    assert_int_equal(returned_id(db, "INSERT INTO t_text (id, v) VALUES ('77', 'x') RETURNING id"), 77);
    assert_int_equal(returned_id(db, "INSERT INTO t_rowid (v) VALUES ('d') RETURNING id"), 42);
    assert_int_equal(returned_id(db, "INSERT INTO t_without (id, v) VALUES (9, 'x') RETURNING id"), 9);
    assert_int_equal(returned_id(db, "INSERT INTO t_pair (id, k, v) VALUES (8, 1, 'x') RETURNING id"), 8);
    assert_int_equal(returned_id(db, "INSERT INTO t_desc (id, v) VALUES (7, 'x') RETURNING id"), 7);
    assert_int_equal(returned_id(db, "INSERT INTO t_rowid (v) VALUES ('e') RETURNING id"), 43);
    /* a refused insert fails as before */
    db_stmt *stmt;
    assert_int_equal(db_prepare(db, "INSERT INTO t_rowid (v) VALUES ('a') RETURNING id", &stmt, &e), 0);
    assert_int_equal(db_step(stmt, &e), DB_FAILED);
    assert_int_equal(e.code, ERR_CONFLICT);
    db_reset(stmt);
    db_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_json_is_json_dumps_sorted),
        cmocka_unit_test_setup_teardown(test_insert_returning_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_posted_entry_record_is_the_entry_read_back, setup,
                                        teardown),
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
