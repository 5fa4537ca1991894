/*
 * billing_documents.c - the invoice and the customer statement as
 * documents (billing_documents.h): what billing.c answers as JSON, turned
 * into the plain values of documents/billing_document.h, with the
 * company's name (service/company.h).
 */
#include "service/billing_documents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/money.h"
#include "service/billing.h"
#include "service/company.h"

static const char *text_at(json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

static int format_take(const char *format, document_format *chosen, err *e)
{
    int parsed = document_format_parse(format);
    if (parsed < 0)
        return err_set(e, ERR_INVALID, "format", "must be text, html or pdf");
    *chosen = (document_format)parsed;
    return 0;
}

/* The customer `code` as the party of a document; *customer holds the JSON
 * the party's texts point into. */
static int party_read(service_context *ctx, const char *code, json_t **customer,
                      billing_document_party *party, err *e)
{
    if (customer_get(ctx, code, customer, e))
        return -1;
    *party = (billing_document_party){text_at(*customer, "code"), text_at(*customer, "name"),
                                      text_at(*customer, "billing_address")};
    return 0;
}

static void *rows_alloc(size_t count, size_t size)
{
    void *rows = calloc(count + 1, size);
    if (!rows)
        abort(); /* as buffer.c: nothing sensible to do without memory */
    return rows;
}

/* An amount of the invoice's JSON in cents (0 when it is not one). */
static int64_t cents_at(json_t *object, const char *key)
{
    int64_t cents = 0;
    err ignored;
    const char *text = text_at(object, key);
    if (!text || money_parse(text, &cents, key, &ignored))
        return 0;
    return cents;
}

/* What write-offs took off the invoice (docs/billing.md, "Write-offs and
 * recoveries"): its total less its credits, less the applications not
 * undone, less what is open; write-offs are the one other reduction, and a
 * recovery leaves what is open as it is. */
static int64_t written_off_cents(json_t *invoice)
{
    int64_t rest = cents_at(invoice, "total") - cents_at(invoice, "open");
    json_t *item;
    size_t i;
    json_array_foreach(json_object_get(invoice, "credits"), i, item)
        rest -= cents_at(item, "amount");
    json_array_foreach(json_object_get(invoice, "applications"), i, item)
        if (!text_at(item, "undone_date"))
            rest -= cents_at(item, "amount");
    return rest;
}

int invoice_document_get(service_context *ctx, const char *invoice, const char *format,
                         buffer *out, document_format *chosen, err *e)
{
    char company[COMPANY_NAME_MAX], terms[24];
    json_t *found = NULL, *customer = NULL;
    invoice_document d = {0};
    if (format_take(format, chosen, e) || invoice_get(ctx, invoice, &found, e))
        return -1;
    if (party_read(ctx, text_at(found, "customer"), &customer, &d.customer, e) ||
        company_name(ctx->db, company, e)) {
        json_decref(found);
        json_decref(customer);
        return -1;
    }
    json_t *lines = json_object_get(found, "lines"), *credits = json_object_get(found, "credits");
    json_t *applications = json_object_get(found, "applications"), *item;
    size_t i;
    invoice_document_line *rows = rows_alloc(json_array_size(lines), sizeof *rows);
    invoice_document_reduction *credit_rows = rows_alloc(json_array_size(credits), sizeof *credit_rows);
    invoice_document_reduction *payment_rows =
        rows_alloc(json_array_size(applications), sizeof *payment_rows);
    char(*references)[24] = rows_alloc(json_array_size(credits) + json_array_size(applications),
                                          sizeof *references);
    json_array_foreach(lines, i, item)
        rows[i] = (invoice_document_line){text_at(item, "description"), text_at(item, "quantity"),
                                          text_at(item, "price"), text_at(item, "amount"),
                                          text_at(item, "account")};
    size_t slot = 0;
    json_array_foreach(credits, i, item) {
        snprintf(references[slot], sizeof references[slot], "CM-%lld",
                 (long long)json_integer_value(json_object_get(item, "id")));
        credit_rows[i] = (invoice_document_reduction){text_at(item, "date"), references[slot++],
                                                      text_at(item, "reason"),
                                                      text_at(item, "amount"), NULL};
    }
    json_array_foreach(applications, i, item) {
        snprintf(references[slot], sizeof references[slot], "%lld",
                 (long long)json_integer_value(json_object_get(item, "payment")));
        payment_rows[i] = (invoice_document_reduction){
            text_at(item, "date"), references[slot++], text_at(item, "undo_reason"),
            text_at(item, "amount"), text_at(item, "undone_date")};
    }
    char written_off[MONEY_TEXT_MAX];
    int64_t off = written_off_cents(found);
    if (off > 0)
        d.written_off = money_format(off, MONEY_PLAIN, written_off, sizeof written_off);
    snprintf(terms, sizeof terms, "%lld",
             (long long)json_integer_value(json_object_get(found, "terms_days")));
    d.number = text_at(found, "number");
    d.date = text_at(found, "date");
    d.due_date = text_at(found, "due_date");
    d.terms_days = terms;
    d.lines = rows;
    d.line_count = json_array_size(lines);
    d.credits = credit_rows;
    d.credit_count = json_array_size(credits);
    d.payments = payment_rows;
    d.payment_count = json_array_size(applications);
    d.total = text_at(found, "total");
    d.open = text_at(found, "open");
    d.company = company;
    int rc = invoice_document_render(&d, *chosen, out, e);
    free(rows);
    free(credit_rows);
    free(payment_rows);
    free(references);
    json_decref(found);
    json_decref(customer);
    return rc;
}

/* The aging's entry of customer `code`, or NULL when nothing is open. */
static json_t *aging_entry(json_t *aging, const char *code)
{
    json_t *entry;
    size_t i;
    json_array_foreach(json_object_get(aging, "customers"), i, entry)
        if (strcmp(text_at(entry, "code"), code) == 0)
            return entry;
    return NULL;
}

int customer_statement(service_context *ctx, const char *code, const char *date, const char *by,
                       const char *format, buffer *out, document_format *chosen, err *e)
{
    char company[COMPANY_NAME_MAX];
    json_t *customer = NULL, *read = NULL;
    statement_document d = {0};
    if (format_take(format, chosen, e) || party_read(ctx, code, &customer, &d.customer, e))
        return -1;
    if (customer_statement_read(ctx, d.customer.code, date, by, &read, e) ||
        company_name(ctx->db, company, e)) {
        json_decref(customer);
        json_decref(read);
        return -1;
    }
    json_t *aging = json_object_get(read, "aging");
    json_t *entry = aging_entry(aging, d.customer.code);
    json_t *documents = json_object_get(entry, "documents"), *item;
    size_t i;
    statement_document_item *items = rows_alloc(json_array_size(documents), sizeof *items);
    json_array_foreach(documents, i, item)
        items[i] = (statement_document_item){
            text_at(item, "type"),     text_at(item, "number"), text_at(item, "date"),
            text_at(item, "due_date"), text_at(item, "open"),   text_at(item, "bucket"),
            (long long)json_integer_value(json_object_get(item, "days"))};
    json_t *buckets = json_object_get(entry, "buckets");
    for (size_t b = 0; b < STATEMENT_BUCKETS; b++) {
        const char *amount = text_at(buckets, statement_bucket_names[b]);
        d.buckets[b] = amount ? amount : "0.00";
    }
    /* The unapplied cash as credits, and the balance net of it. */
    json_t *payments = json_object_get(read, "unapplied");
    size_t count = json_array_size(payments);
    statement_unapplied_item *unapplied = rows_alloc(count, sizeof *unapplied);
    char(*texts)[2][MONEY_TEXT_MAX] = rows_alloc(count, sizeof *texts);
    json_array_foreach(payments, i, item) {
        snprintf(texts[i][0], MONEY_TEXT_MAX, "%lld",
                 (long long)json_integer_value(json_object_get(item, "payment")));
        money_format(-cents_at(item, "unapplied"), MONEY_PLAIN, texts[i][1], MONEY_TEXT_MAX);
        unapplied[i] = (statement_unapplied_item){text_at(item, "date"), texts[i][0],
                                                  text_at(item, "reference"), texts[i][1], NULL};
    }
    char unapplied_total[MONEY_TEXT_MAX], balance[MONEY_TEXT_MAX];
    int64_t credit = cents_at(read, "unapplied_total");
    d.date = text_at(aging, "date");
    d.by = text_at(aging, "by");
    d.items = items;
    d.item_count = json_array_size(documents);
    d.total = entry ? text_at(entry, "total") : "0.00";
    d.unapplied = unapplied;
    d.unapplied_count = count;
    d.unapplied_total = money_format(-credit, MONEY_PLAIN, unapplied_total, sizeof unapplied_total);
    d.balance = money_format(cents_at(entry, "total") - credit, MONEY_PLAIN, balance, sizeof balance);
    d.company = company;
    int rc = statement_document_render(&d, *chosen, out, e);
    free(items);
    free(unapplied);
    free(texts);
    json_decref(customer);
    json_decref(read);
    return rc;
}
