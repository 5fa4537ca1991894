/*
 * api_collections.c - collections, components, units and inventory over
 * HTTP (SPEC 3.5):
 *   POST /api/v1/collections                  (admin, center_staff) record (201)
 *   GET  /api/v1/collections?center=&on=&processed=yes|no&limit=&after=
 *   GET  /api/v1/collections/{din}            one collection with its measurements
 *   POST /api/v1/collections/{din}/process    (admin, center_staff, lab) {"components"} (201)
 *   GET  /api/v1/donations/{din}              the DIN lookup: collection, units, tests
 *   GET  /api/v1/units/{id}                   one unit with its events
 *   POST /api/v1/units/{id}/discard           (admin, center_staff, lab) {"reason"}
 *   POST /api/v1/units/expiry-sweep           (admin) {"as_of"} optional
 *   GET  /api/v1/inventory?center=&family=&status=
 * Reads for every role but finance. A DIN in a path may take any form a
 * scanner or a person gives it (service/din.h din_text_parse).
 */
#include <stdio.h>
#include "http/http.h"
#include "service/collection.h"
#include "service/unit.h"

#define READERS (ROLES_ALL & ~(role_set)ROLE_FINANCE)
#define STAFF (ROLE_ADMIN | ROLE_CENTER_STAFF)
#define PROCESSORS (ROLE_ADMIN | ROLE_CENTER_STAFF | ROLE_LAB)

/* Hemoglobin and temperature come as JSON numbers (13.4) or text ("13.4"):
 * numbers are turned into their text for the service to read. */
static int decimals_as_text(http_request *request, err *e)
{
    static const char *const names[] = {"hemoglobin", "temperature"};
    for (int i = 0; i < 2 && json_is_object(request->json); i++) {
        json_t *value = json_object_get(request->json, names[i]);
        char text[64];
        if (!value || json_is_null(value) || json_is_string(value))
            continue;
        if (!json_is_number(value))
            return err_set(e, ERR_INVALID, names[i], "must be a number, e.g. %s",
                           i == 0 ? "13.4" : "36.8");
        if (json_is_integer(value))
            snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        else
            snprintf(text, sizeof text, "%.15g", json_real_value(value));
        json_object_set_new(request->json, names[i], json_string(text));
    }
    return 0;
}

static void collections_record(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"donor", FIELD_STRING, 1},            {"center", FIELD_STRING, 1},
        {"procedure", FIELD_STRING, 1},        {"din", FIELD_STRING, 0},
        {"collected_at", FIELD_STRING, 0},     {"device", FIELD_STRING, 0},
        {"volume_ml", FIELD_INTEGER_TEXT, 1},  {"reaction", FIELD_STRING, 0},
        {"reaction_note", FIELD_STRING, 0},    {"staff", FIELD_STRING, 0},
        {"weight_lb", FIELD_INTEGER_TEXT, 0},  {"height_in", FIELD_INTEGER_TEXT, 0},
        {"hemoglobin", FIELD_STRING, 0},       {"hematocrit", FIELD_INTEGER_TEXT, 0},
        {"temperature", FIELD_STRING, 0},      {"systolic", FIELD_INTEGER_TEXT, 0},
        {"diastolic", FIELD_INTEGER_TEXT, 0},  {"pulse", FIELD_INTEGER_TEXT, 0},
        {"platelet_count", FIELD_INTEGER_TEXT, 0}, {"parental_consent", FIELD_BOOLEAN, 0},
        {0}};
    err e;
    json_t *result = NULL;
    int rc = decimals_as_text(request, &e) || http_body_check(request, fields, &e);
    if (rc == 0) {
        json_t *consent = json_object_get(request->json, "parental_consent");
        collection_request r = {
            .donor = http_body_string(request, "donor"),
            .center = http_body_string(request, "center"),
            .din = http_body_string(request, "din"),
            .collected_at = http_body_string(request, "collected_at"),
            .device = http_body_string(request, "device"),
            .volume_ml = http_body_integer_text(request, "volume_ml"),
            .reaction = http_body_string(request, "reaction"),
            .reaction_note = http_body_string(request, "reaction_note"),
            .staff = http_body_string(request, "staff"),
            .eligibility = {
                .procedure = http_body_string(request, "procedure"),
                .weight_lb = http_body_integer_text(request, "weight_lb"),
                .height_in = http_body_integer_text(request, "height_in"),
                .hemoglobin = http_body_string(request, "hemoglobin"),
                .hematocrit = http_body_integer_text(request, "hematocrit"),
                .temperature = http_body_string(request, "temperature"),
                .systolic = http_body_integer_text(request, "systolic"),
                .diastolic = http_body_integer_text(request, "diastolic"),
                .pulse = http_body_integer_text(request, "pulse"),
                .platelet_count = http_body_integer_text(request, "platelet_count"),
                .parental_consent =
                    json_is_boolean(consent) ? (json_is_true(consent) ? "yes" : "no") : NULL,
            }};
        rc = collection_record(&request->service, &r, &result, &e);
    }
    http_reply_result(response, 201, rc, result, &e);
}

static void collections_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    collection_filter filter = {.center = http_query(request, "center"),
                                .on = http_query(request, "on"),
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

static void collections_process(http_request *request, http_response *response)
{
    static const http_field component_fields[] = {
        {"product", FIELD_STRING, 1}, {"volume_ml", FIELD_INTEGER_TEXT, 0}, {0}};
    static const http_field fields[] = {
        {"components", FIELD_ARRAY, 1, component_fields}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e);
    if (rc == 0) {
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
                    ? arena_printf(request->arena, "%" JSON_INTEGER_FORMAT,
                                   json_integer_value(volume))
                    : json_string_value(volume);
        }
        rc = collection_process(&request->service, request->path_params[0], components, count,
                                &result, &e);
    }
    http_reply_result(response, 201, rc, result, &e);
}

static void donations_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = unit_lookup(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void units_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = unit_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void units_discard(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"reason", FIELD_STRING, 1}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             unit_discard(&request->service, request->path_params[0],
                          http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void units_expiry_sweep(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"as_of", FIELD_STRING, 0}, {0}};
    err e;
    json_t *result = NULL;
    int rc = http_body_check(request, fields, &e) ||
             unit_expiry_sweep(&request->service, http_body_string(request, "as_of"), &result,
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

const http_route http_routes_collections[] = {
    {"POST", "/api/v1/collections", collections_record, STAFF, 1},
    {"GET", "/api/v1/collections", collections_list, READERS, 0},
    {"GET", "/api/v1/collections/{din}", collections_show, READERS, 0},
    {"POST", "/api/v1/collections/{din}/process", collections_process, PROCESSORS, 1},
    {"GET", "/api/v1/donations/{din}", donations_show, READERS, 0},
    {"POST", "/api/v1/units/expiry-sweep", units_expiry_sweep, ROLE_ADMIN, 1},
    {"GET", "/api/v1/units/{id}", units_show, READERS, 0},
    {"POST", "/api/v1/units/{id}/discard", units_discard, PROCESSORS, 1},
    {"GET", "/api/v1/inventory", inventory_show, READERS, 0},
    {0},
};
