/*
 * api_billing_documents.c - the printable documents of billing over HTTP
 * (docs/billing.md, "Documents"): an invoice and a customer statement as
 * text, HTML or PDF (?format=text|html|pdf), the same documents as
 * `bloodops invoice pdf` and `bloodops customer statement`. Its routes are
 * declared at the end of this file.
 */
#include "http/http.h"
#include "service/billing_documents.h"

/* Answer a rendered document (or the error) in its content type. */
static void reply_document(http_response *response, int rc, buffer *out,
                           document_format format, err *e)
{
    if (rc) {
        buffer_free(out);
        http_reply_error(response, e);
        return;
    }
    const char *content_type = document_content_type(format);
    if (format == DOCUMENT_PDF) {
        size_t length = out->length;
        http_reply_bytes(response, 200, content_type, buffer_take(out), length);
    } else {
        http_reply_text(response, 200, content_type, buffer_take(out));
    }
}

static void invoice_document_show(http_request *request, http_response *response)
{
    err e;
    buffer out = BUFFER_INIT;
    document_format format = DOCUMENT_TEXT;
    int rc = invoice_document_get(&request->service, request->path_params[0],
                                  http_query(request, "format"), &out, &format, &e);
    reply_document(response, rc, &out, format, &e);
}

static void statement(http_request *request, http_response *response)
{
    err e;
    buffer out = BUFFER_INIT;
    document_format format = DOCUMENT_TEXT;
    int rc = customer_statement(&request->service, request->path_params[0],
                                http_query(request, "date"), http_query(request, "by"),
                                http_query(request, "format"), &out, &format, &e);
    reply_document(response, rc, &out, format, &e);
}

static const http_route billing_document_routes[] = {
    {.method = "GET", .pattern = "/api/v1/invoices/{id}/document", .handler = invoice_document_show,
     .capability = CAPABILITY_BILLING, .query = "format",
     .produces = "text/plain,text/html,application/pdf",
     .summary = "An invoice (id or number) as text, HTML or PDF"},
    {.method = "GET", .pattern = "/api/v1/customers/{code}/statement", .handler = statement,
     .capability = CAPABILITY_BILLING, .query = "date,by,format",
     .produces = "text/plain,text/html,application/pdf",
     .summary = "A customer's statement at a date: its open documents and their aging"},
    {0},
};

const http_module http_module_billing_documents = {
    .name = "billing_documents", .area = AREA_FINANCE, .routes = billing_document_routes};
