/*
 * router.c - from a complete request to a handler: route lookup, session,
 * CSRF and role checks, JSON body parsing and validation, the error envelope.
 *
 * The permission check happens here, before any handler runs, for every
 * route: a route's entry in its table names the roles allowed, so no handler
 * can forget it (Fossil's "check credentials first", made structural).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/date.h"
#include "http/dispatch.h"
#include "service/idempotency.h"
#include "base/log.h"

static const http_route *const route_tables[] = {
    http_routes_system,
    http_routes_auth,
    http_routes_registry,
    http_routes_audit,
    http_routes_ledger,
    http_routes_label,
    http_routes_isbt,
    http_routes_donors,
    http_routes_collections,
    http_routes_testing,
};

unsigned http_status_of(err_code code)
{
    switch (code) {
    case ERR_NONE: return 200;
    case ERR_INVALID: return 400;
    case ERR_UNAUTHORIZED: return 401;
    case ERR_FORBIDDEN: return 403;
    case ERR_NOT_FOUND: return 404;
    case ERR_CONFLICT: return 409;
    case ERR_TOO_LARGE: return 413;
    case ERR_THROTTLED: return 429;
    case ERR_BUSY: return 503;
    case ERR_INTERNAL: return 500;
    }
    return 500;
}

void http_reply(http_response *response, unsigned status, json_t *json)
{
    json_decref(response->json);
    if (!response->body_static)
        free((void *)response->body);
    response->body = NULL;
    response->body_length = 0;
    response->body_static = 0;
    response->content_type = NULL;
    response->status = status;
    response->json = json;
}

void http_reply_bytes(http_response *response, unsigned status, const char *content_type,
                      char *bytes, size_t length)
{
    http_reply(response, status, NULL);
    response->body = bytes;
    response->body_length = bytes ? length : 0;
    response->content_type = content_type;
}

void http_reply_text(http_response *response, unsigned status, const char *content_type,
                     char *text)
{
    http_reply_bytes(response, status, content_type, text, text ? strlen(text) : 0);
}

void http_reply_json_text(http_response *response, unsigned status, int rc, buffer *text,
                          const err *e)
{
    if (rc) {
        buffer_free(text);
        http_reply_error(response, e);
        return;
    }
    size_t length = text->length;
    /* No content type: JSON is the default (server.c). */
    http_reply_bytes(response, status, NULL, buffer_take(text), length);
}

void http_reply_static(http_response *response, unsigned status, const char *content_type,
                       const char *bytes, size_t length)
{
    http_reply(response, status, NULL);
    response->body = bytes;
    response->body_length = length;
    response->body_static = 1;
    response->content_type = content_type;
}

void http_reply_result(http_response *response, unsigned status, int rc, json_t *result,
                       const err *e)
{
    if (rc)
        http_reply_error(response, e);
    else
        http_reply(response, status, result);
}

void http_reply_error(http_response *response, const err *e)
{
    json_t *error = json_pack("{s:s, s:s}", "code", err_code_name(e->code), "message",
                              e->message[0] ? e->message : err_code_name(e->code));
    if (e->field[0])
        json_object_set_new(error, "field", json_string(e->field));
    http_reply(response, http_status_of(e->code), json_pack("{s:o}", "error", error));
}

const char *http_query(http_request *request, const char *name)
{
    return MHD_lookup_connection_value(request->connection, MHD_GET_ARGUMENT_KIND, name);
}

int http_query_page(http_request *request, service_page *page, err *e)
{
    const char *limit = http_query(request, "limit");
    memset(page, 0, sizeof *page);
    if (limit) {
        char *end = NULL;
        long value = strtol(limit, &end, 10);
        if (!*limit || *end || value < 1 || value > SERVICE_PAGE_MAX)
            return err_set(e, ERR_INVALID, "limit", "must be a whole number from 1 to %d",
                           SERVICE_PAGE_MAX);
        page->limit = (int)value;
    }
    page->after = http_query(request, "after");
    return 0;
}

/* --- body ----------------------------------------------------------------- */

