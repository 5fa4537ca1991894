/*
 * api_reference.c - the reference data a client needs to show and check
 * the chain's forms (service/reference.h): GET /api/v1/reference, for
 * anyone logged in. The web application loads it once per session instead
 * of keeping its own copy of the procedures, the product families and
 * what each procedure yields, the unit statuses, the donor reactions and
 * the measurements with their units and ranges.
 */
#include "http/http.h"
#include "service/reference.h"

static void reference(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = reference_get(&result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route reference_routes[] = {
    {.method = "GET", .pattern = "/api/v1/reference", .handler = reference,
     .capability = CAPABILITY_REFERENCE, .response = "Reference",
     .summary = "The reference data of the chain: procedures and what each yields, families, "
                "statuses, reactions, measurements with their units and ranges"},
    {0},
};

const http_module http_module_reference = {
    .name = "reference", .area = AREA_DONORS, .routes = reference_routes};
