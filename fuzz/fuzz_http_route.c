/*
 * fuzz_http_route.c - libFuzzer target for the route matcher and what the
 * router checks before a handler runs (http/router.c: http_route_check:
 * the route of a method and path, its path parameters, the session, CSRF
 * and role checks, 404/405 with Allow), and for the query string as
 * handlers read it (http_query, http_query_page).
 *
 * The input is a request: "METHOD TARGET", header lines, an empty line
 * and a body, read as libmicrohttpd would hand it over (fuzz_http_fake.h).
 * Sessions are real: an in-memory database holds three users (admin; lab;
 * finance and executive) logged in once per process, and the values
 * "@admin", "@lab", "@finance" in an Authorization header ("Bearer @lab")
 * or the bloodops_session cookie stand for their session tokens, "@csrf"
 * in X-CSRF-Token for the CSRF token of the cookie's session. What must
 * hold, checked against a model written here from http.h and the route
 * declarations of every module (segments split at '/', {name} matching
 * one non-empty segment; of the routes that match path and method, the one
 * with a literal segment where the others first have a parameter, in any
 * order of the modules; HEAD as GET):
 *   - a route is found exactly when the model finds it and the model's
 *     checks pass: a route that is not public needs a session known to the
 *     database (401 otherwise), holding a role of its capability's row in
 *     the role matrix (403 otherwise: never for a route naming none), and,
 *     for a session sent as a cookie, the session's CSRF token on every
 *     method but GET and HEAD (403); a route that takes a body may still
 *     refuse it (400); the path parameters are the model's;
 *   - no route: under /api/ an unknown session is 401 before anything is
 *     revealed; else 405 with Allow listing the methods of the path, or
 *     404; every refusal has its error envelope;
 *   - http_query gives the first value of a parameter; http_query_page
 *     accepts exactly a limit of 1 to SERVICE_PAGE_MAX written in digits
 *     only (no sign, no space; or none), and a refusal names "limit".
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http/dispatch.h"
#include "fuzz_db.h"
#include "fuzz_http_fake.h"


static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_http_route: %s\n", what);
        abort();
    }
}


/* --- the sessions ------------------------------------------------------------- */

static const struct {
    const char *name, *roles;
} people[] = {{"admin", "admin"}, {"lab", "lab"}, {"finance", "finance,executive"}};
enum { PEOPLE = sizeof people / sizeof people[0] };
static char tokens[PEOPLE][AUTH_TOKEN_TEXT], csrf_tokens[PEOPLE][AUTH_TOKEN_TEXT];
static role_set roles_of[PEOPLE];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    service_context ctx = fuzz_db_context();
    err e = {0};
    for (int i = 0; i < PEOPLE; i++) {
        char username[32];
        snprintf(username, sizeof username, "fuzz_%s", people[i].name);
        user_input in = {.username = username, .full_name = "Fuzz Person",
                         .roles = people[i].roles, .password = "fuzz password 123"};
        json_t *user = NULL;
        fuzz_db_require(user_add(&ctx, &in, NULL, &user, &e), "user_add", &e);
        json_decref(user);
        auth_login_result result;
        fuzz_db_require(auth_login(&ctx, username, "fuzz password 123", "127.0.0.1", &result, &e),
                        "auth_login", &e);
        memcpy(tokens[i], result.token, AUTH_TOKEN_TEXT);
        memcpy(csrf_tokens[i], result.csrf_token, AUTH_TOKEN_TEXT);
        json_decref(result.user);
        fuzz_db_require(role_set_parse(people[i].roles, &roles_of[i], "roles", &e), "roles", &e);
    }
    return 0;
}

/* "@name" for a person's token: the person, or -1. */
static int person_of(const char *value)
{
    for (int i = 0; value && value[0] == '@' && i < PEOPLE; i++)
        if (strcmp(value + 1, people[i].name) == 0)
            return i;
    return -1;
}

/* --- the model ----------------------------------------------------------------- */

