/*
 * api_standing_orders.c - standing orders over HTTP (docs/distribution.md,
 * "Standing orders"), the same use cases as `bloodops order standing
 * add|line|remove-line|list|show|stop|run`. Every POST takes an Idempotency-Key
 * (router.c). Its routes are declared at the end of this file.
 */
#include "http/http.h"
#include "service/standing_order.h"

static void standing_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    standing_order_filter filter = {.hospital = http_query(request, "hospital"),
                                    .status = http_query(request, "status")};
    int rc = http_query_page(request, &filter.page, &e) ||
             standing_order_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field standing_body[] = {
    {"hospital", FIELD_STRING, 1}, {"priority", FIELD_STRING, 1}, {"days", FIELD_STRING, 1},
    {"time", FIELD_STRING, 1},     {"from", FIELD_STRING, 1},     {"to", FIELD_STRING, 0},
    {0}};

static void standing_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    standing_order_input in = {.hospital = http_body_string(request, "hospital"),
                               .priority = http_body_string(request, "priority"),
                               .days = http_body_string(request, "days"),
                               .time = http_body_string(request, "time"),
                               .from = http_body_string(request, "from"),
                               .to = http_body_string(request, "to")};
    int rc = standing_order_create(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void standing_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = standing_order_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field standing_line_body[] = {
    {"family", FIELD_STRING, 1},         {"group", FIELD_STRING, 1},
    {"quantity", FIELD_INTEGER_TEXT, 1}, {"irradiated", FIELD_BOOLEAN, 0},
    {"cmv_negative", FIELD_BOOLEAN, 0},  {0}};

static void standing_line(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    order_line_input in = {
        .family = http_body_string(request, "family"),
        .group = http_body_string(request, "group"),
        .quantity = http_body_number_text(request, "quantity"),
        .irradiated = json_is_true(json_object_get(request->json, "irradiated")),
        .cmv_negative = json_is_true(json_object_get(request->json, "cmv_negative")),
    };
    int rc = standing_order_line_add(&request->service, request->path_params[0], &in, &result,
                                     &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void standing_line_remove(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = standing_order_line_remove(&request->service, request->path_params[0],
                                        request->path_params[1], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void standing_stop(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = standing_order_stop(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field run_body[] = {{"through", FIELD_STRING, 0}, {0}};

static void standing_run(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = standing_orders_run(&request->service, http_body_string(request, "through"),
                                 &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route standing_routes[] = {
    {.method = "GET", .pattern = "/api/v1/standing-orders", .handler = standing_list,
     .capability = CAPABILITY_ORDERS, .query = "hospital,status,limit,after,sort,offset",
     .response = "StandingOrderList",
     .summary = "Standing orders with their weekly schedules; status=active|stopped"},
    {.method = "POST", .pattern = "/api/v1/standing-orders", .handler = standing_create,
     .capability = CAPABILITY_ORDERS_WRITE, .body = standing_body, .response = "StandingOrder",
     .status = 201,
     .summary = "A standing order: hospital, priority, weekdays, local time, first and last day"},
    {.method = "GET", .pattern = "/api/v1/standing-orders/{id}", .handler = standing_show,
     .capability = CAPABILITY_ORDERS, .response = "StandingOrder",
     .summary = "A standing order with its lines and the orders it created"},
    {.method = "POST", .pattern = "/api/v1/standing-orders/{id}/lines", .handler = standing_line,
     .capability = CAPABILITY_ORDERS_WRITE, .body = standing_line_body,
     .response = "StandingOrder", .status = 201,
     .summary = "Add a line: family, ABO/RhD, attributes, quantity (as an order's line)"},
    {.method = "POST", .pattern = "/api/v1/standing-orders/{id}/lines/{line}/remove",
     .handler = standing_line_remove, .capability = CAPABILITY_ORDERS_WRITE,
     .response = "StandingOrder",
     .summary = "Remove a line: the orders created from now on go without it"},
    {.method = "POST", .pattern = "/api/v1/standing-orders/{id}/stop", .handler = standing_stop,
     .capability = CAPABILITY_ORDERS_WRITE, .response = "StandingOrder",
     .summary = "Stop a standing order: no more orders are created from it"},
    {.method = "POST", .pattern = "/api/v1/standing-orders/run", .handler = standing_run,
     .capability = CAPABILITY_ORDERS_WRITE, .body = run_body, .response = "StandingOrderRun",
     .summary = "Create the scheduled days' orders through a day (default: tomorrow)"},
    {0},
};

const http_module http_module_standing_orders = {
    .name = "standing_orders", .area = AREA_DISTRIBUTION, .routes = standing_routes};
