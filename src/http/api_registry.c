/*
 * api_registry.c - the organization registry over HTTP (docs/registry.md):
 *   GET   /api/v1/markets?q=&limit=&after=
 *   POST  /api/v1/markets                 (admin)
 *   GET   /api/v1/markets/{code}
 *   PATCH /api/v1/markets/{code}          (admin) {"name"}
 *   GET   /api/v1/centers?market=&status=&q=&limit=&after=
 *   POST  /api/v1/centers                 (admin)
 *   GET   /api/v1/centers/{code}
 *   PATCH /api/v1/centers/{code}          (admin) {"name","market","fin","address","open_date"}
 *   POST  /api/v1/centers/{code}/close    (admin) {"close_date","reason"}
 *   GET   /api/v1/hospitals?market=&q=&limit=&after=
 *   POST  /api/v1/hospitals               (admin, distribution, finance)
 *   GET   /api/v1/hospitals/{code}
 *   PATCH /api/v1/hospitals/{code}        (admin, distribution, finance)
 *                                         {"name","market","address","billing_terms_days"}
 * Reading is open to every role; each write names who may make it. A PATCH
 * body holds only the fields to change (absent or null = leave as is).
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

static void markets_add(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"code", FIELD_STRING, 1}, {"name", FIELD_STRING, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
        market_input in = {http_body_string(request, "code"), http_body_string(request, "name")};
        rc = market_add(&request->service, &in, &result, &e);
    }
    http_reply_result(response, 201, rc, result, &e);
}

static void markets_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = market_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void markets_edit(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"name", FIELD_STRING, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
        market_input in = {.name = http_body_string(request, "name")};
        rc = market_update(&request->service, request->path_params[0], &in, &result, &e);
    }
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
    };
}

static void centers_add(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"code", FIELD_STRING, 1},    {"name", FIELD_STRING, 1},
        {"market", FIELD_STRING, 1},  {"fin", FIELD_STRING, 0},
        {"address", FIELD_STRING, 0}, {"open_date", FIELD_STRING, 0},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
        center_input in = center_body(request);
        rc = center_add(&request->service, &in, &result, &e);
    }
    http_reply_result(response, 201, rc, result, &e);
}

static void centers_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = center_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void centers_edit(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"name", FIELD_STRING, 0},    {"market", FIELD_STRING, 0},
        {"fin", FIELD_STRING, 0},     {"address", FIELD_STRING, 0},
        {"open_date", FIELD_STRING, 0},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
        center_input in = center_body(request);
        rc = center_update(&request->service, request->path_params[0], &in, &result, &e);
    }
    http_reply_result(response, 200, rc, result, &e);
}

static void centers_close(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"close_date", FIELD_STRING, 1}, {"reason", FIELD_STRING, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             center_close(&request->service, request->path_params[0],
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

static void hospitals_add(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"code", FIELD_STRING, 1},    {"name", FIELD_STRING, 1},
        {"market", FIELD_STRING, 0},  {"address", FIELD_STRING, 0},
        {"billing_terms_days", FIELD_INTEGER, 0},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
        hospital_input in = hospital_body(request);
        rc = hospital_add(&request->service, &in, &result, &e);
    }
    http_reply_result(response, 201, rc, result, &e);
}

static void hospitals_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = hospital_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void hospitals_edit(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"name", FIELD_STRING, 0},    {"market", FIELD_STRING, 0},
        {"address", FIELD_STRING, 0}, {"billing_terms_days", FIELD_INTEGER, 0},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (!rc) {
        hospital_input in = hospital_body(request);
        rc = hospital_update(&request->service, request->path_params[0], &in, &result, &e);
    }
    http_reply_result(response, 200, rc, result, &e);
}

const http_route http_routes_registry[] = {
    {"GET", "/api/v1/markets", markets_list, ROLES_ALL, 0},
    {"POST", "/api/v1/markets", markets_add, ROLE_ADMIN, 1},
    {"GET", "/api/v1/markets/{code}", markets_show, ROLES_ALL, 0},
    {"PATCH", "/api/v1/markets/{code}", markets_edit, ROLE_ADMIN, 1},
    {"GET", "/api/v1/centers", centers_list, ROLES_ALL, 0},
    {"POST", "/api/v1/centers", centers_add, ROLE_ADMIN, 1},
    {"GET", "/api/v1/centers/{code}", centers_show, ROLES_ALL, 0},
    {"PATCH", "/api/v1/centers/{code}", centers_edit, ROLE_ADMIN, 1},
    {"POST", "/api/v1/centers/{code}/close", centers_close, ROLE_ADMIN, 1},
    {"GET", "/api/v1/hospitals", hospitals_list, ROLES_ALL, 0},
    {"POST", "/api/v1/hospitals", hospitals_add, ROLE_ADMIN | ROLE_DISTRIBUTION | ROLE_FINANCE, 1},
    {"GET", "/api/v1/hospitals/{code}", hospitals_show, ROLES_ALL, 0},
    {"PATCH", "/api/v1/hospitals/{code}", hospitals_edit,
     ROLE_ADMIN | ROLE_DISTRIBUTION | ROLE_FINANCE, 1},
    {0},
};