/* A segment of the path: where it starts, its length. */
typedef struct {
    const char *at;
    size_t length;
} segment;

/* Segments of `pattern` against `path`: 1 when they match, with the
 * parameters. */
/* 1 when `a` has a literal segment where `b` first has a parameter (both
 * match one path, so they have as many segments). */
static int model_more_specific(const char *a, const char *b)
{
    for (;;) {
        size_t p = strcspn(a, "/"), q = strcspn(b, "/");
        if ((a[0] == '{') != (b[0] == '{'))
            return b[0] == '{';
        a += p, b += q;
        if (!*a || !*b)
            return 0;
        a++, b++;
    }
}

static int model_match(const char *pattern, const char *path, segment *params, int *count)
{
    *count = 0;
    for (;;) {
        size_t p = strcspn(pattern, "/"), q = strcspn(path, "/");
        if (pattern[0] == '{') {
            if (q == 0 || *count == HTTP_PATH_PARAMS_MAX)
                return 0;
            params[(*count)++] = (segment){path, q};
        } else if (p != q || strncmp(pattern, path, p) != 0) {
            return 0;
        }
        pattern += p;
        path += q;
        if (!*pattern || !*path)
            return !*pattern && !*path;
        pattern++, path++;
    }
}

static void check_envelope(const http_response *response, unsigned status)
{
    require(response->status == status, "a refusal with another status");
    json_t *error = json_object_get(response->json, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    const char *message = json_string_value(json_object_get(error, "message"));
    require(code && message && *message, "a refusal without its envelope");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    const char *method, *path, *body;
    size_t body_length;
    if (!fake_request(text, size, &method, &path, &body, &body_length)) {
        free(text);
        return 0;
    }
    /* The stand-ins for the sessions' tokens. */
    static char bearer[PEOPLE][AUTH_TOKEN_TEXT + 8];
    int cookie_person = -1;
    for (size_t i = 0; i < fake.cookie_count; i++) {
        int who = person_of(fake.cookies[i].value);
        if (who >= 0)
            fake.cookies[i].value = tokens[who];
        if (strcmp(fake.cookies[i].key, "bloodops_session") == 0 && cookie_person == -1)
            cookie_person = who >= 0 ? who : -2;
    }
    for (size_t i = 0; i < fake.header_count; i++) {
        const char *value = fake.headers[i].value;
        int who;
        if (strncasecmp(value, "Bearer ", 7) == 0 && (who = person_of(value + 7)) >= 0) {
            snprintf(bearer[who], sizeof bearer[who], "%.7s%s", value, tokens[who]);
            fake.headers[i].value = bearer[who];
        } else if (strcmp(value, "@csrf") == 0 && cookie_person >= 0) {
            fake.headers[i].value = csrf_tokens[cookie_person];
        }
    }

    /* The model's session. */
    const char *authorization = MHD_lookup_connection_value(NULL, MHD_HEADER_KIND, "Authorization");
    int person = -1, via_cookie = 0, has_token = 0;
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0) {
        has_token = 1;
        for (int i = 0; i < PEOPLE; i++)
            if (strcmp(authorization + 7, tokens[i]) == 0)
                person = i;
    } else {
        const char *cookie = MHD_lookup_connection_value(NULL, MHD_COOKIE_KIND, "bloodops_session");
        has_token = via_cookie = cookie != NULL;
        for (int i = 0; cookie && i < PEOPLE; i++)
            if (strcmp(cookie, tokens[i]) == 0)
                person = i;
    }
    (void)has_token;

    /* The model's route. */
    const http_route *expected = NULL;
    segment params[HTTP_PATH_PARAMS_MAX];
    char allow[512] = "";
    int param_count = 0, path_known = 0;
    const char *as = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (const http_module *const *module = http_modules; *module; module++)
        for (const http_route *r = (*module)->routes; r->method; r++) {
            segment found[HTTP_PATH_PARAMS_MAX];
            int count;
            if (!model_match(r->pattern, path, found, &count))
                continue;
            path_known = 1;
            if (!strstr(allow, r->method))
                snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s",
                         allow[0] ? ", " : "", r->method);
            if (strcmp(r->method, as) == 0 &&
                (!expected || model_more_specific(r->pattern, expected->pattern))) {
                expected = r;
                memcpy(params, found, sizeof params);
                param_count = count;
            }
        }

    service_context service = fuzz_db_context();
    http_request request = {.method = method, .path = path, .arena = arena_new(), .body = body,
                            .body_length = body_length, .service = service,
                            .client_address = "127.0.0.1"};
    http_response response = {0};
    const http_route *route = http_route_check(&request, &response);

    int safe = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (expected) {
        unsigned refusal = 0;
        if (!expected->public_access) {
            if (person < 0)
                refusal = 401;
            else if (via_cookie && !safe &&
                     !(cookie_person >= 0 &&
                       strcmp(MHD_lookup_connection_value(NULL, MHD_HEADER_KIND, "X-CSRF-Token")
                                  ? MHD_lookup_connection_value(NULL, MHD_HEADER_KIND, "X-CSRF-Token")
                                  : "",
                              csrf_tokens[person]) == 0))
                refusal = 403;
            else if (!(roles_of[person] & capability_get(expected->capability)->roles))
                refusal = 403;
        }
        if (refusal) {
            require(!route, "a route reached that its checks refuse");
            check_envelope(&response, refusal);
        } else if (route) {
            require(route == expected, "another route than the model's");
            for (int i = 0; i < HTTP_PATH_PARAMS_MAX; i++)
                require(i < param_count ? request.path_params[i] &&
                                              strlen(request.path_params[i]) == params[i].length &&
                                              memcmp(request.path_params[i], params[i].at,
                                                     params[i].length) == 0
                                        : !request.path_params[i],
                        "other path parameters than the model's");
            require(!route->body || request.json, "a route that takes a body has none");
        } else {
            require(expected->body != NULL, "a route refused that the model reaches");
            check_envelope(&response, 400);
        }
    } else {
        require(!route, "a route found that the model does not know");
        if (strncmp(path, "/api/", 5) == 0 && person < 0)
            check_envelope(&response, 401);
        else if (path_known) {
            check_envelope(&response, 405);
            if (strlen(allow) < 60)
                require(response.allow && strcmp(response.allow, allow) == 0,
                        "Allow lists other methods");
        } else
            check_envelope(&response, 404);
    }

    /* The query string as handlers read it (as for a route that declares
     * every parameter: which ones a route reads is the API suite's to
     * check, from the server's log). */
    request.route = NULL;
    for (size_t i = 0; i < fake.argument_count; i++) {
        const char *first = NULL;
        for (size_t j = 0; j < fake.argument_count; j++)
            if (strcmp(fake.arguments[j].key, fake.arguments[i].key) == 0) {
                first = fake.arguments[j].value;
                break;
            }
        require(http_query(&request, fake.arguments[i].key) == first, "http_query reads another value");
    }
    service_page page;
    err e = {0};
    const char *limit = http_query(&request, "limit");
    long expected_limit = 0;
    int limit_ok = 1;
    if (limit) {
        char *end;
        errno = 0;
        expected_limit = strtol(limit, &end, 10);
        limit_ok = *limit >= '0' && *limit <= '9' && !*end && !errno && expected_limit >= 1 &&
                   expected_limit <= SERVICE_PAGE_MAX;
    }
    if (http_query_page(&request, &page, &e) == 0) {
        require(limit_ok && page.limit == expected_limit, "a limit accepted out of range");
        require(page.after == http_query(&request, "after"), "after is another value");
    } else {
        require(!limit_ok && e.code == ERR_INVALID && strcmp(e.field, "limit") == 0,
                "a limit refused that is fine, or the refusal names another field");
    }

    json_decref(request.json);
    json_decref(response.json);
    arena_free(request.arena);
    free(text);
    return 0;
}
