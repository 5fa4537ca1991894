/*
 * api_company.c - the company that runs this installation
 * (service/company.h): GET /api/v1/company for anyone logged in (the web
 * application prints its name on every printed page), PUT to change the
 * name (administrators: the settings capability).
 */
#include "http/http.h"
#include "service/company.h"

static void company_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = company_get(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field company_body[] = {{"name", FIELD_STRING, 1}, {0}};

static void company_change(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = company_set(&request->service, http_body_string(request, "name"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route company_routes[] = {
    {.method = "GET", .pattern = "/api/v1/company", .handler = company_show,
     .capability = CAPABILITY_SESSION, .response = "Company",
     .summary = "The company's name, as documents and printouts carry it"},
    {.method = "PUT", .pattern = "/api/v1/company", .handler = company_change,
     .capability = CAPABILITY_SETTINGS_WRITE, .body = company_body, .response = "Company",
     .summary = "Set the company's name"},
    {0},
};

const http_module http_module_company = {
    .name = "company", .area = AREA_ADMINISTRATION, .routes = company_routes};
