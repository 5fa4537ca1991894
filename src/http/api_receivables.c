/*
 * api_receivables.c - the allowance for doubtful accounts, write-offs,
 * recoveries and DSO over HTTP (docs/billing.md), the same use cases as
 * `bloodops receivables rates|allowance|write-off|recover|dso`. Amounts are
 * strings of dollars, rates strings of percent ("2.50"). Its routes are
 * declared at the end of this file.
 */
#include <string.h>
#include "http/http.h"
#include "service/allowance.h"

static void rates_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_rates_get(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field rates_body[] = {
    {"current", FIELD_DECIMAL_TEXT, 0}, {"1-30", FIELD_DECIMAL_TEXT, 0},
    {"31-60", FIELD_DECIMAL_TEXT, 0},   {"61-90", FIELD_DECIMAL_TEXT, 0},
    {"91-120", FIELD_DECIMAL_TEXT, 0},  {"over-120", FIELD_DECIMAL_TEXT, 0}, {0}};

static void rates_set(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    const char *rates[AGING_BUCKET_COUNT];
    for (int b = 0; b < AGING_BUCKET_COUNT; b++)
        rates[b] = http_body_number_text(request, aging_bucket_name((aging_bucket)b));
    int rc = receivables_rates_set(&request->service, rates, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void allowance_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_allowance(&request->service, http_query(request, "date"), 0, NULL,
                                   &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field allowance_body[] = {
    {"date", FIELD_STRING, 1}, {"reason", FIELD_STRING, 1}, {0}};

static void allowance_post(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_allowance(&request->service, http_body_string(request, "date"), 1,
                                   http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static const http_field write_off_body[] = {
    {"date", FIELD_STRING, 1}, {"reason", FIELD_STRING, 1}, {0}};

static void write_off(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_write_off(&request->service, request->path_params[0],
                                   http_body_string(request, "date"),
                                   http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static const http_field recover_body[] = {
    {"date", FIELD_STRING, 1}, {"amount", FIELD_DECIMAL_TEXT, 1},
    {"reference", FIELD_STRING, 1}, {0}};

static void recover(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_recover(&request->service, request->path_params[0],
                                 http_body_string(request, "date"),
                                 http_body_number_text(request, "amount"),
                                 http_body_string(request, "reference"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void write_offs_of(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_write_offs_of(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void write_offs_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    write_off_filter filter = {.from = http_query(request, "from"), .to = http_query(request, "to")};
    int rc = http_query_page(request, &filter.page, &e) ||
             receivables_write_offs_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void dso(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_dso_of(&request->service, http_query(request, "period"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route receivables_routes[] = {
    {.method = "GET", .pattern = "/api/v1/receivables/rates", .handler = rates_show,
     .capability = CAPABILITY_BILLING, .response = "ReceivableRates",
     .summary = "The allowance's rate per aging bucket, in percent"},
    {.method = "POST", .pattern = "/api/v1/receivables/rates", .handler = rates_set,
     .capability = CAPABILITY_BILLING_WRITE, .body = rates_body, .response = "ReceivableRates",
     .summary = "Set the allowance's rates of the buckets given"},
    {.method = "GET", .pattern = "/api/v1/receivables/allowance", .handler = allowance_show,
     .capability = CAPABILITY_BILLING, .query = "date", .response = "Allowance",
     .summary = "The allowance the aging requires at a date and the adjusting entry"},
    {.method = "POST", .pattern = "/api/v1/receivables/allowance", .handler = allowance_post,
     .capability = CAPABILITY_BILLING_WRITE, .body = allowance_body, .response = "Allowance",
     .status = 201, .summary = "Post the allowance's adjusting entry under a reason"},
    {.method = "POST", .pattern = "/api/v1/invoices/{id}/write-off", .handler = write_off,
     .capability = CAPABILITY_BILLING_WRITE, .body = write_off_body, .response = "WriteOffs",
     .status = 201, .summary = "Write off what is open on an invoice"},
    {.method = "POST", .pattern = "/api/v1/invoices/{id}/recover", .handler = recover,
     .capability = CAPABILITY_BILLING_WRITE, .body = recover_body, .response = "WriteOffs",
     .status = 201, .summary = "Cash received on a written-off invoice"},
    {.method = "GET", .pattern = "/api/v1/invoices/{id}/write-offs", .handler = write_offs_of,
     .capability = CAPABILITY_BILLING, .response = "WriteOffs",
     .summary = "An invoice's write-offs and the recoveries on them"},
    {.method = "GET", .pattern = "/api/v1/receivables/write-offs", .handler = write_offs_list,
     .capability = CAPABILITY_BILLING, .query = "from,to,limit,after,sort,offset",
     .response = "WriteOffList",
     .summary = "Every write-off dated in a range, newest first"},
    {.method = "GET", .pattern = "/api/v1/receivables/dso", .handler = dso,
     .capability = CAPABILITY_BILLING, .query = "period", .response = "Dso",
     .summary = "Days sales outstanding of a period, net of the allowance"},
    {0},
};

const http_module http_module_receivables = {
    .name = "receivables", .area = AREA_FINANCE, .routes = receivables_routes};
