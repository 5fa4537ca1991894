/*
 * api_management.c - management contracts over HTTP
 * (docs/contract_services.md), the same use cases as `bloodops management
 * add|terminate|report|accrue|revenue|list|show`. Every POST takes an
 * Idempotency-Key (router.c). Its routes are declared at the end of this
 * file.
 */
#include "http/http.h"
#include "service/management.h"

static void management_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    management_filter filter = {.status = http_query(request, "status"),
                                .customer = http_query(request, "customer")};
    int rc = http_query_page(request, &filter.page, &e) ||
             management_contract_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field contract_body[] = {
    {"customer", FIELD_STRING, 1},        {"kind", FIELD_STRING, 1},
    {"market", FIELD_STRING, 1},          {"start", FIELD_STRING, 1},
    {"term", FIELD_INTEGER_TEXT, 0},      {"monthly_fee", FIELD_STRING, 0},
    {"per_unit", FIELD_STRING, 0},         {"per_procedure", FIELD_STRING, 0},
    {0}};

static void management_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    management_input in = {.customer = http_body_string(request, "customer"),
                           .kind = http_body_string(request, "kind"),
                           .market = http_body_string(request, "market"),
                           .start = http_body_string(request, "start"),
                           .term = http_body_number_text(request, "term"),
                           .monthly_fee = http_body_string(request, "monthly_fee"),
                           .per_unit = http_body_string(request, "per_unit"),
                           .per_procedure = http_body_string(request, "per_procedure")};
    int rc = management_contract_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void management_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = management_contract_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field terminate_body[] = {
    {"date", FIELD_STRING, 1}, {"reason", FIELD_STRING, 1}, {0}};

static void management_terminate(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = management_contract_terminate(&request->service, request->path_params[0],
                                           http_body_string(request, "date"),
                                           http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field volumes_body[] = {
    {"period", FIELD_STRING, 1},
    {"units", FIELD_INTEGER_TEXT, 0},
    {"procedures", FIELD_INTEGER_TEXT, 0},
    {0}};

static void management_volumes(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = management_volumes_report(&request->service, request->path_params[0],
                                       http_body_string(request, "period"),
                                       http_body_number_text(request, "units"),
                                       http_body_number_text(request, "procedures"), &result,
                                       &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field accrue_body[] = {{"period", FIELD_STRING, 1}, {0}};

static void management_accruals(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = management_accrue(&request->service, http_body_string(request, "period"), &result,
                               &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void management_revenue_get(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = management_revenue(&request->service, http_query(request, "period"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route management_routes[] = {
    {.method = "GET", .pattern = "/api/v1/management-contracts", .handler = management_list,
     .capability = CAPABILITY_MANAGEMENT, .query = "status,customer,limit,after,sort,offset",
     .response = "ManagementContractList",
     .summary = "Management contracts with what each accrued; status=active|terminated"},
    {.method = "POST", .pattern = "/api/v1/management-contracts", .handler = management_add,
     .capability = CAPABILITY_MANAGEMENT_WRITE, .body = contract_body,
     .response = "ManagementContract", .status = 201,
     .summary = "A management contract: customer, kind, market, start, term and its fees"},
    {.method = "GET", .pattern = "/api/v1/management-contracts/{id}", .handler = management_show,
     .capability = CAPABILITY_MANAGEMENT, .response = "ManagementContract",
     .summary = "A management contract with its accruals by month and lifetime total"},
    {.method = "POST", .pattern = "/api/v1/management-contracts/{id}/terminate",
     .handler = management_terminate, .capability = CAPABILITY_MANAGEMENT_WRITE,
     .body = terminate_body, .response = "ManagementContract",
     .summary = "Terminate a contract: its last day of service and the reason"},
    {.method = "POST", .pattern = "/api/v1/management-contracts/{id}/volumes",
     .handler = management_volumes, .capability = CAPABILITY_MANAGEMENT_WRITE,
     .body = volumes_body, .response = "ManagementContract",
     .summary = "The units and procedures of a month, for the per-unit and per-procedure fees"},
    {.method = "POST", .pattern = "/api/v1/management-accruals", .handler = management_accruals,
     .capability = CAPABILITY_BILLING_WRITE, .body = accrue_body,
     .response = "ManagementAccrualRun",
     .summary = "Accrue and invoice the fees of the ended months of a period, each once"},
    {.method = "GET", .pattern = "/api/v1/management-revenue", .handler = management_revenue_get,
     .capability = CAPABILITY_MANAGEMENT, .query = "period", .response = "ManagementRevenue",
     .summary = "Revenue accrued in a period by contract and by market"},
    {0},
};

const http_module http_module_management = {
    .name = "management", .area = AREA_SERVICES, .routes = management_routes};
