/*
 * billing_documents.h - the printable documents of billing
 * (docs/billing.md, "Documents"): an invoice and a customer statement, as
 * text, HTML or PDF, carrying the company's name. Read-only: they read
 * what billing.h answers (invoice_get, customer_get,
 * customer_statement_read) and hand it to the documents layer
 * (documents/billing_document.h).
 */
#ifndef BLOODOPS_SERVICE_BILLING_DOCUMENTS_H
#define BLOODOPS_SERVICE_BILLING_DOCUMENTS_H

#include "documents/billing_document.h"
#include "service/service.h"

/* The invoice `invoice` (id or number) in `format` ("text", NULL, "html"
 * or "pdf"; another is refused naming "format"), appended to *out; the
 * format chosen in *chosen. */
int invoice_document_get(service_context *ctx, const char *invoice, const char *format,
                         buffer *out, document_format *chosen, err *e);

/* The statement of customer `code` at `date` (required), aged by `by`
 * ("due", NULL, or "invoice"): its open documents and their buckets, and
 * its cash not applied at that date as a credit with the net balance. */
int customer_statement(service_context *ctx, const char *code, const char *date, const char *by,
                       const char *format, buffer *out, document_format *chosen, err *e);

#endif