static const char *type_name(http_field_type type)
{
    switch (type) {
    case FIELD_STRING: return "a string";
    case FIELD_INTEGER: return "a whole number";
    case FIELD_BOOLEAN: return "true or false";
    case FIELD_INTEGER_TEXT: return "a whole number (or its decimal text)";
    case FIELD_DECIMAL_TEXT: return "a number (or its decimal text)";
    case FIELD_ARRAY: return "an array";
    }
    return "?";
}

/* The name of `key` inside `prefix` ("lines[1]" + "amount"), for errors. */
static const char *field_path(char *out, size_t size, const char *prefix, const char *key)
{
    if (prefix && *prefix)
        snprintf(out, size, "%s.%s", prefix, key);
    else
        snprintf(out, size, "%s", key);
    return out;
}

/* Check one object against `fields`; `prefix` names it in errors ("" for
 * the body itself, "lines[1]" for an element of an array). */
static int object_check(json_t *object, const http_field *fields, const char *prefix, err *e)
{
    char name[ERR_FIELD_MAX];
    if (!json_is_object(object)) {
        if (!*prefix)
            return err_set(e, ERR_INVALID, NULL, "the request body must be a JSON object");
        return err_set(e, ERR_INVALID, prefix, "must be a JSON object");
    }
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value)
    {
        const http_field *field = fields;
        while (field->name && strcmp(field->name, key) != 0)
            field++;
        if (!field->name)
            return err_set(e, ERR_INVALID, field_path(name, sizeof name, prefix, key),
                           "unknown field '%s'", key);
        int ok = json_is_null(value) && !field->required;
        switch (field->type) {
        case FIELD_STRING: ok = ok || json_is_string(value); break;
        case FIELD_INTEGER: ok = ok || json_is_integer(value); break;
        case FIELD_BOOLEAN: ok = ok || json_is_boolean(value); break;
        case FIELD_INTEGER_TEXT: ok = ok || json_is_integer(value) || json_is_string(value); break;
        case FIELD_DECIMAL_TEXT: ok = ok || json_is_number(value) || json_is_string(value); break;
        case FIELD_ARRAY: ok = ok || json_is_array(value); break;
        }
        if (!ok)
            return err_set(e, ERR_INVALID, field_path(name, sizeof name, prefix, key), "must be %s",
                           type_name(field->type));
        if (field->type == FIELD_ARRAY && field->items && json_is_array(value)) {
            field_path(name, sizeof name, prefix, key);
            size_t index;
            json_t *element;
            json_array_foreach(value, index, element)
            {
                char element_name[ERR_FIELD_MAX + 24]; /* err_set keeps what fits */
                snprintf(element_name, sizeof element_name, "%s[%zu]", name, index);
                if (object_check(element, field->items, element_name, e))
                    return -1;
            }
        }
    }
    for (const http_field *field = fields; field->name; field++)
        if (field->required && !json_object_get(object, field->name))
            return err_set(e, ERR_INVALID, field_path(name, sizeof name, prefix, field->name),
                           "is required");
    return 0;
}

int http_body_check(http_request *request, const http_field *fields, err *e)
{
    return object_check(request->json, fields, "", e);
}

const char *http_body_string(http_request *request, const char *name)
{
    return json_string_value(json_object_get(request->json, name));
}

