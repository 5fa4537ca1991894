/*
 * api_worklist.c - the worklist of the user asking (service/worklist.h;
 * docs/worklists.md): GET /api/v1/worklist for anyone logged in, answering
 * only the sections their capabilities give them.
 */
#include "http/http.h"
#include "service/worklist.h"

static void worklist_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = worklist_get(&request->service, http_query(request, "limit"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route worklist_routes[] = {
    {.method = "GET", .pattern = "/api/v1/worklist", .handler = worklist_show,
     .capability = CAPABILITY_SESSION, .query = "limit", .response = "Worklist",
     .summary = "The work of the day: the sections the user's capabilities give, in their scope"},
    {0},
};

const http_module http_module_worklist = {
    .name = "worklist", .area = AREA_ADMINISTRATION, .routes = worklist_routes};
