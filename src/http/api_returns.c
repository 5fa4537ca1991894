/*
 * api_returns.c - units returned by hospitals over HTTP
 * (docs/distribution.md, "Returns"), the same use cases as `bloodops
 * return record|show|limits|limit`. Every POST takes an Idempotency-Key
 * (router.c). Its routes are declared at the end of this file.
 */
#include "http/http.h"
#include "service/returns.h"

static const http_field return_body[] = {
    {"din", FIELD_STRING, 1},           {"product", FIELD_STRING, 0},
    {"hospital", FIELD_STRING, 0},      {"date", FIELD_STRING, 1},
    {"temperature", FIELD_DECIMAL_TEXT, 1}, {"seal", FIELD_STRING, 1},
    {"minutes_out", FIELD_INTEGER_TEXT, 1}, {0}};

static void returns_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    return_input in = {.din = http_body_string(request, "din"),
                       .product = http_body_string(request, "product"),
                       .hospital = http_body_string(request, "hospital"),
                       .date = http_body_string(request, "date"),
                       .temperature = http_body_number_text(request, "temperature"),
                       .seal = http_body_string(request, "seal"),
                       .minutes_out = http_body_number_text(request, "minutes_out")};
    int rc = return_record(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void returns_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = return_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void limits_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = return_limits_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field limit_body[] = {
    {"min_temperature", FIELD_DECIMAL_TEXT, 1}, {"max_temperature", FIELD_DECIMAL_TEXT, 1},
    {"max_minutes_out", FIELD_INTEGER_TEXT, 0}, {0}};

static void limits_set(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = return_limit_set(&request->service, request->path_params[0],
                              http_body_number_text(request, "min_temperature"),
                              http_body_number_text(request, "max_temperature"),
                              http_body_number_text(request, "max_minutes_out"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route returns_routes[] = {
    {.method = "POST", .pattern = "/api/v1/returns", .handler = returns_create,
     .capability = CAPABILITY_ORDERS_WRITE, .body = return_body, .response = "UnitReturn",
     .status = 201,
     .summary = "A unit returned by the hospital it was shipped to: back on the shelf or "
                "discarded by its cold chain, credited under its contract"},
    {.method = "GET", .pattern = "/api/v1/returns/{id}", .handler = returns_show,
     .capability = CAPABILITY_ORDERS, .response = "UnitReturn",
     .summary = "A return with its evidence, outcome and credit"},
    {.method = "GET", .pattern = "/api/v1/return-limits", .handler = limits_list,
     .capability = CAPABILITY_ORDERS, .response = "ReturnLimits",
     .summary = "The cold-chain limits of every family"},
    {.method = "PUT", .pattern = "/api/v1/return-limits/{family}", .handler = limits_set,
     .capability = CAPABILITY_SETTINGS_WRITE, .body = limit_body, .response = "ReturnLimits",
     .summary = "Set a family's cold-chain limits"},
    {0},
};

const http_module http_module_returns = {
    .name = "returns", .area = AREA_DISTRIBUTION, .routes = returns_routes};
