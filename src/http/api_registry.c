/*
 * api_registry.c - the organization registry over HTTP (docs/registry.md):
 * markets, donor centers, hospitals. A PATCH body holds only the fields to
 * change (absent or null = leave as is).
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include "http/http.h"
#include "service/registry.h"

static void markets_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    market_filter filter = {.search = http_query(request, "q")};
    int rc = http_query_page(request, &filter.page, &e) ||
             market_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field markets_add_body[] = {
    {"code", FIELD_STRING, 1}, {"name", FIELD_STRING, 1}, {"time_zone", FIELD_STRING, 0}, {0}};

static void markets_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    market_input in = {http_body_string(request, "code"), http_body_string(request, "name"),
                       http_body_string(request, "time_zone")};
    int rc = market_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void markets_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = market_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field markets_edit_body[] = {
    {"name", FIELD_STRING, 0}, {"time_zone", FIELD_STRING, 0}, {0}};

static void markets_edit(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    market_input in = {.name = http_body_string(request, "name"),
                       .time_zone = http_body_string(request, "time_zone")};
    int rc = market_update(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void centers_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    center_filter filter = {
        .market = http_query(request, "market"),
        .status = http_query(request, "status"),
        .search = http_query(request, "q"),
    };
    int rc = http_query_page(request, &filter.page, &e) ||
             center_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* A center as the body gives it (the edit's field table has no code, so
 * there .code stays NULL). */
static center_input center_body(http_request *request)
{
    return (center_input){
        .code = http_body_string(request, "code"),
        .name = http_body_string(request, "name"),
        .market = http_body_string(request, "market"),
        .fin = http_body_string(request, "fin"),
        .address = http_body_string(request, "address"),
        .open_date = http_body_string(request, "open_date"),
        .time_zone = http_body_string(request, "time_zone"),
    };
}

static const http_field centers_add_body[] = {
    {"code", FIELD_STRING, 1},    {"name", FIELD_STRING, 1},
    {"market", FIELD_STRING, 1},  {"fin", FIELD_STRING, 0},
    {"address", FIELD_STRING, 0}, {"open_date", FIELD_STRING, 0},
    {"time_zone", FIELD_STRING, 0},
    {0}};

static void centers_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    center_input in = center_body(request);
    int rc = center_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void centers_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = center_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field centers_edit_body[] = {
    {"name", FIELD_STRING, 0},    {"market", FIELD_STRING, 0},
    {"fin", FIELD_STRING, 0},     {"address", FIELD_STRING, 0},
    {"open_date", FIELD_STRING, 0}, {"time_zone", FIELD_STRING, 0},
    {0}};

static void centers_edit(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    center_input in = center_body(request);
    int rc = center_update(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field centers_close_body[] = {
    {"close_date", FIELD_STRING, 1}, {"reason", FIELD_STRING, 1}, {0}};

static void centers_close(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = center_close(&request->service, request->path_params[0],
                          http_body_string(request, "close_date"),
                          http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void hospitals_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    hospital_filter filter = {.market = http_query(request, "market"),
                              .search = http_query(request, "q")};
    int rc = http_query_page(request, &filter.page, &e) ||
             hospital_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* A hospital as the body gives it (no code in an edit's body). */
static hospital_input hospital_body(http_request *request)
{
    return (hospital_input){
        .code = http_body_string(request, "code"),
        .name = http_body_string(request, "name"),
        .market = http_body_string(request, "market"),
        .address = http_body_string(request, "address"),
        .billing_terms_days = http_body_number_text(request, "billing_terms_days"),
    };
}

static const http_field hospitals_add_body[] = {
    {"code", FIELD_STRING, 1},    {"name", FIELD_STRING, 1},
    {"market", FIELD_STRING, 0},  {"address", FIELD_STRING, 0},
    {"billing_terms_days", FIELD_INTEGER, 0},
    {0}};

static void hospitals_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    hospital_input in = hospital_body(request);
    int rc = hospital_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void hospitals_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = hospital_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field hospitals_edit_body[] = {
    {"name", FIELD_STRING, 0},    {"market", FIELD_STRING, 0},
    {"address", FIELD_STRING, 0}, {"billing_terms_days", FIELD_INTEGER, 0},
    {0}};

static void hospitals_edit(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    hospital_input in = hospital_body(request);
    int rc = hospital_update(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route registry_routes[] = {
    {.method = "GET", .pattern = "/api/v1/markets", .handler = markets_list,
     .capability = CAPABILITY_REGISTRY, .query = "q,limit,after,sort,offset", .response = "MarketList",
     .summary = "List markets"},
    {.method = "POST", .pattern = "/api/v1/markets", .handler = markets_add,
     .capability = CAPABILITY_MARKETS_WRITE, .body = markets_add_body, .response = "Market",
     .status = 201, .summary = "Add a market"},
    {.method = "GET", .pattern = "/api/v1/markets/{code}", .handler = markets_show,
     .capability = CAPABILITY_REGISTRY, .response = "Market", .summary = "One market"},
    {.method = "PATCH", .pattern = "/api/v1/markets/{code}", .handler = markets_edit,
     .capability = CAPABILITY_MARKETS_WRITE, .body = markets_edit_body, .response = "Market",
     .summary = "Rename a market or change its time zone"},
    {.method = "GET", .pattern = "/api/v1/centers", .handler = centers_list,
     .capability = CAPABILITY_REGISTRY, .query = "market,status,q,limit,after,sort,offset",
     .response = "CenterList", .summary = "List donor centers"},
    {.method = "POST", .pattern = "/api/v1/centers", .handler = centers_add,
     .capability = CAPABILITY_CENTERS_WRITE, .body = centers_add_body, .response = "Center",
     .status = 201, .summary = "Add a donor center"},
    {.method = "GET", .pattern = "/api/v1/centers/{code}", .handler = centers_show,
     .capability = CAPABILITY_REGISTRY, .response = "Center", .summary = "One donor center"},
    {.method = "PATCH", .pattern = "/api/v1/centers/{code}", .handler = centers_edit,
     .capability = CAPABILITY_CENTERS_WRITE, .body = centers_edit_body, .response = "Center",
     .summary = "Correct a donor center (only the fields given change)"},
    {.method = "POST", .pattern = "/api/v1/centers/{code}/close", .handler = centers_close,
     .capability = CAPABILITY_CENTERS_WRITE, .body = centers_close_body, .response = "Center",
     .summary = "Record that a donor center closes"},
    {.method = "GET", .pattern = "/api/v1/hospitals", .handler = hospitals_list,
     .capability = CAPABILITY_REGISTRY, .query = "market,q,limit,after,sort,offset",
     .response = "HospitalList", .summary = "List hospitals"},
    {.method = "POST", .pattern = "/api/v1/hospitals", .handler = hospitals_add,
     .capability = CAPABILITY_HOSPITALS_WRITE, .body = hospitals_add_body, .response = "Hospital",
     .status = 201, .summary = "Add a hospital (a customer)"},
    {.method = "GET", .pattern = "/api/v1/hospitals/{code}", .handler = hospitals_show,
     .capability = CAPABILITY_REGISTRY, .response = "Hospital", .summary = "One hospital"},
    {.method = "PATCH", .pattern = "/api/v1/hospitals/{code}", .handler = hospitals_edit,
     .capability = CAPABILITY_HOSPITALS_WRITE, .body = hospitals_edit_body, .response = "Hospital",
     .summary = "Correct a hospital (only the fields given change)"},
    {0},
};

const http_module http_module_registry = {
    .name = "registry", .area = AREA_ADMINISTRATION, .routes = registry_routes};
