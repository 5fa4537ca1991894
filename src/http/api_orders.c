/*
 * api_orders.c - hospitals' orders, the open-orders board, allocation and
 * the ABO substitution table over HTTP (docs/distribution.md), the same
 * use cases as `bloodops order create|line|allocate|unallocate|cancel|show|list`
 * and `bloodops substitution list|set`. Every POST takes an
 * Idempotency-Key (router.c). Its routes are declared at the end of this
 * file.
 */
#include "http/http.h"
#include "service/order.h"

static void orders_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    order_filter filter = {.hospital = http_query(request, "hospital"),
                           .status = http_query(request, "status")};
    int rc = http_query_page(request, &filter.page, &e) ||
             order_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field order_body[] = {
    {"hospital", FIELD_STRING, 1}, {"priority", FIELD_STRING, 1},
    {"needed_by", FIELD_STRING, 1}, {0}};

static void orders_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    order_input in = {.hospital = http_body_string(request, "hospital"),
                      .priority = http_body_string(request, "priority"),
                      .needed_by = http_body_string(request, "needed_by")};
    int rc = order_create(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void orders_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = order_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field line_body[] = {
    {"family", FIELD_STRING, 1},       {"group", FIELD_STRING, 1},
    {"quantity", FIELD_INTEGER_TEXT, 1}, {"irradiated", FIELD_BOOLEAN, 0},
    {"cmv_negative", FIELD_BOOLEAN, 0}, {0}};

static void orders_line(http_request *request, http_response *response)
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
    int rc = order_line_add(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void orders_allocate(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = order_allocate(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field unallocate_body[] = {{"reason", FIELD_STRING, 0}, {0}};

static void orders_unallocate(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = order_unallocate(&request->service, request->path_params[0],
                              http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field cancel_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void orders_cancel(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = order_cancel(&request->service, request->path_params[0],
                          http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void substitutions_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = substitution_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field substitution_body[] = {{"donors", FIELD_STRING, 0}, {0}};

static void substitutions_set(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = substitution_set(&request->service, request->path_params[0],
                              request->path_params[1], http_body_string(request, "donors"),
                              &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route orders_routes[] = {
    {.method = "GET", .pattern = "/api/v1/orders", .handler = orders_list,
     .capability = CAPABILITY_ORDERS, .query = "hospital,status,limit,after,sort,offset",
     .response = "OrderList",
     .summary = "Orders with their clocks; status=open&sort=deadline is the open-orders board"},
    {.method = "POST", .pattern = "/api/v1/orders", .handler = orders_create,
     .capability = CAPABILITY_ORDERS_WRITE, .body = order_body, .response = "Order",
     .status = 201, .summary = "A hospital's order; its priority's clock starts"},
    {.method = "GET", .pattern = "/api/v1/orders/{id}", .handler = orders_show,
     .capability = CAPABILITY_ORDERS, .response = "Order",
     .summary = "An order with its lines, allocations and backorders"},
    {.method = "POST", .pattern = "/api/v1/orders/{id}/lines", .handler = orders_line,
     .capability = CAPABILITY_ORDERS_WRITE, .body = line_body, .response = "Order",
     .status = 201, .summary = "Add a line: family, ABO/RhD, attributes, quantity"},
    {.method = "POST", .pattern = "/api/v1/orders/{id}/allocate", .handler = orders_allocate,
     .capability = CAPABILITY_ORDERS_WRITE, .response = "Order",
     .summary = "Allocate released units, first expiring first, with substitutions"},
    {.method = "POST", .pattern = "/api/v1/orders/{id}/unallocate",
     .handler = orders_unallocate, .capability = CAPABILITY_ORDERS_WRITE,
     .body = unallocate_body, .response = "Order",
     .summary = "Undo the order's allocations: the units back on the shelf"},
    {.method = "POST", .pattern = "/api/v1/orders/{id}/cancel", .handler = orders_cancel,
     .capability = CAPABILITY_ORDERS_WRITE, .body = cancel_body, .response = "Order",
     .summary = "Cancel an open order for a reason: its units not shipped back on the shelf"},
    {.method = "GET", .pattern = "/api/v1/substitutions", .handler = substitutions_list,
     .capability = CAPABILITY_ORDERS, .response = "Substitutions",
     .summary = "The ABO substitution table of every family"},
    {.method = "PUT", .pattern = "/api/v1/substitutions/{family}/{abo}",
     .handler = substitutions_set, .capability = CAPABILITY_SETTINGS_WRITE,
     .body = substitution_body, .response = "Substitutions",
     .summary = "Replace the donor groups a recipient group may get"},
    {0},
};

const http_module http_module_orders = {
    .name = "orders", .area = AREA_DISTRIBUTION, .routes = orders_routes};
