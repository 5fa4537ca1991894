/*
 * billing_document.h - the printable documents of billing
 * (docs/billing.md, "Documents"): an invoice (its number and dates, the
 * customer and billing address, its lines and total, the credits and
 * payments applied to it, what was written off and what is still open)
 * and a customer statement
 * (the customer's open documents at a date, its unapplied cash as a credit
 * and the net balance, and the aging), each as plain
 * text, as an HTML page or as a PDF (the text set on pages,
 * documents/pdf.h). The tables go through the table writer
 * (documents/table.h).
 *
 * Pure: the documents come as plain values, filled by the service from
 * what it reads (service/billing_documents.c); amounts are dollar text as
 * the API answers them ("1234.56"); a text that is NULL prints as "-".
 */
#ifndef BLOODOPS_DOCUMENTS_BILLING_DOCUMENT_H
#define BLOODOPS_DOCUMENTS_BILLING_DOCUMENT_H

#include <stddef.h>
#include "base/buffer.h"
#include "base/error.h"
#include "documents/document_format.h"

/* Who is billed: its name and code, and its billing address (lines
 * separated by "\n"). */
typedef struct {
    const char *code, *name, *address;
} billing_document_party;

typedef struct {
    const char *description, *quantity, *price, *amount, *account;
} invoice_document_line;

/* A credit memo or a payment applied to the invoice. */
typedef struct {
    const char *date, *reference, *note, *amount; /* note: a credit's reason */
    const char *undone_date;                      /* an application undone: when; else NULL */
} invoice_document_reduction;

typedef struct {
    const char *number; /* NULL: a draft */
    const char *date, *due_date, *terms_days;
    billing_document_party customer;
    const invoice_document_line *lines;
    size_t line_count;
    const invoice_document_reduction *credits;
    size_t credit_count;
    const invoice_document_reduction *payments;
    size_t payment_count;
    const char *total, *open;
    const char *written_off; /* what write-offs took off what was open; NULL: none */
    const char *company;     /* who issues it; NULL or "": none */
} invoice_document;

/* One open document of a statement: "invoice" or "credit". */
typedef struct {
    const char *type, *number, *date, *due_date, *open, *bucket;
    long long days;
} statement_document_item;

/* A payment whose cash is not applied at the statement's date, laid out as
 * the invoice's credits are: its date, its number as `reference`, its own
 * reference as `note`, that cash as a credit (`amount` "-50.00"); no
 * undone_date. */
typedef invoice_document_reduction statement_unapplied_item;

enum { STATEMENT_BUCKETS = 6 };
/* The buckets' names in order: "current", "1-30" ... "over-120". */
extern const char *const statement_bucket_names[STATEMENT_BUCKETS];

typedef struct {
    const char *date; /* the statement's date */
    const char *by;   /* "due" or "invoice": what the days count from */
    billing_document_party customer;
    const statement_document_item *items;
    size_t item_count;
    const char *buckets[STATEMENT_BUCKETS]; /* in the order of statement_bucket_names */
    const char *total;
    /* The customer's unapplied cash at the date (none: no count), its
     * total as a credit and the net balance: total plus that credit. */
    const statement_unapplied_item *unapplied;
    size_t unapplied_count;
    const char *unapplied_total, *balance;
    const char *company;
} statement_document;

/* Append the document to *out. ERR_INTERNAL when cairo fails (PDF). */
int invoice_document_render(const invoice_document *invoice, document_format format,
                            buffer *out, err *e);
int statement_document_render(const statement_document *statement,
                              document_format format, buffer *out, err *e);

#endif
