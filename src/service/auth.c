/*
 * auth.c - users, passwords, sessions and login throttling (see auth.h).
 *
 * The slow part of a login, the argon2id verification, runs outside any
 * transaction so that it never holds the database's write lock; only the
 * outcome (session opened, or failure counted) is written, in one short
 * transaction with its audit record.
 */
#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "base/date.h"
#include "domain/registry.h"
#include "service/audit.h"
#include "service/auth.h"

/* argon2id with OWASP's recommended minimum (19 MiB, 2 passes): a server
 * under the 64 MB memory target can still verify a login while serving. */
#define PASSWORD_OPSLIMIT 2ULL
#define PASSWORD_MEMLIMIT (19u * 1024u * 1024u)

static int username_check(const char *username, err *e)
{
    size_t length = username ? strlen(username) : 0;
    if (length < 2 || length > SERVICE_USERNAME_MAX - 8)
        return err_set(e, ERR_INVALID, "username", "must be 2 to %d characters",
                       SERVICE_USERNAME_MAX - 8);
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)username[i];
        if (!islower(c) && !isdigit(c) && c != '.' && c != '_' && c != '-')
            return err_set(e, ERR_INVALID, "username",
                           "may hold only lower-case letters, digits, '.', '_' and '-'");
    }
    return 0;
}

static int password_check(const char *password, err *e)
{
    size_t length = password ? strlen(password) : 0;
    if (length < AUTH_PASSWORD_MIN || length > AUTH_PASSWORD_MAX)
        return err_set(e, ERR_INVALID, "password", "must be %d to %d characters",
                       AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
    return 0;
}

static int password_hash(const char *password, auth_hash_cost cost,
                         char out[crypto_pwhash_STRBYTES], err *e)
{
    int demo = cost == AUTH_HASH_DEMO_STAFF;
    if (crypto_pwhash_str(out, password, strlen(password),
                          demo ? crypto_pwhash_OPSLIMIT_MIN : PASSWORD_OPSLIMIT,
                          demo ? crypto_pwhash_MEMLIMIT_MIN : PASSWORD_MEMLIMIT) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory while hashing the password");
    return 0;
}

static void random_hex(char out[AUTH_TOKEN_TEXT])
{
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    sodium_bin2hex(out, AUTH_TOKEN_TEXT, bytes, sizeof bytes);
}

static void token_hash(const char *token, char out[AUTH_TOKEN_TEXT])
{
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)token, strlen(token), NULL,
                       0);
    sodium_bin2hex(out, AUTH_TOKEN_TEXT, digest, sizeof digest);
}

void auth_generate_password(char out[AUTH_TOKEN_TEXT])
{
    /* 20 characters from an alphabet without look-alikes (0/O, 1/l/I). */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[20] = '\0';
}

int auth_tokens_equal(const char *a, const char *b)
{
    size_t length = strlen(a);
    if (length != strlen(b))
        return 0;
    return sodium_memcmp(a, b, length) == 0;
}

int64_t auth_session_seconds(void)
{
    const char *text = getenv("BLOODOPS_SESSION_SECONDS");
    long long seconds = text ? atoll(text) : 0;
    return seconds > 0 ? seconds : AUTH_SESSION_SECONDS_DEFAULT;
}

static int user_roles_json(db_conn *db, int64_t user_id, json_t **roles_out, role_set *set,
                           err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, user_id);
    json_t *roles = json_array();
    role_set mask = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        json_array_append_new(roles, json_string(db_column_text(stmt, 0)));
        mask |= role_from_name(db_column_text(stmt, 0));
    }
    db_reset(stmt);
    if (step == DB_FAILED) {
        json_decref(roles);
        return -1;
    }
    if (roles_out)
        *roles_out = roles;
    else
        json_decref(roles);
    if (set)
        *set = mask;
    return 0;
}

/* The codes of the centers (or markets) assigned to a user, in order. */
static int scope_codes_json(db_conn *db, const char *sql, int64_t user_id, json_t **out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, user_id);
    json_t *codes = json_array();
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        json_array_append_new(codes, json_string(db_column_text(stmt, 0)));
    db_reset(stmt);
    if (step == DB_FAILED) {
        json_decref(codes);
        return -1;
    }
    *out = codes;
    return 0;
}

#define CENTER_CODES_SQL                                                                           \
    "SELECT c.code FROM user_centers uc JOIN centers c ON c.id = uc.center_id "                   \
    "WHERE uc.user_id = ? ORDER BY c.code"
#define MARKET_CODES_SQL                                                                           \
    "SELECT m.code FROM user_markets um JOIN markets m ON m.id = um.market_id "                   \
    "WHERE um.user_id = ? ORDER BY m.code"

