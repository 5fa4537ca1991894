/*
 * api_billing.c - billing and receivables over HTTP (docs/billing.md), the
 * same use cases as `bloodops customer|invoice|credit|payment|receivables`.
 * Amounts are strings of dollars ("150.00") so that no binary floating
 * point touches money. Every POST takes an Idempotency-Key (router.c).
 * Its routes, each with the capability it needs, are declared at the end of
 * this file.
 */
#include <string.h>
#include "http/http.h"
#include "service/billing.h"

/* --- customers ------------------------------------------------------------ */

static void customers_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    customer_filter filter = {.search = http_query(request, "q")};
    int rc = http_query_page(request, &filter.page, &e) ||
             customer_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field customer_body[] = {
    {"code", FIELD_STRING, 0},           {"name", FIELD_STRING, 0},
    {"market", FIELD_STRING, 0},         {"billing_address", FIELD_STRING, 0},
    {"billing_terms_days", FIELD_INTEGER_TEXT, 0}, {0}};

static void customer_input_read(http_request *request, customer_input *in)
{
    *in = (customer_input){
        .code = http_body_string(request, "code"),
        .name = http_body_string(request, "name"),
        .market = http_body_string(request, "market"),
        .billing_address = http_body_string(request, "billing_address"),
        .billing_terms_days = http_body_number_text(request, "billing_terms_days"),
    };
}

