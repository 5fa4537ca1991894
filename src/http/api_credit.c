/*
 * api_credit.c - the line of credit and its covenants over HTTP
 * (service/covenant.h), the same use cases as `bloodops credit ...`:
 * read with the reports capability, changed with ledger.write. The
 * quarterly report (/api/v1/reports/quarterly) judges the covenants. Its
 * routes are declared at the end of this file.
 */
#include "http/http.h"
#include "service/covenant.h"

static void line_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = credit_line_get(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field line_body[] = {{"lender", FIELD_STRING, 1},
                                       {"limit", FIELD_STRING, 1},
                                       {"from", FIELD_STRING, 1},
                                       {"to", FIELD_STRING, 1},
                                       {0}};

static void line_set(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    credit_line_input in = {.lender = http_body_string(request, "lender"),
                            .limit = http_body_string(request, "limit"),
                            .from = http_body_string(request, "from"),
                            .to = http_body_string(request, "to")};
    int rc = credit_line_set(&request->service, &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field extend_body[] = {
    {"to", FIELD_STRING, 1}, {"agreed", FIELD_STRING, 1}, {"note", FIELD_STRING, 0}, {0}};

static void line_extend(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    credit_extension_input in = {.to = http_body_string(request, "to"),
                                 .agreed = http_body_string(request, "agreed"),
                                 .note = http_body_string(request, "note")};
    int rc = credit_line_extend(&request->service, &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void covenants_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = covenant_list(&request->service, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field covenant_body[] = {
    {"kind", FIELD_STRING, 1}, {"threshold", FIELD_STRING, 1}, {"from", FIELD_STRING, 1}, {0}};

static void covenants_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    covenant_input in = {.kind = http_body_string(request, "kind"),
                         .threshold = http_body_string(request, "threshold"),
                         .from = http_body_string(request, "from")};
    int rc = covenant_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static const http_field end_body[] = {{"to", FIELD_STRING, 1}, {0}};

static void covenants_end(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = covenant_end(&request->service, request->path_params[0],
                          http_body_string(request, "to"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route credit_routes[] = {
    {.method = "GET", .pattern = "/api/v1/credit-line", .handler = line_show,
     .capability = CAPABILITY_REPORTS, .response = "CreditLine",
     .summary = "The line of credit: lender, limit, term and its extensions"},
    {.method = "PUT", .pattern = "/api/v1/credit-line", .handler = line_set,
     .capability = CAPABILITY_LEDGER_WRITE, .body = line_body, .response = "CreditLine",
     .summary = "Set the line of credit: lender, limit (dollars), from and to dates"},
    {.method = "POST", .pattern = "/api/v1/credit-line/extend", .handler = line_extend,
     .capability = CAPABILITY_LEDGER_WRITE, .body = extend_body, .response = "CreditLine",
     .summary = "Extend the line's term to a later end, as agreed on a date"},
    {.method = "GET", .pattern = "/api/v1/covenants", .handler = covenants_list,
     .capability = CAPABILITY_REPORTS, .response = "CovenantList",
     .summary = "The covenants of the line of credit, ended ones too"},
    {.method = "POST", .pattern = "/api/v1/covenants", .handler = covenants_add,
     .capability = CAPABILITY_LEDGER_WRITE, .body = covenant_body, .response = "Covenant",
     .status = 201, .summary = "Add a covenant: kind, threshold and the day it takes effect"},
    {.method = "POST", .pattern = "/api/v1/covenants/{id}/end", .handler = covenants_end,
     .capability = CAPABILITY_LEDGER_WRITE, .body = end_body, .response = "Covenant",
     .summary = "End a covenant: the last day it is in force"},
    {0},
};

const http_module http_module_credit = {
    .name = "credit", .area = AREA_FINANCE, .routes = credit_routes};