/* The public view of a user (never the password hash). */
static int user_json(db_conn *db, const char *username, json_t **out, int64_t *id_out, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT id, username, full_name, disabled, created_at, last_login_at "
                   "FROM users WHERE username = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, username);
    db_step_result step = db_step(stmt, e);
    if (step != DB_ROW) {
        db_reset(stmt);
        return step == DB_FAILED ? -1
                                 : err_set(e, ERR_NOT_FOUND, "username", "no user '%s'", username);
    }
    int64_t id = db_column_int64(stmt, 0);
    json_t *user = json_pack("{s:s, s:s, s:b, s:s}", "username", db_column_text(stmt, 1),
                             "full_name", db_column_text(stmt, 2), "disabled",
                             (int)db_column_int64(stmt, 3), "created_at", db_column_text(stmt, 4));
    json_object_set_new(user, "last_login_at",
                        service_json_text(db_column_is_null(stmt, 5) ? NULL
                                                                     : db_column_text(stmt, 5)));
    db_reset(stmt);
    json_t *roles;
    if (user_roles_json(db, id, &roles, NULL, e)) {
        json_decref(user);
        return -1;
    }
    json_object_set_new(user, "roles", roles);
    json_t *centers, *markets;
    if (scope_codes_json(db, CENTER_CODES_SQL, id, &centers, e)) {
        json_decref(user);
        return -1;
    }
    json_object_set_new(user, "centers", centers);
    if (scope_codes_json(db, MARKET_CODES_SQL, id, &markets, e)) {
        json_decref(user);
        return -1;
    }
    json_object_set_new(user, "markets", markets);
    *out = user;
    if (id_out)
        *id_out = id;
    return 0;
}

int user_count(db_conn *db, int64_t *count, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT COUNT(*) FROM users", &stmt, e))
        return -1;
    if (db_step(stmt, e) != DB_ROW) {
        db_reset(stmt);
        return -1;
    }
    *count = db_column_int64(stmt, 0);
    db_reset(stmt);
    return 0;
}

int user_add(service_context *ctx, const user_input *in, char *generated_password,
             json_t **out, err *e)
{
    role_set roles;
    if (username_check(in->username, e) || registry_name_check(in->full_name, "full_name", e) ||
        role_set_parse(in->roles, &roles, "roles", e))
        return -1;
    const char *password = in->password;
    if (!password) {
        auth_generate_password(generated_password);
        password = generated_password;
    } else if (password_check(password, e)) {
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(password, in->hash_cost, hash, e))
        return -1;

    char now[TIMESTAMP_TEXT_MAX];
    timestamp_format(timestamp_now(), now, sizeof now);
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    int64_t id;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "INSERT INTO users (username, full_name, password_hash, created_at, "
                   "password_changed_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, in->username);
    db_bind_text(stmt, 2, in->full_name);
    db_bind_text(stmt, 3, hash);
    db_bind_text(stmt, 4, now);
    db_bind_text(stmt, 5, now);
    if (db_insert_returning_id(stmt, &id, e)) {
        if (e && e->code == ERR_CONFLICT)
            err_set(e, ERR_CONFLICT, "username", "user '%s' already exists", in->username);
        goto done;
    }
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (!(roles & (1u << i)))
            continue;
        if (db_prepare(ctx->db, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", &stmt, e))
            goto done;
        db_bind_int64(stmt, 1, id);
        db_bind_text(stmt, 2, role_name((role)(1u << i)));
        if (db_exec_stmt(stmt, e))
            goto done;
    }
    json_t *user;
    if (user_json(ctx->db, in->username, &user, NULL, e))
        goto done;
    rc = audit_append(ctx, "user", in->username, "create", NULL, user, NULL, e);
    if (rc == 0 && out)
        *out = user;
    else
        json_decref(user);
done:
    return service_finish(ctx, rc, e);
}

int user_list(service_context *ctx, service_page *page, json_t **out, err *e)
{
    if (service_page_check(page, e))
        return -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db,
                   "SELECT username FROM users WHERE username > ? ORDER BY username LIMIT ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, page->after ? page->after : "");
    db_bind_int64(stmt, 2, page->limit);
    /* Collect names first: user_json reuses statements of this connection. */
    json_t *names = json_array();
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW)
        json_array_append_new(names, json_string(db_column_text(stmt, 0)));
    db_reset(stmt);
    json_t *items = json_array();
    size_t i;
    json_t *name;
    int rc = step == DB_FAILED ? -1 : 0;
    json_array_foreach(names, i, name)
    {
        json_t *user;
        if (rc == 0 && (rc = user_json(ctx->db, json_string_value(name), &user, NULL, e)) == 0)
            json_array_append_new(items, user);
    }
    json_decref(names);
    if (rc) {
        json_decref(items);
        return -1;
    }
    *out = service_page_result(items, page, "username");
    return 0;
}

