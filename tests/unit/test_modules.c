/*
 * test_modules.c - unit tests for the module declarations and the role
 * matrix: every route of every module names a capability or says it is
 * public, and only /health and /api/v1/login are public; no method and
 * pattern is declared twice; every module has a name, an area and at least
 * one row; every command of every CLI module is found once; the matrix
 * gives no capability to nobody and none to "none"; capability names read
 * back; the API's description (openapi.c) lists every route and nothing
 * else, each with a summary and an answer whose schema exists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "domain/capability.h"
#include "http/http.h"
#include "http/openapi.h"

static void test_every_route_names_its_capability_or_is_public(void **state)
{
    int routes = 0, public_routes = 0;
    for (const http_module *const *module = http_modules; *module; module++) {
        assert_non_null((*module)->name);
        assert_true((*module)->area < AREA_COUNT);
        assert_non_null((*module)->routes[0].method);
        for (const http_route *route = (*module)->routes; route->method; route++) {
            routes++;
            char where[160];
            snprintf(where, sizeof where, "%s %s (module %s)", route->method, route->pattern,
                     (*module)->name);
            if (route->public_access) {
                public_routes++;
                if (strcmp(route->pattern, "/health") != 0 &&
                    strcmp(route->pattern, "/api/v1/login") != 0)
                    fail_msg("%s is public: only /health and /api/v1/login may be", where);
                if (route->capability != CAPABILITY_NONE)
                    fail_msg("%s is public and names a capability too", where);
            } else if (route->capability == CAPABILITY_NONE || route->capability >= CAPABILITY_COUNT) {
                fail_msg("%s names no capability: it would be refused to everyone", where);
            }
            assert_non_null(route->handler);
        }
    }
    assert_int_equal(public_routes, 2);
    assert_true(routes > 60);
}

static void test_no_route_is_declared_twice(void **state)
{
    for (const http_module *const *a = http_modules; *a; a++)
        for (const http_route *x = (*a)->routes; x->method; x++)
            for (const http_module *const *b = a; *b; b++)
                for (const http_route *y = *b == *a ? x + 1 : (*b)->routes; y->method; y++)
                    if (!strcmp(x->method, y->method) && !strcmp(x->pattern, y->pattern))
                        fail_msg("%s %s is declared twice", x->method, x->pattern);
}

static void test_every_command_is_declared_once(void **state)
{
    int commands = 0;
    for (const cli_module *const *a = cli_modules; *a; a++) {
        assert_true((*a)->area < AREA_COUNT);
        assert_non_null((*a)->commands[0].noun);
        for (const cli_command *x = (*a)->commands; x->noun; x++) {
            commands++;
            assert_non_null(x->run);
            assert_non_null(x->summary);
            for (const cli_module *const *b = a; *b; b++)
                for (const cli_command *y = *b == *a ? x + 1 : (*b)->commands; y->noun; y++)
                    if (!strcmp(x->noun, y->noun) &&
                        ((!x->verb && !y->verb) || (x->verb && y->verb && !strcmp(x->verb, y->verb))))
                        fail_msg("bloodops %s %s is declared twice", x->noun, x->verb ? x->verb : "");
        }
    }
    assert_true(commands > 70);
}

static void test_the_matrix_has_no_empty_capability(void **state)
{
    assert_false(capability_allows(ROLES_ALL, CAPABILITY_NONE));
    assert_false(capability_allows(ROLES_ALL, CAPABILITY_COUNT));
    assert_false(capability_allows(ROLES_ALL, (capability)-1));
    for (int c = 1; c < CAPABILITY_COUNT; c++) {
        const capability_entry *entry = capability_get((capability)c);
        assert_true(entry->roles != 0);
        assert_true((entry->roles & ~ROLES_ALL) == 0);
        assert_int_equal(capability_from_name(entry->name), c);
        assert_non_null(entry->summary);
    }
    assert_int_equal(capability_from_name("none"), CAPABILITY_NONE);
    assert_int_equal(capability_from_name("collections.writ"), CAPABILITY_NONE);
}

static void test_the_matrix_keeps_the_documented_rules(void **state)
{
    /* A few rows a user would notice at once if they moved. */
    assert_false(capability_allows(ROLE_FINANCE, CAPABILITY_COLLECTIONS));
    assert_true(capability_allows(ROLE_FINANCE, CAPABILITY_REPORTS));
    assert_false(capability_allows(ROLE_AUDITOR, CAPABILITY_USERS_WRITE));
    assert_true(capability_allows(ROLE_AUDITOR, CAPABILITY_USERS));
    assert_false(capability_allows(ROLE_CENTER_STAFF, CAPABILITY_RELEASE_SIGN));
    assert_true(capability_allows(ROLE_CENTER_STAFF, CAPABILITY_RELEASE));
    assert_false(capability_allows(ROLE_LAB, CAPABILITY_DEFERRALS_END_PERMANENT));
    assert_true(capability_allows(ROLE_ADMIN | ROLE_LAB, CAPABILITY_DEFERRALS_END_PERMANENT));
}

/* The route of `method` and `pattern`, or NULL. */
static const http_route *route_of(const char *method, const char *pattern)
{
    for (const http_module *const *module = http_modules; *module; module++)
        for (const http_route *route = (*module)->routes; route->method; route++)
            if (!strcasecmp(route->method, method) && !strcmp(route->pattern, pattern))
                return route;
    return NULL;
}

static void test_the_description_lists_every_route_and_only_routes(void **state)
{
    err e;
    json_t *document = NULL;
    if (http_openapi_document(&document, &e))
        fail_msg("the API's description cannot be written: %s", e.message);
    json_t *paths = json_object_get(document, "paths");
    json_t *schemas = json_object_get(json_object_get(document, "components"), "schemas");
    int operations = 0, routes = 0;
    const char *pattern, *method;
    json_t *path, *operation;
    json_object_foreach(paths, pattern, path)
    {
        json_object_foreach(path, method, operation)
        {
            operations++;
            if (!route_of(method, pattern))
                fail_msg("the description lists %s %s, which is no route", method, pattern);
        }
    }
    for (const http_module *const *module = http_modules; *module; module++)
        for (const http_route *route = (*module)->routes; route->method; route++) {
            routes++;
            char lower[16];
            snprintf(lower, sizeof lower, "%s", route->method);
            for (char *c = lower; *c; c++)
                *c = (char)(*c - 'A' + 'a');
            json_t *described = json_object_get(json_object_get(paths, route->pattern), lower);
            if (!described)
                fail_msg("%s %s is not in the description", route->method, route->pattern);
            if (!route->summary || !*route->summary)
                fail_msg("%s %s has no summary", route->method, route->pattern);
            if (route->response && !json_object_get(schemas, route->response))
                fail_msg("%s %s answers %s, which no file of src/http/schemas/ describes",
                         route->method, route->pattern, route->response);
            if (!route->response && !route->produces)
                fail_msg("%s %s describes no answer", route->method, route->pattern);
        }
    assert_int_equal(operations, routes);
    json_decref(document);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_names_its_capability_or_is_public),
        cmocka_unit_test(test_no_route_is_declared_twice),
        cmocka_unit_test(test_every_command_is_declared_once),
        cmocka_unit_test(test_the_matrix_has_no_empty_capability),
        cmocka_unit_test(test_the_matrix_keeps_the_documented_rules),
        cmocka_unit_test(test_the_description_lists_every_route_and_only_routes),
    };
    return cmocka_run_group_tests_name("modules: declarations and the role matrix", tests, NULL,
                                       NULL);
}
