/*
 * auth.h - users, passwords, sessions and login throttling (docs/users.md).
 *
 * Passwords are hashed with argon2id (libsodium's crypto_pwhash_str, whose
 * string carries its own parameters, so they can be raised later without
 * breaking old hashes). A session token is 256 random bits handed to the
 * client once; only its BLAKE2b hash is stored. Each session also carries a
 * CSRF token that browsers must echo in X-CSRF-Token on every change.
 * After AUTH_FAILURES_MAX failed logins in AUTH_WINDOW_SECONDS a user name
 * is locked for AUTH_LOCK_SECONDS, and so is a client address after
 * AUTH_ADDRESS_FAILURES_MAX.
 */
#ifndef BLOODOPS_SERVICE_AUTH_H
#define BLOODOPS_SERVICE_AUTH_H

#include "service/service.h"
#include "domain/capability.h"

enum {
    AUTH_PASSWORD_MIN = 10,
    AUTH_PASSWORD_MAX = 128,
    AUTH_FAILURES_MAX = 5,          /* attempts per user name in the window */
    AUTH_ADDRESS_FAILURES_MAX = 30, /* failed logins per client address in the window */
    AUTH_WINDOW_SECONDS = 15 * 60,
    AUTH_LOCK_SECONDS = 15 * 60,
    AUTH_SESSION_RETENTION_SECONDS = 7 * 24 * 60 * 60, /* kept after they expire */
    AUTH_SESSION_SECONDS_DEFAULT = 8 * 60 * 60,
    AUTH_TOKEN_TEXT = 64 + 1, /* 32 bytes as hex */
};

/* How costly a new password's argon2id hash is. Every user gets the
 * standard cost, but for the staff the demo builder makes up: their
 * passwords are published in docs/demo.md, so stretching them protects
 * nothing, and they sign a few thousand records while the demo is built.
 * Their hashes take libsodium's minimum cost and are hashed again at the
 * standard cost the first time they log in (any hash made with other
 * parameters is, see auth_login). */
typedef enum { AUTH_HASH_STANDARD = 0, AUTH_HASH_DEMO_STAFF } auth_hash_cost;

typedef struct {
    const char *username;
    const char *full_name;
    const char *roles;    /* "finance,executive" */
    const char *password; /* NULL: generate one (returned in generated_password) */
    auth_hash_cost hash_cost;
} user_input;

/* Create a user. When in->password is NULL a random password is generated and
 * copied into generated_password (AUTH_TOKEN_TEXT bytes), to be shown once. */
int user_add(service_context *ctx, const user_input *in, char *generated_password,
             json_t **out, err *e);
int user_list(service_context *ctx, service_page *page, json_t **out, err *e);
int user_set_password(service_context *ctx, const char *username, const char *password,
                      err *e);
int user_disable(service_context *ctx, const char *username, const char *reason, err *e);
/* Give a user exactly the roles of `roles` ("lab,auditor"): ERR_INVALID
 * naming "roles" for an unknown or repeated role or none; ERR_CONFLICT
 * naming "roles" when it would take the admin role from the last enabled
 * administrator. Audited (action "roles", before and after) when the roles
 * change; answers the user. The roles apply to the user's next request. */
int user_roles_set(service_context *ctx, const char *username, const char *roles,
                   json_t **out, err *e);
/* Let a disabled user log in again (their password as it was; the sessions
 * that disabling ended stay ended). ERR_CONFLICT naming "username" when the
 * user is not disabled. `reason` may be NULL; audited (action "enable").
 * Answers the user. */
int user_enable(service_context *ctx, const char *username, const char *reason, json_t **out,
                err *e);
/* How many users exist (init uses it to know whether to bootstrap). */
int user_count(db_conn *db, int64_t *count, err *e);

/* The codes of the donor centers assigned to the acting user, as a JSON
 * array (for GET /api/v1/me). */
int auth_my_centers(service_context *ctx, json_t **out, err *e);

/* Assign a user the donor centers (`centers`, codes "LA-01,OC-01") and the
 * markets (`markets`) they work in: each list replaces the one before
 * ("" for none, NULL to leave it as it is). What a user is limited to by
 * them: domain/capability.h, "Scope". Answers the user; audited. */
int user_scope_set(service_context *ctx, const char *username, const char *centers,
                   const char *markets, json_t **out, err *e);

/* Make a random password of 20 characters for a new or reset account. */
void auth_generate_password(char out[AUTH_TOKEN_TEXT]);

typedef struct {
    char token[AUTH_TOKEN_TEXT]; /* give to the client; never stored */
    char csrf_token[AUTH_TOKEN_TEXT];
    int64_t expires_at; /* epoch seconds */
    json_t *user;       /* {"username", "full_name", "roles": [...]}, caller decrefs */
} auth_login_result;

/* Check the password and open a session. A wrong user name or password is
 * the same ERR_UNAUTHORIZED. The attempt is counted before the password is
 * checked, against the name and against the client's `address` (NULL when
 * there is none, the local command line), atomically with the check of
 * their limits: over AUTH_FAILURES_MAX for the name or
 * AUTH_ADDRESS_FAILURES_MAX for the address in AUTH_WINDOW_SECONDS, or
 * while either is locked, the answer is ERR_THROTTLED with the seconds to
 * wait in e->retry_after, and the password is not checked. A failure stays
 * counted (a user's is audited; unknown names only when their count locks);
 * a success clears the name's count. Two transactions, neither held while
 * the password is checked: the caller must not run this inside a job. */
int auth_login(service_context *ctx, const char *username, const char *password,
               const char *address, auth_login_result *out, err *e);

/* Remove what has served its time: sessions expired more than
 * AUTH_SESSION_RETENTION_SECONDS ago, and throttle counts whose window and
 * lock are over. One transaction, audited when it removed anything. *out
 * (may be NULL): {"sessions", "throttle_records"}, how many were removed. */
int auth_purge(service_context *ctx, json_t **out, err *e);

typedef struct {
    service_actor actor;
    int64_t session_id;
    char csrf_token[AUTH_TOKEN_TEXT];
    int64_t expires_at;
} auth_session;

/* Resolve a session token to its user: ERR_UNAUTHORIZED when unknown,
 * ended, expired or the user is disabled. Reads only. */
int auth_session_lookup(db_conn *db, const char *token, auth_session *out, err *e);

/* End the session (logout). */
int auth_logout(service_context *ctx, int64_t session_id, err *e);

/* Session lifetime: BLOODOPS_SESSION_SECONDS, or 8 hours. */
int64_t auth_session_seconds(void);

/* An electronic signature (docs/users.md, "Electronic signatures"):
 * `username` re-enters `password` to sign a record. Checks the password
 * (throttled like logins; a failure is recorded and audited), that the
 * account is enabled and that it holds the capability `needed`
 * (domain/capability.h); answers the signer's user id. ERR_UNAUTHORIZED naming "password" when the password is
 * wrong, ERR_FORBIDDEN naming "signer" without the role, or when the actor
 * is a logged-in user who is not the signer (a signature is its signer's
 * own act). */
int auth_signature_check(service_context *ctx, const char *username, const char *password,
                         capability needed, int64_t *user_id, err *e);

/* Constant-time comparison of two NUL-terminated tokens. */
int auth_tokens_equal(const char *a, const char *b);

#endif