const char *http_body_number_text(http_request *request, const char *name)
{
    json_t *value = json_object_get(request->json, name);
    if (json_is_string(value))
        return json_string_value(value);
    if (json_is_real(value))
        return arena_printf(request->arena, "%.15g", json_real_value(value));
    if (!json_is_integer(value))
        return NULL;
    return arena_printf(request->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
}

/* --- routing -------------------------------------------------------------- */

/* Match path against pattern; fills params. Segments in braces match any
 * one non-empty segment. */
static int path_matches(const char *pattern, const char *path, const char **params, arena *a)
{
    int count = 0;
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *pattern_end = strchr(pattern, '}');
            const char *segment_end = strchr(path, '/');
            if (!segment_end)
                segment_end = path + strlen(path);
            if (segment_end == path || count >= HTTP_PATH_PARAMS_MAX)
                return 0;
            params[count++] = arena_strndup(a, path, (size_t)(segment_end - path));
            pattern = pattern_end + 1;
            path = segment_end;
        } else if (*pattern == *path) {
            pattern++;
            path++;
        } else {
            return 0;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

static const char *session_token(http_request *request)
{
    const char *authorization =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Authorization");
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0)
        return authorization + 7;
    const char *cookie =
        MHD_lookup_connection_value(request->connection, MHD_COOKIE_KIND, "bloodops_session");
    if (cookie)
        request->via_cookie = 1;
    return cookie;
}

/* --- sessions seen lately ---------------------------------------------------
 *
 * Every request checks its session; for the reads that make most of the
 * traffic (a scanner looking DINs up), each worker thread remembers the
 * sessions it checked. A remembered session is used only while nothing was
 * written through this server since (a logout, a disabled user, a changed
 * password all write) and for at most SESSION_CACHE_MS, which bounds how
 * late this server sees a session ended by another process on the same
 * database (the command line, a second server). Expiry is checked on every
 * use. */

enum { SESSION_CACHE_SLOTS = 64, SESSION_CACHE_MS = 1000 };

typedef struct {
    char token[AUTH_TOKEN_TEXT];
    auth_session session;
    uint64_t generation;
    int64_t until_ms;
} remembered_session;

static _Thread_local remembered_session session_cache[SESSION_CACHE_SLOTS];
static atomic_uint_fast64_t write_generation = 1;

void http_writes_done(void) { atomic_fetch_add(&write_generation, 1); }

static int64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Tokens are random hex: their first characters spread them well. */
static remembered_session *session_slot(const char *token)
{
    unsigned spread = (unsigned char)token[0] * 31u + (unsigned char)token[1];
    return &session_cache[spread % SESSION_CACHE_SLOTS];
}

static int session_lookup(db_conn *db, const char *token, auth_session *out, err *e)
{
    if (strlen(token) != AUTH_TOKEN_TEXT - 1)
        return auth_session_lookup(db, token, out, e);
    remembered_session *slot = session_slot(token);
    uint64_t generation = atomic_load(&write_generation);
    if (slot->generation == generation && slot->until_ms > monotonic_ms() &&
        memcmp(slot->token, token, AUTH_TOKEN_TEXT) == 0 &&
        slot->session.expires_at > timestamp_now()) {
        *out = slot->session;
        return 0;
    }
    if (auth_session_lookup(db, token, out, e))
        return -1;
    memcpy(slot->token, token, AUTH_TOKEN_TEXT);
    slot->session = *out;
    slot->generation = generation;
    slot->until_ms = monotonic_ms() + SESSION_CACHE_MS;
    return 0;
}

static int authenticate(http_request *request, err *e)
{
    const char *token = session_token(request);
    if (!token)
        return err_set(e, ERR_UNAUTHORIZED, NULL,
                       "not logged in: log in at POST /api/v1/login and send the session cookie "
                       "or an Authorization: Bearer token");
    if (session_lookup(request->service.db, token, &request->session, e))
        return -1;
    request->authenticated = 1;
    request->service.actor = request->session.actor;
    return 0;
}

static int is_safe_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static int parse_body(http_request *request, err *e)
{
    const char *type =
        MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "Content-Type");
    if (!type || strncasecmp(type, "application/json", 16) != 0)
        return err_set(e, ERR_INVALID, "Content-Type", "must be application/json");
    if (request->body_length == 0)
        return err_set(e, ERR_INVALID, NULL, "a JSON body is required");
    json_error_t parse_error;
    request->json = json_loadb(request->body, request->body_length, JSON_REJECT_DUPLICATES,
                               &parse_error);
    if (!request->json)
        return err_set(e, ERR_INVALID, NULL, "malformed JSON at line %d, column %d: %s",
                       parse_error.line, parse_error.column, parse_error.text);
    return 0;
}

/* A POST with an Idempotency-Key: replay the remembered answer, or run the
 * handler and remember its answer (not server errors: those may succeed
 * when retried). A write request is one job (server.c, store/db.h), so the
 * answer is remembered in the same transaction as the change it reports:
 * both are committed, or neither. On SQLite the lookup runs on the writer
 * too, after every earlier write: a retry sent while the first request is
 * still queued finds its answer. */
