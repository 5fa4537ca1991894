/*
 * api_isbt.c - ISBT 128 over HTTP (docs/isbt.md): the product catalog and DIN
 * allocation. The catalog is imported from the command line
 * (`bloodops catalog import`); DINs are allocated in one transaction per
 * request (service/din.h).
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include "http/http.h"
#include "service/catalog.h"
#include "service/din.h"

static void products_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    catalog_filter filter = {.family = http_query(request, "family"),
                             .search = http_query(request, "q")};
    int rc = http_query_page(request, &filter.page, &e) ||
             catalog_product_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void products_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = catalog_product_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field dins_allocate_body[] = {
    {"center", FIELD_STRING, 1},
    {"count", FIELD_INTEGER_TEXT, 0},
    {"year", FIELD_INTEGER_TEXT, 0},
    {0}};

static void dins_allocate(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = din_allocate(&request->service, http_body_string(request, "center"),
                          http_body_number_text(request, "count"),
                          http_body_number_text(request, "year"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void dins_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = din_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route isbt_routes[] = {
    {.method = "GET", .pattern = "/api/v1/products", .handler = products_list,
     .capability = CAPABILITY_REFERENCE, .query = "family,q,limit,after",
     .response = "ProductList", .summary = "The product catalog"},
    {.method = "GET", .pattern = "/api/v1/products/{code}", .handler = products_show,
     .capability = CAPABILITY_REFERENCE, .response = "Product",
     .summary = "One product of the catalog"},
    {.method = "POST", .pattern = "/api/v1/dins", .handler = dins_allocate,
     .capability = CAPABILITY_COLLECTIONS_WRITE, .body = dins_allocate_body,
     .response = "DinAllocation", .status = 201,
     .summary = "Allocate the next DINs of a donor center"},
    {.method = "GET", .pattern = "/api/v1/dins/{din}", .handler = dins_show,
     .capability = CAPABILITY_REFERENCE, .response = "Din",
     .summary = "An allocated DIN, typed with or without its check character"},
    {0},
};

const http_module http_module_isbt = {
    .name = "isbt", .area = AREA_LABORATORY, .routes = isbt_routes};
