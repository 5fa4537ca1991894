/*
 * api_collections.c - collections, components, units and inventory over
 * HTTP (docs/collections.md). A DIN in a path may take any form a scanner
 * or a person gives it (service/din.h din_text_parse).
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include <stdio.h>
#include "http/http.h"
#include "http/measurements.h"
#include "service/collection.h"
#include "service/unit.h"

static const http_field collections_record_body[] = {
    {"donor", FIELD_STRING, 1},           {"center", FIELD_STRING, 1},
    {"din", FIELD_STRING, 0},             {"collected_at", FIELD_STRING, 0},
    {"device", FIELD_STRING, 0},          {"volume_ml", FIELD_INTEGER_TEXT, 1},
    {"reaction", FIELD_STRING, 0},        {"reaction_note", FIELD_STRING, 0},
    {"staff", FIELD_STRING, 0},           HTTP_MEASUREMENT_FIELDS,
    {0}};

static void collections_record(http_request *request, http_response *response)
{
    err e;
    buffer answer = BUFFER_INIT;
    collection_request r = {
        .donor = http_body_string(request, "donor"),
        .center = http_body_string(request, "center"),
        .din = http_body_string(request, "din"),
        .collected_at = http_body_string(request, "collected_at"),
        .device = http_body_string(request, "device"),
        .volume_ml = http_body_number_text(request, "volume_ml"),
        .reaction = http_body_string(request, "reaction"),
        .reaction_note = http_body_string(request, "reaction_note"),
        .staff = http_body_string(request, "staff"),
    };
    http_body_measurements(request, &r.eligibility);
    int rc = collection_record_write(&request->service, &r, &answer, &e);
    http_reply_json_text(response, 201, rc, &answer, &e);
}

static void collections_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    collection_filter filter = {.center = http_query(request, "center"),
                                .on = http_query(request, "on"),
                                .from = http_query(request, "from"),
                                .to = http_query(request, "to"),
                                .group = http_query(request, "group"),
                                .processed = http_query(request, "processed")};
    int rc = http_query_page(request, &filter.page, &e) ||
             collection_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void collections_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = collection_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field collections_process_component[] = {
    {"product", FIELD_STRING, 1}, {"volume_ml", FIELD_INTEGER_TEXT, 0}, {0}};
static const http_field collections_process_body[] = {
    {"components", FIELD_ARRAY, 1, collections_process_component}, {0}};

static void collections_process(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    json_t *list = json_object_get(request->json, "components"), *item;
    size_t count = json_array_size(list), i;
    collection_component *components =
        arena_alloc(request->arena, (count ? count : 1) * sizeof *components);
    json_array_foreach(list, i, item)
    {
        json_t *volume = json_object_get(item, "volume_ml");
        components[i].product = json_string_value(json_object_get(item, "product"));
        components[i].volume_ml =
            json_is_integer(volume)
                ? arena_printf(request->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(volume))
                : json_string_value(volume);
    }
    int rc = collection_process(&request->service, request->path_params[0], components, count,
                                &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

/* The scanner's hot path: the lookup's JSON text is the answer as it is. */
static void donations_show(http_request *request, http_response *response)
{
    err e;
    buffer text = BUFFER_INIT;
    int rc = unit_lookup_write(&request->service, request->path_params[0], &text, &e);
    http_reply_json_text(response, 200, rc, &text, &e);
}

static void units_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = unit_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field units_discard_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void units_discard(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = unit_discard(&request->service, request->path_params[0],
                          http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field units_expiry_sweep_body[] = {{"as_of", FIELD_STRING, 0}, {0}};

static void units_expiry_sweep(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = unit_expiry_sweep(&request->service, http_body_string(request, "as_of"), &result,
                               &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void inventory_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    unit_inventory_filter filter = {.center = http_query(request, "center"),
                                    .family = http_query(request, "family"),
                                    .status = http_query(request, "status")};
    int rc = unit_inventory(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void units_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    unit_list_filter filter = {.center = http_query(request, "center"),
                               .family = http_query(request, "family"),
                               .status = http_query(request, "status"),
                               .group = http_query(request, "group"),
                               .band = http_query(request, "band")};
    int rc = http_query_page(request, &filter.page, &e) ||
             unit_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route collections_routes[] = {
    {.method = "POST", .pattern = "/api/v1/collections", .handler = collections_record,
     .capability = CAPABILITY_COLLECTIONS_WRITE, .body = collections_record_body,
     .response = "Collection", .status = 201,
     .summary = "Record a collection (the donor's eligibility is checked again)"},
    {.method = "GET", .pattern = "/api/v1/collections", .handler = collections_list,
     .capability = CAPABILITY_COLLECTIONS, .query = "center,on,from,to,group,processed,limit,after,sort,offset",
     .response = "CollectionList", .summary = "List collections"},
    {.method = "GET", .pattern = "/api/v1/collections/{din}", .handler = collections_show,
     .capability = CAPABILITY_COLLECTIONS, .response = "Collection",
     .summary = "One collection with its measurements"},
    {.method = "POST", .pattern = "/api/v1/collections/{din}/process",
     .handler = collections_process, .capability = CAPABILITY_COLLECTIONS_PROCESS,
     .body = collections_process_body, .response = "ProcessedCollection", .status = 201,
     .summary = "Make the units of a collection"},
    {.method = "GET", .pattern = "/api/v1/donations/{din}", .handler = donations_show,
     .capability = CAPABILITY_COLLECTIONS, .response = "Donation",
     .summary = "A donation by its DIN in any form: collection, units, test results"},
    {.method = "POST", .pattern = "/api/v1/units/expiry-sweep", .handler = units_expiry_sweep,
     .capability = CAPABILITY_UNITS_EXPIRY_SWEEP, .body = units_expiry_sweep_body,
     .response = "ExpirySweep", .summary = "Expire every unit in inventory whose expiry has come"},
    {.method = "GET", .pattern = "/api/v1/units/{id}", .handler = units_show,
     .capability = CAPABILITY_UNITS, .response = "Unit", .summary = "One unit with its events"},
    {.method = "POST", .pattern = "/api/v1/units/{id}/discard", .handler = units_discard,
     .capability = CAPABILITY_UNITS_DISCARD, .body = units_discard_body, .response = "Unit",
     .summary = "Discard a unit found unfit"},
    {.method = "GET", .pattern = "/api/v1/units", .handler = units_list,
     .capability = CAPABILITY_INVENTORY,
     .query = "center,family,status,group,band,limit,after,sort,offset", .response = "UnitList",
     .summary = "The units on the shelves (those of one inventory count), nearest expiry "
                "sortable, an allocated unit with its order"},
    {.method = "GET", .pattern = "/api/v1/inventory", .handler = inventory_show,
     .capability = CAPABILITY_INVENTORY, .query = "center,family,status", .response = "Inventory",
     .summary = "Units in inventory by center, family, ABO/RhD, status and days to expiry; "
                "available and allocated per line, beside the open orders' demand"},
    {0},
};

const http_module http_module_collections = {
    .name = "collections", .area = AREA_DONORS, .routes = collections_routes};
