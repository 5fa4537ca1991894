/*
 * api_contracts.c - hospitals' supply contracts over HTTP
 * (docs/distribution.md), the same use cases as `bloodops contract
 * add|price|surcharge|renew|list|show|quote`. Prices are strings of
 * dollars, percents strings ("2.50"). Every POST takes an Idempotency-Key
 * (router.c). Its routes are declared at the end of this file.
 */
#include <string.h>
#include "http/http.h"
#include "service/contract.h"

static void contracts_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    contract_filter filter = {.hospital = http_query(request, "hospital")};
    int rc = http_query_page(request, &filter.page, &e) ||
             contract_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field contract_body[] = {
    {"hospital", FIELD_STRING, 1},         {"from", FIELD_STRING, 1},
    {"to", FIELD_STRING, 0},               {"return_days", FIELD_INTEGER_TEXT, 0},
    {"return_credit", FIELD_DECIMAL_TEXT, 0}, {0}};

static void contracts_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    contract_input in = {
        .hospital = http_body_string(request, "hospital"),
        .from = http_body_string(request, "from"),
        .to = http_body_string(request, "to"),
        .return_days = http_body_number_text(request, "return_days"),
        .return_credit = http_body_number_text(request, "return_credit"),
    };
    int rc = contract_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void contracts_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = contract_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field price_body[] = {
    {"product", FIELD_STRING, 0}, {"family", FIELD_STRING, 0},
    {"price", FIELD_DECIMAL_TEXT, 1}, {0}};

static void contracts_price(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = contract_price_set(&request->service, request->path_params[0],
                                http_body_string(request, "product"),
                                http_body_string(request, "family"),
                                http_body_number_text(request, "price"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field surcharge_body[] = {
    {"kind", FIELD_STRING, 1}, {"price", FIELD_DECIMAL_TEXT, 1}, {0}};

static void contracts_surcharge(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = contract_surcharge_set(&request->service, request->path_params[0],
                                    http_body_string(request, "kind"),
                                    http_body_number_text(request, "price"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field renew_body[] = {
    {"from", FIELD_STRING, 1}, {"increase", FIELD_DECIMAL_TEXT, 0}, {0}};

static void contracts_renew(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = contract_renew(&request->service, request->path_params[0],
                            http_body_string(request, "from"),
                            http_body_number_text(request, "increase"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

/* A yes/no query parameter: absent, "false" or "0" is no, "true" or "1"
 * yes; anything else is refused naming it. */
static int query_flag(http_request *request, const char *name, int *out, err *e)
{
    const char *value = http_query(request, name);
    *out = 0;
    if (!value || !*value || strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
        return 0;
    if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
        *out = 1;
        return 0;
    }
    return err_set(e, ERR_INVALID, name, "must be true or false");
}

static void contracts_quote(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    contract_quote_input in = {
        .hospital = http_query(request, "hospital"),
        .date = http_query(request, "date"),
        .product = http_query(request, "product"),
    };
    int rc = query_flag(request, "washed", &in.washed, &e) ||
             query_flag(request, "stat", &in.stat, &e) ||
             query_flag(request, "after_hours", &in.after_hours, &e) ||
             contract_quote(&request->service, &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route contracts_routes[] = {
    {.method = "GET", .pattern = "/api/v1/contracts", .handler = contracts_list,
     .capability = CAPABILITY_CONTRACTS, .query = "hospital,limit,after,sort,offset",
     .response = "ContractList", .summary = "Supply contract versions, by hospital"},
    {.method = "POST", .pattern = "/api/v1/contracts", .handler = contracts_add,
     .capability = CAPABILITY_CONTRACTS_WRITE, .body = contract_body, .response = "Contract",
     .status = 201, .summary = "A new version of a hospital's supply contract"},
    {.method = "GET", .pattern = "/api/v1/contracts/in-force", .handler = contracts_quote,
     .capability = CAPABILITY_CONTRACTS,
     .query = "hospital,date,product,washed,stat,after_hours", .response = "ContractQuote",
     .summary = "The version in force on a day, and a product's price under it"},
    {.method = "GET", .pattern = "/api/v1/contracts/{id}", .handler = contracts_show,
     .capability = CAPABILITY_CONTRACTS, .response = "Contract",
     .summary = "A contract version with its prices and surcharges"},
    {.method = "POST", .pattern = "/api/v1/contracts/{id}/prices", .handler = contracts_price,
     .capability = CAPABILITY_CONTRACTS_WRITE, .body = price_body, .response = "Contract",
     .summary = "Set the price of a product code or of a family"},
    {.method = "POST", .pattern = "/api/v1/contracts/{id}/surcharges",
     .handler = contracts_surcharge, .capability = CAPABILITY_CONTRACTS_WRITE,
     .body = surcharge_body, .response = "Contract", .summary = "Set a surcharge"},
    {.method = "POST", .pattern = "/api/v1/contracts/{id}/renewals", .handler = contracts_renew,
     .capability = CAPABILITY_CONTRACTS_WRITE, .body = renew_body, .response = "Contract",
     .status = 201, .summary = "Renew as a new version, prices raised by a percentage"},
    {0},
};

const http_module http_module_contracts = {
    .name = "contracts", .area = AREA_DISTRIBUTION, .routes = contracts_routes};
