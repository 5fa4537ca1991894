/*
 * idempotency.c - remembered answers for Idempotency-Key (idempotency.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "base/date.h"
#include "service/idempotency.h"

int idempotency_key_check(const char *key, err *e)
{
    size_t length = key ? strlen(key) : 0;
    if (length < 1 || length > IDEMPOTENCY_KEY_MAX)
        return err_set(e, ERR_INVALID, "Idempotency-Key", "must be 1 to %d characters",
                       IDEMPOTENCY_KEY_MAX);
    for (size_t i = 0; i < length; i++)
        if (key[i] < 0x21 || key[i] > 0x7e)
            return err_set(e, ERR_INVALID, "Idempotency-Key",
                           "may hold only printable ASCII characters without spaces");
    return 0;
}

void idempotency_request_hash(const char *method, const char *path, const char *body,
                              size_t body_length, char out[IDEMPOTENCY_HASH_TEXT])
{
    crypto_generichash_state state;
    unsigned char digest[32];
    crypto_generichash_init(&state, NULL, 0, sizeof digest);
    crypto_generichash_update(&state, (const unsigned char *)method, strlen(method) + 1);
    crypto_generichash_update(&state, (const unsigned char *)path, strlen(path) + 1);
    crypto_generichash_update(&state, (const unsigned char *)body, body_length);
    crypto_generichash_final(&state, digest, sizeof digest);
    sodium_bin2hex(out, IDEMPOTENCY_HASH_TEXT, digest, sizeof digest);
}

int idempotency_lookup(db_conn *db, int64_t user_id, const char *key, const char *request_hash,
                       idempotency_answer *out, err *e)
{
    memset(out, 0, sizeof *out);
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT request_hash, status, response FROM idempotency_keys "
                   "WHERE user_id = ? AND key = ? AND created_at > ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, user_id);
    db_bind_text(stmt, 2, key);
    db_bind_int64(stmt, 3, timestamp_now() - IDEMPOTENCY_SECONDS);
    db_step_result step = db_step(stmt, e);
    int same_request = 0;
    if (step == DB_ROW) {
        out->found = 1;
        same_request = strcmp(db_column_text(stmt, 0), request_hash) == 0;
        out->status = (int)db_column_int64(stmt, 1);
        out->response = strdup(db_column_text(stmt, 2));
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    if (out->found && !same_request) {
        free(out->response);
        out->response = NULL;
        return err_set(e, ERR_CONFLICT, "Idempotency-Key",
                       "this key was already used for a different request");
    }
    return 0;
}

int idempotency_remember(db_conn *db, int64_t user_id, const char *key, const char *request_hash,
                         int status, const char *response, err *e)
{
    int64_t now = timestamp_now();
    if (db_begin(db, e))
        return -1;
    db_stmt *stmt;
    int rc = -1;
    if (db_prepare(db, "DELETE FROM idempotency_keys WHERE user_id = ? AND created_at <= ?", &stmt,
                   e))
        goto done;
    db_bind_int64(stmt, 1, user_id);
    db_bind_int64(stmt, 2, now - IDEMPOTENCY_SECONDS);
    if (db_exec_stmt(stmt, e))
        goto done;
    if (db_prepare(db,
                   "INSERT INTO idempotency_keys (user_id, key, request_hash, status, response, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING",
                   &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, user_id);
    db_bind_text(stmt, 2, key);
    db_bind_text(stmt, 3, request_hash);
    db_bind_int64(stmt, 4, status);
    db_bind_text(stmt, 5, response);
    db_bind_int64(stmt, 6, now);
    rc = db_exec_stmt(stmt, e);
done:
    if (rc) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, e);
}
