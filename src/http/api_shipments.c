/*
 * api_shipments.c - shipments over HTTP (docs/distribution.md,
 * "Shipments", "Net units sold"), the same use cases as `bloodops shipment
 * create|show` and `bloodops sales units`.
 * Every POST takes an Idempotency-Key (router.c). Its routes are declared
 * at the end of this file.
 */
#include "http/http.h"
#include "service/sales.h"
#include "service/shipment.h"

static const http_field scan_item[] = {{"din", FIELD_STRING, 1}, {0}};
static const http_field shipment_body[] = {
    {"order", FIELD_INTEGER_TEXT, 1}, {"scans", FIELD_ARRAY, 1, scan_item},
    {"temperature", FIELD_DECIMAL_TEXT, 1}, {"shipper", FIELD_STRING, 1},
    {"date", FIELD_STRING, 0}, {"after_hours", FIELD_BOOLEAN, 0}, {0}};

static void shipments_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    json_t *scans = json_object_get(request->json, "scans");
    size_t count = json_array_size(scans);
    const char *dins[SHIPMENT_SCANS_MAX];
    if (count > SHIPMENT_SCANS_MAX) {
        err_set(&e, ERR_INVALID, "scans", "a shipment holds at most %d units",
                SHIPMENT_SCANS_MAX);
        http_reply_result(response, 201, -1, NULL, &e);
        return;
    }
    for (size_t i = 0; i < count; i++)
        dins[i] = json_string_value(json_object_get(json_array_get(scans, i), "din"));
    shipment_input in = {.order = http_body_number_text(request, "order"), .scans = dins,
                         .scan_count = count,
                         .temperature = http_body_number_text(request, "temperature"),
                         .shipper = http_body_string(request, "shipper"),
                         .date = http_body_string(request, "date"),
                         .after_hours =
                             json_is_true(json_object_get(request->json, "after_hours"))};
    int rc = shipment_create(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void shipments_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = shipment_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void shipments_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = shipment_list(&request->service, http_query(request, "order"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void shipments_packing_list(http_request *request, http_response *response)
{
    err e;
    buffer out = BUFFER_INIT;
    document_format format;
    if (shipment_packing_list(&request->service, request->path_params[0],
                              http_query(request, "format"), &out, &format, &e)) {
        buffer_free(&out);
        http_reply_error(response, &e);
        return;
    }
    const char *content_type = document_content_type(format);
    if (format == DOCUMENT_PDF) {
        size_t length = out.length;
        http_reply_bytes(response, 200, content_type, buffer_take(&out), length);
    } else {
        http_reply_text(response, 200, content_type, buffer_take(&out));
    }
}

static void sales_units_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = sales_units(&request->service, http_query(request, "period"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route shipments_routes[] = {
    {.method = "POST", .pattern = "/api/v1/shipments", .handler = shipments_create,
     .capability = CAPABILITY_ORDERS_WRITE, .body = shipment_body, .response = "Shipment",
     .status = 201,
     .summary = "Ship an order's allocated units confirmed by their DINs: invoice lines and "
                "postings in the same transaction"},
    {.method = "GET", .pattern = "/api/v1/shipments", .handler = shipments_list,
     .capability = CAPABILITY_ORDERS, .query = "order", .response = "ShipmentList",
     .summary = "The shipments of an order"},
    {.method = "GET", .pattern = "/api/v1/shipments/{id}", .handler = shipments_show,
     .capability = CAPABILITY_ORDERS, .response = "Shipment",
     .summary = "A shipment with its units, prices, invoice and posting"},
    {.method = "GET", .pattern = "/api/v1/shipments/{id}/packing-list",
     .handler = shipments_packing_list, .capability = CAPABILITY_ORDERS, .query = "format",
     .produces = "text/plain,text/html,application/pdf",
     .summary = "The packing list: format=text (default), html or pdf"},
    {.method = "GET", .pattern = "/api/v1/sales/units", .handler = sales_units_show,
     .capability = CAPABILITY_CONTRACTS, .query = "period", .response = "SalesUnits",
     .summary = "Net units sold per family and center: shipped less returned with credit"},
    {0},
};

const http_module http_module_shipments = {
    .name = "shipments", .area = AREA_DISTRIBUTION, .routes = shipments_routes};
