/*
 * test_auth.c - the cost of a password's hash (service/auth.h) on a
 * temporary SQLite database: a user gets argon2id at the standard cost, the
 * demo's made-up staff at libsodium's minimum; the first login of such a
 * user hashes the password again at the standard cost (the password, and so
 * its change date, unchanged), a wrong password or a signature does not.
 * Also the store's switch of commits' syncing (store/db.h): commits not
 * synced are seen at once by another program's connection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "service/auth.h"
#include "store/db.h"
#include "temp_db.h"

#define PASSWORD "a-password-of-twenty"

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

static void add_user(fixture *f, const char *username, auth_hash_cost cost)
{
    user_input in = {.username = username, .full_name = "Test User", .roles = "lab",
                     .password = PASSWORD, .hash_cost = cost};
    json_t *out = NULL;
    err e;
    assert_int_equal(user_add(&f->ctx, &in, NULL, &out, &e), 0);
    json_decref(out);
}

/* The user's stored hash and password change date, as the database holds them. */
static void stored(fixture *f, const char *username, char *hash, size_t hash_size,
                   char *changed, size_t changed_size)
{
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(f->ctx.db,
                                "SELECT password_hash, password_changed_at FROM users "
                                "WHERE username = ?",
                                &stmt, &e),
                     0);
    db_bind_text(stmt, 1, username);
    assert_int_equal(db_step(stmt, &e), DB_ROW);
    snprintf(hash, hash_size, "%s", db_column_text(stmt, 0));
    snprintf(changed, changed_size, "%s", db_column_text(stmt, 1));
    db_reset(stmt);
}

static int login(fixture *f, const char *username, const char *password)
{
    auth_login_result result;
    err e;
    int rc = auth_login(&f->ctx, username, password, "127.0.0.1", &result, &e);
    if (rc == 0)
        json_decref(result.user);
    return rc;
}

static void test_standard_and_demo_staff_costs(void **state)
{
    fixture *f = *state;
    add_user(f, "standard.user", AUTH_HASH_STANDARD);
    add_user(f, "demo.nurse", AUTH_HASH_DEMO_STAFF);
    char hash[256], changed[64];
    stored(f, "standard.user", hash, sizeof hash, changed, sizeof changed);
    assert_non_null(strstr(hash, "$argon2id$v=19$m=19456,t=2,"));
    stored(f, "demo.nurse", hash, sizeof hash, changed, sizeof changed);
    assert_non_null(strstr(hash, "$argon2id$v=19$m=8,t=1,"));
}

static void test_first_login_hashes_again_at_standard_cost(void **state)
{
    fixture *f = *state;
    add_user(f, "demo.nurse", AUTH_HASH_DEMO_STAFF);
    char before[256], changed_before[64], after[256], changed_after[64];
    stored(f, "demo.nurse", before, sizeof before, changed_before, sizeof changed_before);

    /* A wrong password and a signature leave the hash as it is. */
    assert_int_not_equal(login(f, "demo.nurse", "not-the-password-at-all"), 0);
    int64_t signer = 0;
    err e;
    service_context as_nurse = f->ctx;
    snprintf(as_nurse.actor.username, sizeof as_nurse.actor.username, "demo.nurse");
    assert_int_equal(
        auth_signature_check(&as_nurse, "demo.nurse", PASSWORD, CAPABILITY_RELEASE_SIGN, &signer, &e), 0);
    stored(f, "demo.nurse", after, sizeof after, changed_after, sizeof changed_after);
    assert_string_equal(after, before);

    /* The first login: the standard cost, the same password. */
    assert_int_equal(login(f, "demo.nurse", PASSWORD), 0);
    stored(f, "demo.nurse", after, sizeof after, changed_after, sizeof changed_after);
    assert_non_null(strstr(after, "$argon2id$v=19$m=19456,t=2,"));
    assert_string_equal(changed_after, changed_before);
    assert_int_equal(login(f, "demo.nurse", PASSWORD), 0);
    assert_int_not_equal(login(f, "demo.nurse", "not-the-password-at-all"), 0);

    /* A standard hash is kept as it is at each login. */
    char second[256];
    assert_int_equal(login(f, "demo.nurse", PASSWORD), 0);
    stored(f, "demo.nurse", second, sizeof second, changed_after, sizeof changed_after);
    assert_string_equal(second, after);
}

static int64_t synchronous_level(fixture *f)
{
    db_stmt *stmt;
    err e;
    assert_int_equal(db_prepare(f->ctx.db, "PRAGMA synchronous", &stmt, &e), 0);
    assert_int_equal(db_step(stmt, &e), DB_ROW);
    int64_t level = db_column_int64(stmt, 0);
    db_reset(stmt);
    return level;
}

static void test_commits_synced_switch(void **state)
{
    fixture *f = *state;
    err e;
    assert_int_equal(synchronous_level(f), 2); /* FULL */
    assert_int_equal(db_commits_synced(f->ctx.db, 0, &e), 0);
    assert_int_equal(synchronous_level(f), 1); /* NORMAL */
    assert_int_equal(db_commits_synced(f->ctx.db, 1, &e), 0);
    assert_int_equal(synchronous_level(f), 2);
    /* Commits not synced are still seen at once by another program's
     * connection (the default VFS): their log frames are in the file. */
    assert_int_equal(db_commits_synced(f->ctx.db, 0, &e), 0);
    db_stmt *stmt;
    assert_int_equal(db_prepare(f->ctx.db, "CREATE TABLE probe (x INTEGER)", &stmt, &e), 0);
    assert_int_equal(db_exec_stmt(stmt, &e), 0);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(db_begin(f->ctx.db, &e), 0);
        assert_int_equal(db_prepare(f->ctx.db, "INSERT INTO probe (x) VALUES (?)", &stmt, &e), 0);
        db_bind_int64(stmt, 1, i);
        assert_int_equal(db_exec_stmt(stmt, &e), 0);
        assert_int_equal(db_commit(f->ctx.db, &e), 0);
    }
    sqlite3 *other;
    sqlite3_stmt *count;
    assert_int_equal(sqlite3_open_v2(f->path, &other, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(other, "SELECT count(*), sum(x) FROM probe", -1, &count, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(count), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(count, 0), 50);
    assert_int_equal(sqlite3_column_int(count, 1), 49 * 50 / 2);
    sqlite3_finalize(count);
    sqlite3_close(other);
    assert_int_equal(db_commits_synced(f->ctx.db, 1, &e), 0);

    /* Never inside a transaction. */
    assert_int_equal(db_begin(f->ctx.db, &e), 0);
    assert_int_not_equal(db_commits_synced(f->ctx.db, 0, &e), 0);
    db_rollback(f->ctx.db);
    assert_int_equal(synchronous_level(f), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_standard_and_demo_staff_costs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_login_hashes_again_at_standard_cost, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commits_synced_switch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