static int end_sessions_of(db_conn *db, int64_t user_id, err *e)
{
    db_stmt *stmt;
    char now[TIMESTAMP_TEXT_MAX];
    if (db_prepare(db, "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_int64(stmt, 2, user_id);
    return db_exec_stmt(stmt, e);
}

int user_set_password(service_context *ctx, const char *username, const char *password, err *e)
{
    if (password_check(password, e))
        return -1;
    char hash[crypto_pwhash_STRBYTES], now[TIMESTAMP_TEXT_MAX];
    if (password_hash(password, AUTH_HASH_STANDARD, hash, e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    int64_t id;
    json_t *user = NULL;
    db_stmt *stmt;
    if (user_json(ctx->db, username ? username : "", &user, &id, e))
        goto done;
    if (db_prepare(ctx->db, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, hash);
    db_bind_text(stmt, 2, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_int64(stmt, 3, id);
    /* A new password ends every open session of the account. */
    if (db_exec_stmt(stmt, e) || end_sessions_of(ctx->db, id, e))
        goto done;
    rc = audit_append(ctx, "user", username, "set_password", NULL, NULL, NULL, e);
done:
    json_decref(user);
    return service_finish(ctx, rc, e);
}

/* Whether a user record (user_json) holds the admin role. */
static int user_is_admin(json_t *user)
{
    size_t index;
    json_t *name;
    json_array_foreach(json_object_get(user, "roles"), index, name)
    {
        if (json_is_string(name) && role_from_name(json_string_value(name)) == ROLE_ADMIN)
            return 1;
    }
    return 0;
}

/* How a change of one user ends: the user read again as `after`, the audit
 * record of `action` (before, after, `reason`), the transaction finished
 * and `after` answered in *out (service_finish_record). */
static int user_change_finish(service_context *ctx, int rc, const char *username,
                              const char *action, json_t *before, const char *reason,
                              json_t **out, err *e)
{
    json_t *after = NULL;
    if (rc == 0)
        rc = user_json(ctx->db, username, &after, NULL, e);
    if (rc == 0)
        rc = audit_append(ctx, "user", username, action, before, after, reason, e);
    return service_finish_record(ctx, rc, before, after, out, e);
}

/* Someone must remain who can administer users: the user `id` (`username`,
 * an enabled administrator) may not stop being one when no other enabled
 * administrator exists (ERR_CONFLICT naming `field`). Counted inside the
 * caller's write transaction, so that two administrators taking each
 * other's rights away at once cannot both succeed. */
static int last_admin_check(db_conn *db, int64_t id, const char *username, const char *field,
                            err *e)
{
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id "
                   "WHERE r.role = 'admin' AND u.disabled = 0 AND u.id <> ?",
                   &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, id);
    db_step_result step = db_step(stmt, e);
    int64_t other_admins = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
    db_reset(stmt);
    if (step != DB_ROW)
        return -1;
    if (other_admins == 0)
        return err_set(e, ERR_CONFLICT, field,
                       "user '%s' is the last enabled administrator: add another administrator "
                       "first",
                       username);
    return 0;
}

int user_disable(service_context *ctx, const char *username, const char *reason, err *e)
{
    if (registry_text_blank(reason))
        return err_set(e, ERR_INVALID, "reason", "a reason is required to disable a user");
    if (registry_text_check(reason, REGISTRY_REASON_MAX, "reason", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    int64_t id;
    json_t *before = NULL, *after = NULL;
    db_stmt *stmt;
    if (user_json(ctx->db, username ? username : "", &before, &id, e))
        goto done;
    if (json_is_true(json_object_get(before, "disabled"))) {
        err_set(e, ERR_CONFLICT, "username", "user '%s' is already disabled", username);
        goto done;
    }
    if (user_is_admin(before) && last_admin_check(ctx->db, id, username, "username", e))
        goto done;
    if (db_prepare(ctx->db, "UPDATE users SET disabled = 1 WHERE id = ?", &stmt, e))
        goto done;
    db_bind_int64(stmt, 1, id);
    if (db_exec_stmt(stmt, e) || end_sessions_of(ctx->db, id, e) ||
        user_json(ctx->db, username, &after, NULL, e))
        goto done;
    rc = audit_append(ctx, "user", username, "disable", before, after, reason, e);
done:
    json_decref(before);
    json_decref(after);
    return service_finish(ctx, rc, e);
}

int user_roles_set(service_context *ctx, const char *username, const char *roles_text,
                   json_t **out, err *e)
{
    role_set roles, current = 0;
    if (role_set_parse(roles_text, &roles, "roles", e) || service_begin(ctx, e))
        return -1;
    json_t *before = NULL;
    int64_t id;
    db_stmt *stmt;
    int rc = user_json(ctx->db, username ? username : "", &before, &id, e);
    if (rc == 0)
        rc = user_roles_json(ctx->db, id, NULL, &current, e);
    if (rc == 0 && (current & ROLE_ADMIN) && !(roles & ROLE_ADMIN) &&
        !json_is_true(json_object_get(before, "disabled")))
        rc = last_admin_check(ctx->db, id, username, "roles", e);
    if (rc == 0 && roles == current) /* nothing to change: nothing written, nothing audited */
        return service_finish_record(ctx, 0, NULL, before, out, e);
    if (rc == 0 && (rc = db_prepare(ctx->db, "DELETE FROM user_roles WHERE user_id = ?", &stmt,
                                    e)) == 0) {
        db_bind_int64(stmt, 1, id);
        rc = db_exec_stmt(stmt, e);
    }
    for (int i = 0; rc == 0 && i < ROLE_COUNT; i++) {
        if (!(roles & (1u << i)))
            continue;
        if ((rc = db_prepare(ctx->db, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)",
                             &stmt, e)) != 0)
            break;
        db_bind_int64(stmt, 1, id);
        db_bind_text(stmt, 2, role_name((role)(1u << i)));
        rc = db_exec_stmt(stmt, e);
    }
    return user_change_finish(ctx, rc, username, "roles", before, NULL, out, e);
}

int user_enable(service_context *ctx, const char *username, const char *reason, json_t **out,
                err *e)
{
    if (reason && registry_text_blank(reason))
        reason = NULL;
    if (reason && registry_text_check(reason, REGISTRY_REASON_MAX, "reason", e))
        return -1;
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL;
    int64_t id;
    db_stmt *stmt;
    int rc = user_json(ctx->db, username ? username : "", &before, &id, e);
    /* Only a disabled user is enabled, once: the update is conditional, so
     * that two administrators enabling the same user at once record it
     * once. */
    if (rc == 0 && (rc = db_prepare(ctx->db,
                                    "UPDATE users SET disabled = 0 WHERE id = ? AND disabled = 1",
                                    &stmt, e)) == 0) {
        db_bind_int64(stmt, 1, id);
        rc = db_exec_stmt(stmt, e);
        if (rc == 0 && db_changes(ctx->db) != 1)
            rc = err_set(e, ERR_CONFLICT, "username", "user '%s' is not disabled", username);
    }
    return user_change_finish(ctx, rc, username, "enable", before, reason, out, e);
}

/* --- login ---------------------------------------------------------------- */

static char dummy_hash[crypto_pwhash_STRBYTES];
/* The statements that replace one kind of a user's scope. */
typedef struct {
    const char *remove, *find, *add;
    const char *field, *what; /* "centers", "donor center" */
} scope_statements;

static const scope_statements center_scope = {
    "DELETE FROM user_centers WHERE user_id = ?", "SELECT id FROM centers WHERE code = ?",
    "INSERT INTO user_centers (user_id, center_id) VALUES (?, ?)", "centers", "donor center"};
static const scope_statements market_scope = {
    "DELETE FROM user_markets WHERE user_id = ?", "SELECT id FROM markets WHERE code = ?",
    "INSERT INTO user_markets (user_id, market_id) VALUES (?, ?)", "markets", "market"};

/* Replace a user's centers (or markets) by those of the codes in `text`
 * ("LA-01,OC-01"; "" for none); ERR_INVALID naming the field for a code
 * that is not there, given twice, or too many. */
static int scope_replace(db_conn *db, int64_t user_id, const char *text,
                         const scope_statements *sql, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql->remove, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, user_id);
    if (db_exec_stmt(stmt, e))
        return -1;
    int count = 0;
    for (const char *at = text; *at;) {
        const char *end = strchr(at, ',');
        size_t length = end ? (size_t)(end - at) : strlen(at);
        char code[64];
        if (length == 0 || length >= sizeof code || (end && !end[1]))
            return err_set(e, ERR_INVALID, sql->field, "must be codes separated by commas");
        memcpy(code, at, length);
        code[length] = '\0';
        /* As every code is typed elsewhere: " la-01" is LA-01. */
        service_normalize_code(code);
        if (!*code)
            return err_set(e, ERR_INVALID, sql->field, "must be codes separated by commas");
        if (++count > SERVICE_SCOPE_MAX)
            return err_set(e, ERR_INVALID, sql->field, "at most %d may be assigned",
                           SERVICE_SCOPE_MAX);
        if (db_prepare(db, sql->find, &stmt, e))
            return -1;
        db_bind_text(stmt, 1, code);
        db_step_result step = db_step(stmt, e);
        int64_t id = step == DB_ROW ? db_column_int64(stmt, 0) : 0;
        db_reset(stmt);
        if (step == DB_FAILED)
            return -1;
        if (step != DB_ROW)
            return err_set(e, ERR_INVALID, sql->field, "no %s has the code '%s'", sql->what, code);
        if (db_prepare(db, sql->add, &stmt, e))
            return -1;
        db_bind_int64(stmt, 1, user_id);
        db_bind_int64(stmt, 2, id);
        if (db_exec_stmt(stmt, e)) {
            if (e && e->code == ERR_CONFLICT)
                err_set(e, ERR_INVALID, sql->field, "'%s' is given twice", code);
            return -1;
        }
        at = end ? end + 1 : at + length;
    }
    return 0;
}

int auth_my_centers(service_context *ctx, json_t **out, err *e)
{
    return scope_codes_json(ctx->db, CENTER_CODES_SQL, ctx->actor.user_id, out, e);
}

int user_scope_set(service_context *ctx, const char *username, const char *centers,
                   const char *markets, json_t **out, err *e)
{
    if (!centers && !markets)
        return err_set(e, ERR_INVALID, "centers", "give the centers, the markets or both");
    if (service_begin(ctx, e))
        return -1;
    json_t *before = NULL;
    int64_t id;
    int rc = user_json(ctx->db, username, &before, &id, e);
    if (rc == 0 && centers)
        rc = scope_replace(ctx->db, id, centers, &center_scope, e);
    if (rc == 0 && markets)
        rc = scope_replace(ctx->db, id, markets, &market_scope, e);
    return user_change_finish(ctx, rc, username, "scope", before, NULL, out, e);
}

static void make_dummy_hash(void)
{
    /* Verifying against this when the user does not exist makes a wrong name
     * take as long as a wrong password: timing does not reveal user names. */
    if (crypto_pwhash_str(dummy_hash, "not a password of anyone", 24, PASSWORD_OPSLIMIT,
                          PASSWORD_MEMLIMIT) != 0)
        dummy_hash[0] = '\0'; /* out of memory: verification then simply fails */
}

/* --- throttling ---------------------------------------------------------------
 *
 * Attempts are counted per subject (schema/007_login_throttle.sql): the
 * user on record ("user:NAME"), the bucket an unknown name falls into
 * ("unknown:NNNN", by a hash keyed with a secret of the database, so that
 * a lock does not tell whether a name exists, and unknown names tried
 * never add more than UNKNOWN_NAME_BUCKETS rows), and the client's address
 * ("address:IP"). An attempt is counted BEFORE its password is checked, in
 * the same statement that reads the count: concurrent attempts each see
 * the ones before them, so no more than the limit are ever checked. A
 * success takes its attempt back (and clears the user's failures); a
 * failure stays counted, and the attempt that reaches the limit locks the
 * subject for AUTH_LOCK_SECONDS. */

enum { THROTTLE_SUBJECT_MAX = 96, UNKNOWN_NAME_BUCKETS = 1024 };

typedef struct {
    char key[THROTTLE_SUBJECT_MAX];
    long limit;
    int64_t failures, window_start, locked_until; /* as counted by throttle_reserve */
} throttle_subject;

/* The key of the hash that sorts unknown names into buckets: made once,
 * inside the caller's write transaction. */
static int throttle_key_get(db_conn *db, unsigned char key[crypto_generichash_KEYBYTES], err *e)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        db_stmt *stmt;
        if (db_prepare(db, "SELECT value FROM auth_secrets WHERE name = 'throttle_key'", &stmt,
                       e))
            return -1;
        db_step_result step = db_step(stmt, e);
        int found = step == DB_ROW &&
                    sodium_hex2bin(key, crypto_generichash_KEYBYTES, db_column_text(stmt, 0),
                                   strlen(db_column_text(stmt, 0)), NULL, NULL, NULL) == 0;
        db_reset(stmt);
        if (step == DB_FAILED)
            return -1;
        if (found)
            return 0;
        unsigned char made[crypto_generichash_KEYBYTES];
        char hex[crypto_generichash_KEYBYTES * 2 + 1];
        randombytes_buf(made, sizeof made);
        sodium_bin2hex(hex, sizeof hex, made, sizeof made);
        if (db_prepare(db,
                       "INSERT INTO auth_secrets (name, value) VALUES ('throttle_key', ?) "
                       "ON CONFLICT (name) DO NOTHING",
                       &stmt, e))
            return -1;
        db_bind_text(stmt, 1, hex);
        if (db_exec_stmt(stmt, e))
            return -1;
    }
    return err_set(e, ERR_INTERNAL, NULL, "the throttle key cannot be read back");
}

/* The subject a name is counted under: its user, or its bucket. */
static int name_subject(db_conn *db, const char *username, int known, throttle_subject *s, err *e)
{
    s->limit = AUTH_FAILURES_MAX;
    if (known) {
        snprintf(s->key, sizeof s->key, "user:%s", username);
        return 0;
    }
    unsigned char key[crypto_generichash_KEYBYTES], hash[16];
    if (throttle_key_get(db, key, e))
        return -1;
    crypto_generichash(hash, sizeof hash, (const unsigned char *)username, strlen(username), key,
                       sizeof key);
    snprintf(s->key, sizeof s->key, "unknown:%04u",
             (unsigned)(((unsigned)hash[0] << 8 | hash[1]) % UNKNOWN_NAME_BUCKETS));
    return 0;
}

/* Whether a user by this name is on record. */
static int user_known(db_conn *db, const char *username, int *known, err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, "SELECT 1 FROM users WHERE username = ?", &stmt, e))
        return -1;
    db_bind_text(stmt, 1, username);
    db_step_result step = db_step(stmt, e);
    db_reset(stmt);
    *known = step == DB_ROW;
    return step == DB_FAILED ? -1 : 0;
}

/* Count one attempt against each subject inside the open transaction, with
 * the check of its limit in the same statement. 1 when a subject is locked
 * or over its limit (nothing else is done: the caller rolls back, so the
 * refused attempt is not counted), with *wait the seconds until it passes
 * and *refused that subject. */
static int throttle_count(db_conn *db, throttle_subject *subjects, size_t count, int64_t now,
                          int64_t *wait, const throttle_subject **refused, err *e)
{
    for (size_t i = 0; i < count; i++) {
        throttle_subject *s = &subjects[i];
        db_stmt *stmt;
        if (db_prepare(db,
                       "INSERT INTO login_throttle (subject, failures, window_start, locked_until) "
                       "VALUES (?, 1, ?, 0) ON CONFLICT (subject) DO UPDATE SET "
                       "failures = CASE WHEN login_throttle.locked_until <= ? AND "
                       "login_throttle.window_start <= ? THEN 1 "
                       "ELSE login_throttle.failures + 1 END, "
                       "window_start = CASE WHEN login_throttle.locked_until <= ? AND "
                       "login_throttle.window_start <= ? THEN ? "
                       "ELSE login_throttle.window_start END "
                       "RETURNING failures, window_start, locked_until",
                       &stmt, e))
            return -1;
        db_bind_text(stmt, 1, s->key);
        db_bind_int64(stmt, 2, now);
        db_bind_int64(stmt, 3, now);
        db_bind_int64(stmt, 4, now - AUTH_WINDOW_SECONDS);
        db_bind_int64(stmt, 5, now);
        db_bind_int64(stmt, 6, now - AUTH_WINDOW_SECONDS);
        db_bind_int64(stmt, 7, now);
        db_step_result step = db_step(stmt, e);
        if (step == DB_ROW) {
            s->failures = db_column_int64(stmt, 0);
            s->window_start = db_column_int64(stmt, 1);
            s->locked_until = db_column_int64(stmt, 2);
            step = db_step(stmt, e);
        }
        db_reset(stmt);
        if (step == DB_FAILED)
            return -1;
        if (s->locked_until > now || s->failures > s->limit) {
            int64_t until = s->locked_until > now ? s->locked_until
                                                   : s->window_start + AUTH_WINDOW_SECONDS;
            *wait = until > now ? until - now : 1;
            *refused = s;
            return 1;
        }
    }
    return 0;
}

/* The refusal of a throttled attempt, naming what is throttled. */
static int throttled(const throttle_subject *s, const char *username, int64_t wait,
                     const char *field, err *e)
{
    if (strncmp(s->key, "address:", 8) == 0)
        return err_set_retry(e, ERR_THROTTLED, (long)wait, field,
                             "too many failed logins from this address: try again in %" PRId64
                             " minutes",
                             (wait + 59) / 60);
    return err_set_retry(e, ERR_THROTTLED, (long)wait, field,
                         "too many failed attempts for '%s': try again in %" PRId64 " minutes",
                         username, (wait + 59) / 60);
}

/* The subjects of an attempt by `username` from `address` (NULL: the
 * local command line, not counted by address); *known whether the name is
 * a user on record. */
static int throttle_subjects(db_conn *db, const char *username, const char *address,
                             throttle_subject subjects[2], size_t *count, int *known, err *e)
{
    memset(subjects, 0, 2 * sizeof *subjects);
    if (user_known(db, username, known, e) || name_subject(db, username, *known, &subjects[0], e))
        return -1;
    *count = 1;
    if (address && *address) {
        snprintf(subjects[1].key, sizeof subjects[1].key, "address:%.64s", address);
        subjects[1].limit = AUTH_ADDRESS_FAILURES_MAX;
        *count = 2;
    }
    return 0;
}

/* Reserve an attempt by `username` from `address` against each of its
 * subjects (filled in `subjects`, *count of them): one transaction,
 * committed when every subject is under its limit; ERR_THROTTLED naming
 * `field`, with the seconds to wait and nothing written, when one is
 * not. */
static int throttle_reserve(service_context *ctx, const char *username, const char *address,
                            throttle_subject subjects[2], size_t *count, int64_t now,
                            const char *field, err *e)
{
    if (service_begin(ctx, e))
        return -1;
    int64_t wait = 0;
    int known = 0;
    const throttle_subject *refused = NULL;
    int over = throttle_subjects(ctx->db, username, address, subjects, count, &known, e);
    if (over == 0)
        over = throttle_count(ctx->db, subjects, *count, now, &wait, &refused, e);
    if (over != 0) {
        service_finish(ctx, -1, e);
        return over < 0 ? -1 : throttled(refused, username, wait, field, e);
    }
    return service_finish(ctx, 0, e);
}

/* After the password check, inside the outcome's transaction: a success
 * takes its attempt back from every subject, and a login's (`clear_name`)
 * clears the name's failures as well; a failure locks each subject whose
 * limit it reached (*locked: the name's subject, the first, was locked). */
static int throttle_settle(db_conn *db, const throttle_subject *subjects, size_t count,
                           int success, int clear_name, int64_t now, int *locked, err *e)
{
    *locked = 0;
    for (size_t i = 0; i < count; i++) {
        const throttle_subject *s = &subjects[i];
        db_stmt *stmt;
        if (success && i == 0 && clear_name) {
            if (db_prepare(db, "DELETE FROM login_throttle WHERE subject = ?", &stmt, e))
                return -1;
            db_bind_text(stmt, 1, s->key);
        } else if (success) {
            /* The attempt back: a row that held only it goes, so that a
             * passing attempt leaves the table as it found it. */
            if (db_prepare(db,
                           "DELETE FROM login_throttle WHERE subject = ? AND failures <= 1 "
                           "AND locked_until <= ?",
                           &stmt, e))
                return -1;
            db_bind_text(stmt, 1, s->key);
            db_bind_int64(stmt, 2, now);
            if (db_exec_stmt(stmt, e) ||
                db_prepare(db,
                           "UPDATE login_throttle SET failures = failures - 1 "
                           "WHERE subject = ? AND failures > 0",
                           &stmt, e))
                return -1;
            db_bind_text(stmt, 1, s->key);
        } else if (s->failures >= s->limit) {
            if (db_prepare(db, "UPDATE login_throttle SET locked_until = ? WHERE subject = ?",
                           &stmt, e))
                return -1;
            db_bind_int64(stmt, 1, now + AUTH_LOCK_SECONDS);
            db_bind_text(stmt, 2, s->key);
            *locked |= i == 0;
        } else {
            continue;
        }
        if (db_exec_stmt(stmt, e))
            return -1;
    }
    return 0;
}

/* Look the user up and verify the password against the stored hash, or
 * against a dummy hash when the name is unknown (the same time either way).
 * *user_id is 0 for an unknown name. When `rehashed` is given and the
 * password matched a hash of other parameters than the standard ones (the
 * demo's staff, or parameters raised since), it receives the password
 * hashed at the standard cost, else "". Reads only. */
static int password_matches(db_conn *db, const char *username, const char *password,
                            int64_t *user_id, int64_t *disabled, int *password_ok,
                            char rehashed[crypto_pwhash_STRBYTES], err *e)
{
    static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
    pthread_once(&dummy_once, make_dummy_hash);
    db_stmt *stmt;
    if (db_prepare(db, "SELECT id, password_hash, disabled FROM users WHERE username = ?",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, username);
    db_step_result step = db_step(stmt, e);
    char stored_hash[crypto_pwhash_STRBYTES] = "";
    if (step == DB_ROW) {
        *user_id = db_column_int64(stmt, 0);
        snprintf(stored_hash, sizeof stored_hash, "%s", db_column_text(stmt, 1));
        *disabled = db_column_int64(stmt, 2);
    }
    db_reset(stmt);
    if (step == DB_FAILED)
        return -1;
    *password_ok = crypto_pwhash_str_verify(*user_id ? stored_hash : dummy_hash, password,
                                            strlen(password)) == 0;
    if (rehashed) {
        rehashed[0] = '\0';
        if (*user_id && *password_ok &&
            crypto_pwhash_str_needs_rehash(stored_hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0)
            return password_hash(password, AUTH_HASH_STANDARD, rehashed, e);
    }
    return 0;
}

int auth_login(service_context *ctx, const char *username, const char *password,
               const char *address, auth_login_result *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (!username || !*username)
        return err_set(e, ERR_INVALID, "username", "is required");
    if (!password || !*password)
        return err_set(e, ERR_INVALID, "password", "is required");
    if (strlen(username) >= SERVICE_USERNAME_MAX || strlen(password) > AUTH_PASSWORD_MAX)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "wrong user name or password");

    /* The attempt is counted first (refused here when a limit is reached),
     * then the password is checked with no transaction held. */
    int64_t now = timestamp_now();
    service_context as_user = *ctx;
    snprintf(as_user.actor.username, sizeof as_user.actor.username, "%s", username);
    throttle_subject subjects[2];
    size_t subject_count = 0;
    if (throttle_reserve(&as_user, username, address, subjects, &subject_count, now, NULL, e))
        return -1;
    int64_t user_id = 0, disabled = 0;
    int password_ok = 0;
    char rehashed[crypto_pwhash_STRBYTES];
    if (password_matches(ctx->db, username, password, &user_id, &disabled, &password_ok, rehashed,
                         e))
        return -1;
    int success = user_id && password_ok && !disabled;

    /* The outcome: one short transaction with its audit record. */
    if (service_begin(&as_user, e))
        return -1;
    int rc = -1, locked = 0;
    if (throttle_settle(as_user.db, subjects, subject_count, success, 1, now, &locked, e))
        return service_finish(&as_user, -1, e);
    if (!success) {
        /* A user on record: every failure is audited (the throttle bounds
         * them). Unknown names: only the lock of their bucket or of the
         * address, so that names made up by the thousand leave no trail of
         * their own. */
        const char *reason = disabled ? "account disabled" : NULL;
        rc = 0;
        if (user_id)
            rc = audit_append(&as_user, "session", username,
                              locked ? "login_locked" : "login_failed", NULL, NULL, reason, e);
        for (size_t i = user_id ? 1 : 0; rc == 0 && i < subject_count; i++)
            if (subjects[i].failures >= subjects[i].limit)
                rc = audit_append(&as_user, "login_throttle", subjects[i].key, "lock", NULL, NULL,
                                  "locked after repeated failed logins", e);
        if (service_finish(&as_user, rc, e))
            return -1;
        return err_set(e, ERR_UNAUTHORIZED, NULL, "wrong user name or password");
    }
    char hashed[AUTH_TOKEN_TEXT], created[TIMESTAMP_TEXT_MAX], session_key[24];
    int64_t session_id;
    db_stmt *stmt;
    random_hex(out->token);
    random_hex(out->csrf_token);
    token_hash(out->token, hashed);
    out->expires_at = now + auth_session_seconds();
    if (db_prepare(as_user.db,
                   "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?) RETURNING id",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, hashed);
    db_bind_int64(stmt, 2, user_id);
    db_bind_text(stmt, 3, out->csrf_token);
    db_bind_text(stmt, 4, timestamp_format(now, created, sizeof created));
    db_bind_int64(stmt, 5, out->expires_at);
    if (db_insert_returning_id(stmt, &session_id, e))
        goto done;
    /* The user's last login, shown to administrators; and their password's
     * hash at the standard cost if it was made with other parameters (the
     * password itself is unchanged, so its change date is too). */
    if (db_prepare(as_user.db,
                   "UPDATE users SET last_login_at = ?, "
                   "password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END WHERE id = ?",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, created);
    db_bind_text(stmt, 2, rehashed);
    db_bind_text(stmt, 3, rehashed);
    db_bind_int64(stmt, 4, user_id);
    if (db_exec_stmt(stmt, e))
        goto done;
    snprintf(session_key, sizeof session_key, "%" PRId64, session_id);
    if (user_json(as_user.db, username, &out->user, NULL, e))
        goto done;
    rc = audit_append(&as_user, "session", session_key, "login", NULL, NULL, NULL, e);
done:
    if (service_finish(&as_user, rc, e)) {
        json_decref(out->user);
        out->user = NULL;
        return -1;
    }
    return 0;
}

int auth_session_lookup(db_conn *db, const char *token, auth_session *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != AUTH_TOKEN_TEXT - 1)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "not logged in");
    char hashed[AUTH_TOKEN_TEXT];
    token_hash(token, hashed);
    db_stmt *stmt;
    if (db_prepare(db,
                   "SELECT s.id, s.user_id, s.csrf_token, s.expires_at, u.username, u.disabled "
                   "FROM sessions s JOIN users u ON u.id = s.user_id "
                   "WHERE s.token_hash = ? AND s.ended_at IS NULL",
                   &stmt, e))
        return -1;
    db_bind_text(stmt, 1, hashed);
    db_step_result step = db_step(stmt, e);
    if (step != DB_ROW) {
        db_reset(stmt);
        return step == DB_FAILED ? -1 : err_set(e, ERR_UNAUTHORIZED, NULL, "not logged in");
    }
    out->session_id = db_column_int64(stmt, 0);
    out->actor.user_id = db_column_int64(stmt, 1);
    snprintf(out->csrf_token, sizeof out->csrf_token, "%s", db_column_text(stmt, 2));
    out->expires_at = db_column_int64(stmt, 3);
    snprintf(out->actor.username, sizeof out->actor.username, "%s", db_column_text(stmt, 4));
    int disabled = (int)db_column_int64(stmt, 5);
    db_reset(stmt);
    if (disabled)
        return err_set(e, ERR_UNAUTHORIZED, NULL, "this account is disabled");
    if (out->expires_at <= timestamp_now())
        return err_set(e, ERR_UNAUTHORIZED, NULL, "the session has expired: log in again");
    return user_roles_json(db, out->actor.user_id, NULL, &out->actor.roles, e);
}

int auth_logout(service_context *ctx, int64_t session_id, err *e)
{
    char now[TIMESTAMP_TEXT_MAX], session_key[24];
    if (service_begin(ctx, e))
        return -1;
    int rc = -1;
    db_stmt *stmt;
    if (db_prepare(ctx->db, "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                   &stmt, e))
        goto done;
    db_bind_text(stmt, 1, timestamp_format(timestamp_now(), now, sizeof now));
    db_bind_int64(stmt, 2, session_id);
    if (db_exec_stmt(stmt, e))
        goto done;
    snprintf(session_key, sizeof session_key, "%" PRId64, session_id);
    rc = audit_append(ctx, "session", session_key, "logout", NULL, NULL, NULL, e);
done:
    return service_finish(ctx, rc, e);
}

/* --- purge ------------------------------------------------------------------ */

/* Run `sql` with its one or two epoch parameters; *removed the rows it
 * deleted. */
static int purge_rows(db_conn *db, const char *sql, int64_t first, int64_t second, int64_t *removed,
                      err *e)
{
    db_stmt *stmt;
    if (db_prepare(db, sql, &stmt, e))
        return -1;
    db_bind_int64(stmt, 1, first);
    if (second >= 0)
        db_bind_int64(stmt, 2, second);
    if (db_exec_stmt(stmt, e))
        return -1;
    *removed = db_changes(db);
    return 0;
}

int auth_purge(service_context *ctx, json_t **out, err *e)
{
    int64_t now = timestamp_now(), sessions = 0, records = 0;
    if (service_begin(ctx, e))
        return -1;
    int rc = purge_rows(ctx->db, "DELETE FROM sessions WHERE expires_at < ?",
                        now - AUTH_SESSION_RETENTION_SECONDS, -1, &sessions, e) ||
                     purge_rows(ctx->db,
                                "DELETE FROM login_throttle WHERE locked_until <= ? AND "
                                "window_start <= ?",
                                now, now - AUTH_WINDOW_SECONDS, &records, e)
                 ? -1
                 : 0;
    json_t *removed = json_pack("{s:I, s:I}", "sessions", (json_int_t)sessions,
                                "throttle_records", (json_int_t)records);
    char day[DATE_TEXT_MAX];
    if (rc == 0 && (sessions || records))
        rc = audit_append(ctx, "housekeeping", date_format(date_today(), day, sizeof day), "purge",
                          NULL, removed, "expired sessions and spent login throttle records", e);
    if (service_finish(ctx, rc, e)) {
        json_decref(removed);
        return -1;
    }
    if (out)
        *out = removed;
    else
        json_decref(removed);
    return 0;
}

/* --- electronic signatures ------------------------------------------------ */

int auth_signature_check(service_context *ctx, const char *username, const char *password,
                         capability needed, int64_t *user_id, err *e)
{
    if (!username || !*username)
        return err_set(e, ERR_INVALID, "signer", "is required: the user who signs");
    if (!password || !*password)
        return err_set(e, ERR_INVALID, "password", "is required: re-enter it to sign");
    if (strlen(username) >= SERVICE_USERNAME_MAX || strlen(password) > AUTH_PASSWORD_MAX)
        return err_set(e, ERR_UNAUTHORIZED, "password", "wrong password: the signature is refused");
    /* A signature is its signer's own act: someone logged in signs as
     * themselves, never as a colleague whose password they know. */
    if (ctx->actor.user_id != 0 && strcmp(username, ctx->actor.username) != 0)
        return err_set(e, ERR_FORBIDDEN, "signer",
                       "you are logged in as '%s': only '%s' may sign as '%s' (log in as them)",
                       ctx->actor.username, username, username);
    int64_t now = timestamp_now();
    service_context as_signer = *ctx;
    throttle_subject subjects[2];
    size_t subject_count = 0;
    if (throttle_reserve(&as_signer, username, NULL, subjects, &subject_count, now, "password",
                         e))
        return -1;
    int64_t id = 0, disabled = 0;
    int password_ok = 0, locked = 0;
    if (password_matches(ctx->db, username, password, &id, &disabled, &password_ok, NULL, e))
        return -1;
    int success = id && password_ok && !disabled;
    if (service_begin(&as_signer, e))
        return -1;
    /* A signature that passes takes its attempt back and nothing more: a
     * release refused for another reason then leaves the database as it
     * was. */
    int rc = throttle_settle(as_signer.db, subjects, subject_count, success, 0, now, &locked, e);
    if (rc == 0 && !success)
        rc = audit_append(&as_signer, "signature", username, "signature_failed", NULL, NULL,
                          locked ? "locked after repeated failures" : NULL, e);
    if (service_finish(&as_signer, rc, e))
        return -1;
    if (!success)
        return err_set(e, ERR_UNAUTHORIZED, "password", "wrong password: the signature is refused");
    role_set roles = 0;
    if (user_roles_json(ctx->db, id, NULL, &roles, e))
        return -1;
    if (!capability_allows(roles, needed))
        return err_set(e, ERR_FORBIDDEN, "signer", "'%s' does not hold a role that may sign this",
                       username);
    *user_id = id;
    return 0;
}
