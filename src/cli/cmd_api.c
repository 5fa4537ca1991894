/*
 * cmd_api.c - the HTTP API seen from the command line:
 *   bloodops api openapi     the API's description (OpenAPI 3.1, JSON), as
 *                            GET /api/v1/openapi.json serves it
 *   bloodops api routes      every route: method, path, capability, summary
 * Neither needs a database.
 */
#include <stdio.h>
#include "cli/cli.h"
#include "http/http.h"
#include "http/openapi.h"

static int run_openapi(cli_invocation *invocation)
{
    err e;
    json_t *document;
    if (http_openapi_document(&document, &e))
        return cli_fail(&e);
    json_dumpf(document, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(document);
    return CLI_OK;
}

static int run_routes(cli_invocation *invocation)
{
    static const cli_column columns[] = {{"method", "METHOD"},         {"path", "PATH"},
                                         {"capability", "CAPABILITY"}, {"module", "MODULE"},
                                         {"summary", "WHAT IT DOES"}, {0}};
    json_t *rows = json_array();
    for (const http_module *const *module = http_modules; *module; module++)
        for (const http_route *route = (*module)->routes; route->method; route++)
            json_array_append_new(
                rows, json_pack("{s:s, s:s, s:s, s:s, s:s}", "method", route->method, "path",
                                route->pattern, "capability",
                                route->public_access ? "public"
                                                     : capability_get(route->capability)->name,
                                "module", (*module)->name, "summary",
                                route->summary ? route->summary : ""));
    cli_print_list(invocation, rows, columns);
    json_decref(rows);
    return CLI_OK;
}

static const cli_command api_commands[] = {
    {.noun = "api", .verb = "openapi", .run = run_openapi,
     .summary = "print the HTTP API's description (OpenAPI 3.1, JSON)"},
    {.noun = "api", .verb = "routes", .run = run_routes,
     .summary = "list every route: method, path, the capability it needs, what it does"},
    {0},
};

const cli_module cli_module_api = {
    .name = "api", .area = AREA_ADMINISTRATION, .commands = api_commands};
