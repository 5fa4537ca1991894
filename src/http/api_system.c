/*
 * api_system.c - endpoints about the server itself: GET /health (no session,
 * for load balancers and monitoring), GET /api/v1/version and the API's
 * own description, GET /api/v1/openapi.json (openapi.c).
 */
#include "http/http.h"
#include "http/openapi.h"
#include "store/db.h"

static void health(http_request *request, http_response *response)
{
    /* Healthy means the database answers, not merely that the process runs. */
    err e;
    db_stmt *stmt;
    if (db_prepare(request->service.db, "SELECT 1", &stmt, &e) || db_step(stmt, &e) != DB_ROW) {
        http_reply_error(response, &e);
        response->status = 503;
        return;
    }
    db_reset(stmt);
    http_reply(response, 200, json_pack("{s:s}", "status", "ok"));
}

static void version(http_request *request, http_response *response)
{
    http_reply(response, 200,
               json_pack("{s:s, s:s}", "version", BLOODOPS_VERSION, "database",
                         db_backend_name(request->service.db)));
}

static void openapi(http_request *request, http_response *response)
{
    err e;
    json_t *document = NULL;
    int rc = http_openapi_document(&document, &e);
    http_reply_result(response, 200, rc, document, &e);
}

static const http_route system_routes[] = {
    {.method = "GET", .pattern = "/health", .handler = health, .public_access = 1,
     .response = "Health", .summary = "Whether the server and its database answer"},
    {.method = "GET", .pattern = "/api/v1/version", .handler = version,
     .capability = CAPABILITY_SESSION, .response = "Version", .summary = "The program's version"},
    {.method = "GET", .pattern = "/api/v1/openapi.json", .handler = openapi,
     .capability = CAPABILITY_SESSION, .response = "OpenApiDocument",
     .summary = "This API's description (OpenAPI 3.1)"},
    {0},
};

const http_module http_module_system = {
    .name = "system", .area = AREA_ADMINISTRATION, .routes = system_routes};