static void run_idempotent(const http_route *route, http_request *request,
                           http_response *response)
{
    err e;
    char request_hash[IDEMPOTENCY_HASH_TEXT];
    idempotency_answer answer;
    int64_t user_id = request->session.actor.user_id;
    if (idempotency_key_check(request->idempotency_key, &e)) {
        http_reply_error(response, &e);
        return;
    }
    idempotency_request_hash(request->method, request->path, request->body, request->body_length,
                             request_hash);
    if (idempotency_lookup(request->service.db, user_id, request->idempotency_key, request_hash,
                           &answer, &e)) {
        http_reply_error(response, &e);
        return;
    }
    if (answer.found) {
        http_reply(response, (unsigned)answer.status, json_loads(answer.response, 0, NULL));
        response->replayed = 1;
        free(answer.response);
        return;
    }
    route->handler(request, response);
    if (response->status >= 500 || !response->json)
        return;
    char *text = json_dumps(response->json, JSON_COMPACT);
    if (idempotency_remember(request->service.db, user_id, request->idempotency_key, request_hash,
                             (int)response->status, text, &e))
        log_warn("could not remember Idempotency-Key answer: %s", e.message);
    free(text);
}

const http_route *http_route_check(http_request *request, http_response *response)
{
    err e;
    err_clear(&e);
    const http_route *route = NULL;
    int path_known = 0;
    char allow[64] = "";
    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0] && !route; t++) {
        for (const http_route *candidate = route_tables[t]; candidate->method; candidate++) {
            const char *params[HTTP_PATH_PARAMS_MAX] = {0};
            if (!path_matches(candidate->pattern, request->path, params, request->arena))
                continue;
            path_known = 1;
            if (strlen(allow) + strlen(candidate->method) + 3 < sizeof allow)
                snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s",
                         allow[0] ? ", " : "", candidate->method);
            /* HEAD is GET without the body (libmicrohttpd drops it). */
            const char *method = strcmp(request->method, "HEAD") == 0 ? "GET" : request->method;
            if (strcmp(candidate->method, method) == 0) {
                route = candidate;
                memcpy(request->path_params, params, sizeof params);
                break;
            }
        }
    }
    if (!route) {
        /* Under /api/ nothing is revealed, not even which paths exist, to a
         * caller without a session. */
        if (strncmp(request->path, "/api/", 5) == 0 && authenticate(request, &e))
            goto fail;
        if (path_known) {
            response->allow = arena_strdup(request->arena, allow);
            err_set(&e, ERR_INVALID, NULL, "%s is not allowed here (allowed: %s)",
                    request->method, allow);
            http_reply_error(response, &e);
            response->status = 405;
            json_object_set_new(json_object_get(response->json, "error"), "code",
                                json_string("method_not_allowed"));
            return NULL;
        }
        err_set(&e, ERR_NOT_FOUND, NULL, "no such endpoint: %s %s", request->method,
                request->path);
        goto fail;
    }
    if (route->roles) {
        if (authenticate(request, &e))
            goto fail;
        if (request->via_cookie && !is_safe_method(request->method)) {
            const char *csrf =
                MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "X-CSRF-Token");
            if (!csrf || !auth_tokens_equal(csrf, request->session.csrf_token)) {
                err_set(&e, ERR_FORBIDDEN, "X-CSRF-Token",
                        "missing or wrong CSRF token: send the csrf_token given at login in the "
                        "X-CSRF-Token header");
                goto fail;
            }
        }
        if (!(request->session.actor.roles & route->roles)) {
            err_set(&e, ERR_FORBIDDEN, NULL, "your role does not allow %s %s", request->method,
                    request->path);
            goto fail;
        }
    }
    if (route->takes_body && parse_body(request, &e))
        goto fail;
    return route;
fail:
    http_reply_error(response, &e);
    return NULL;
}

void http_route_run(const http_route *route, http_request *request, http_response *response)
{
    if (request->idempotency_key && request->authenticated && strcmp(request->method, "POST") == 0)
        run_idempotent(route, request, response);
    else
        route->handler(request, response);
}

void http_dispatch(http_request *request, http_response *response)
{
    const http_route *route = http_route_check(request, response);
    if (route)
        http_route_run(route, request, response);
}