static void customers_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    customer_input in;
    customer_input_read(request, &in);
    int rc = customer_add(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void customers_edit(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    customer_input in;
    customer_input_read(request, &in);
    int rc = customer_edit(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void customers_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = customer_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- invoices -------------------------------------------------------------- */

static void invoices_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    invoice_filter filter = {
        .status = http_query(request, "status"),
        .customer = http_query(request, "customer"),
        .from = http_query(request, "from"),
        .to = http_query(request, "to"),
    };
    int rc = http_query_page(request, &filter.page, &e) ||
             invoice_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field invoice_create_body[] = {
    {"customer", FIELD_STRING, 1}, {"date", FIELD_STRING, 1}, {"terms", FIELD_INTEGER_TEXT, 0},
    {0}};

static void invoices_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = invoice_create(&request->service, http_body_string(request, "customer"),
                            http_body_string(request, "date"),
                            http_body_number_text(request, "terms"), &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void invoices_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = invoice_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field invoice_line_body[] = {
    {"description", FIELD_STRING, 1}, {"quantity", FIELD_DECIMAL_TEXT, 1},
    {"price", FIELD_STRING, 1},       {"account", FIELD_STRING, 1},
    {"center", FIELD_STRING, 0},      {0}};

static void invoices_line_add(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    invoice_line_input in = {
        .description = http_body_string(request, "description"),
        .quantity = http_body_number_text(request, "quantity"),
        .price = http_body_string(request, "price"),
        .account = http_body_string(request, "account"),
        .center = http_body_string(request, "center"),
    };
    int rc = invoice_line_add(&request->service, request->path_params[0], &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void invoices_line_remove(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = invoice_line_remove(&request->service, request->path_params[0],
                                 request->path_params[1], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field empty_body[] = {{0}};

static const http_field invoice_edit_body[] = {
    {"date", FIELD_STRING, 0}, {"terms", FIELD_INTEGER_TEXT, 0}, {0}};

static void invoices_edit(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = invoice_edit(&request->service, request->path_params[0],
                          http_body_string(request, "date"),
                          http_body_number_text(request, "terms"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void invoices_delete(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = invoice_delete(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void invoices_issue(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = invoice_issue(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- credits and payments ----------------------------------------------------- */

static const http_field credit_body[] = {
    {"invoice", FIELD_STRING, 0}, {"customer", FIELD_STRING, 0}, {"date", FIELD_STRING, 1},
    {"amount", FIELD_STRING, 1},  {"reason", FIELD_STRING, 1},   {"account", FIELD_STRING, 0},
    {"center", FIELD_STRING, 0},  {0}};

static void credits_create(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    credit_input in = {
        .invoice = http_body_string(request, "invoice"),
        .customer = http_body_string(request, "customer"),
        .date = http_body_string(request, "date"),
        .amount = http_body_string(request, "amount"),
        .reason = http_body_string(request, "reason"),
        .account = http_body_string(request, "account"),
        .center = http_body_string(request, "center"),
    };
    int rc = credit_create(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void credits_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    credit_filter filter = {
        .customer = http_query(request, "customer"),
        .invoice = http_query(request, "invoice"),
        .from = http_query(request, "from"),
        .to = http_query(request, "to"),
    };
    int rc = http_query_page(request, &filter.page, &e) ||
             credit_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static void payments_list(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    payment_filter filter = {
        .customer = http_query(request, "customer"),
        .from = http_query(request, "from"),
        .to = http_query(request, "to"),
        .unapplied = http_query(request, "unapplied"),
    };
    int rc = http_query_page(request, &filter.page, &e) ||
             payment_list(&request->service, &filter, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field application_fields[] = {
    {"invoice", FIELD_STRING, 1}, {"amount", FIELD_STRING, 1}, {0}};

/* The body's "applications" as service input, in the request's arena. */
static payment_application_input *applications_read(http_request *request, size_t *count)
{
    json_t *list = json_object_get(request->json, "applications");
    *count = json_array_size(list);
    payment_application_input *out =
        arena_alloc(request->arena, (*count ? *count : 1) * sizeof *out);
    for (size_t i = 0; i < *count; i++) {
        json_t *item = json_array_get(list, i);
        out[i] = (payment_application_input){
            .invoice = json_string_value(json_object_get(item, "invoice")),
            .amount = json_string_value(json_object_get(item, "amount")),
        };
    }
    return out;
}

static const http_field payment_body[] = {
    {"customer", FIELD_STRING, 1},  {"date", FIELD_STRING, 1},
    {"amount", FIELD_STRING, 1},    {"reference", FIELD_STRING, 1},
    {"method", FIELD_STRING, 0},    {"applications", FIELD_ARRAY, 0, application_fields},
    {0}};

static void payments_record(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    size_t count;
    payment_application_input *applications = applications_read(request, &count);
    payment_input in = {
        .customer = http_body_string(request, "customer"),
        .date = http_body_string(request, "date"),
        .amount = http_body_string(request, "amount"),
        .method = http_body_string(request, "method"),
        .reference = http_body_string(request, "reference"),
        .applications = applications,
        .application_count = count,
    };
    int rc = payment_record(&request->service, &in, &result, &e);
    http_reply_result(response, 201, rc, result, &e);
}

static void payments_show(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = payment_get(&request->service, request->path_params[0], &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field payment_apply_body[] = {
    {"date", FIELD_STRING, 1}, {"applications", FIELD_ARRAY, 1, application_fields}, {0}};

static void payments_apply(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    size_t count;
    payment_application_input *applications = applications_read(request, &count);
    int rc = payment_apply(&request->service, request->path_params[0],
                           http_body_string(request, "date"), applications, count, &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field unapply_body[] = {
    {"date", FIELD_STRING, 1}, {"reason", FIELD_STRING, 1}, {0}};

static void applications_undo(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = payment_unapply(&request->service, request->path_params[0],
                             http_body_string(request, "date"), http_body_string(request, "reason"),
                             &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

/* --- aging ------------------------------------------------------------------- */

static void aging(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = receivables_aging(&request->service, http_query(request, "date"),
                               http_query(request, "by"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route billing_routes[] = {
    {.method = "GET", .pattern = "/api/v1/customers", .handler = customers_list,
     .capability = CAPABILITY_BILLING, .query = "q,limit,after,sort,offset",
     .response = "CustomerList", .summary = "Customers, hospitals included"},
    {.method = "POST", .pattern = "/api/v1/customers", .handler = customers_add,
     .capability = CAPABILITY_BILLING_WRITE, .body = customer_body, .response = "Customer",
     .status = 201, .summary = "Add a customer that is not a hospital"},
    {.method = "GET", .pattern = "/api/v1/customers/{code}", .handler = customers_show,
     .capability = CAPABILITY_BILLING, .response = "Customer",
     .summary = "A customer with what is open and its unapplied cash"},
    {.method = "PATCH", .pattern = "/api/v1/customers/{code}", .handler = customers_edit,
     .capability = CAPABILITY_BILLING_WRITE, .body = customer_body, .response = "Customer",
     .summary = "Edit a customer that is not a hospital"},
    {.method = "GET", .pattern = "/api/v1/invoices", .handler = invoices_list,
     .capability = CAPABILITY_BILLING,
     .query = "status,customer,from,to,limit,after,sort,offset", .response = "InvoiceList",
     .summary = "Invoices, drafts and issued"},
    {.method = "POST", .pattern = "/api/v1/invoices", .handler = invoices_create,
     .capability = CAPABILITY_BILLING_WRITE, .body = invoice_create_body, .response = "Invoice",
     .status = 201, .summary = "Create a draft invoice"},
    {.method = "GET", .pattern = "/api/v1/invoices/{id}", .handler = invoices_show,
     .capability = CAPABILITY_BILLING, .response = "Invoice",
     .summary = "An invoice (id or number) with its lines, credits and applications"},
    {.method = "PATCH", .pattern = "/api/v1/invoices/{id}", .handler = invoices_edit,
     .capability = CAPABILITY_BILLING_WRITE, .body = invoice_edit_body, .response = "Invoice",
     .summary = "Change a draft's date or terms"},
    {.method = "POST", .pattern = "/api/v1/invoices/{id}/delete", .handler = invoices_delete,
     .capability = CAPABILITY_BILLING_WRITE, .body = empty_body, .response = "Invoice",
     .summary = "Delete a draft whose lines are all manual, with its lines"},
    {.method = "POST", .pattern = "/api/v1/invoices/{id}/lines", .handler = invoices_line_add,
     .capability = CAPABILITY_BILLING_WRITE, .body = invoice_line_body, .response = "Invoice",
     .status = 201, .summary = "Add a manual line to a draft"},
    {.method = "POST", .pattern = "/api/v1/invoices/{id}/lines/{line}/remove",
     .handler = invoices_line_remove, .capability = CAPABILITY_BILLING_WRITE,
     .body = empty_body, .response = "Invoice", .summary = "Remove a line from a draft"},
    {.method = "POST", .pattern = "/api/v1/invoices/{id}/issue", .handler = invoices_issue,
     .capability = CAPABILITY_BILLING_WRITE, .body = empty_body, .response = "Invoice",
     .summary = "Issue a draft: its number, due date and posting"},
    {.method = "GET", .pattern = "/api/v1/credits", .handler = credits_list,
     .capability = CAPABILITY_BILLING,
     .query = "customer,invoice,from,to,limit,after,sort,offset", .response = "CreditList",
     .summary = "Credit memos, against invoices and standalone"},
    {.method = "GET", .pattern = "/api/v1/payments", .handler = payments_list,
     .capability = CAPABILITY_BILLING,
     .query = "customer,from,to,unapplied,limit,after,sort,offset", .response = "PaymentList",
     .summary = "Payments with what is unapplied of each"},
    {.method = "POST", .pattern = "/api/v1/credits", .handler = credits_create,
     .capability = CAPABILITY_BILLING_WRITE, .body = credit_body, .response = "Credit",
     .status = 201, .summary = "A credit memo against an invoice or standalone"},
    {.method = "POST", .pattern = "/api/v1/payments", .handler = payments_record,
     .capability = CAPABILITY_BILLING_WRITE, .body = payment_body, .response = "Payment",
     .status = 201, .summary = "Record a payment and its applications"},
    {.method = "GET", .pattern = "/api/v1/payments/{id}", .handler = payments_show,
     .capability = CAPABILITY_BILLING, .response = "Payment",
     .summary = "A payment with its applications and unapplied cash"},
    {.method = "POST", .pattern = "/api/v1/payments/{id}/apply", .handler = payments_apply,
     .capability = CAPABILITY_BILLING_WRITE, .body = payment_apply_body, .response = "Payment",
     .summary = "Apply a payment's unapplied cash to invoices"},
    {.method = "POST", .pattern = "/api/v1/applications/{id}/undo", .handler = applications_undo,
     .capability = CAPABILITY_BILLING_WRITE, .body = unapply_body, .response = "Payment",
     .summary = "Undo an application: the money goes back to unapplied cash"},
    {.method = "GET", .pattern = "/api/v1/receivables/aging", .handler = aging,
     .capability = CAPABILITY_BILLING, .query = "date,by", .response = "Aging",
     .summary = "Open documents in aging buckets, tied to the receivables account"},
    {0},
};

const http_module http_module_billing = {
    .name = "billing", .area = AREA_FINANCE, .routes = billing_routes};
