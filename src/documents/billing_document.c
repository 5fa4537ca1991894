/*
 * billing_document.c - the invoice and the customer statement
 * (billing_document.h): a block of facts (who is billed, the dates), then
 * plain tables of the table writer (the lines, the credits, the payments;
 * the open documents, the unapplied cash and the net balance, the aging),
 * in text with capitals for the headings, in HTML with an <h2> for each;
 * the PDF is the text set on pages.
 */
#include "documents/billing_document.h"

#include <stdio.h>
#include <string.h>

#include "documents/pdf.h"
#include "documents/table.h"

const char *const statement_bucket_names[STATEMENT_BUCKETS] = {
    "current", "1-30", "31-60", "61-90", "91-120", "over-120"};

static const char *shown(const char *text)
{
    return text && *text ? text : "-";
}

/* Text heads are capitals, HTML heads are words. */
static const char *head(table_format format, const char *text_head, const char *html_head)
{
    return format == TABLE_HTML ? html_head : text_head;
}

static void html_escaped(buffer *out, const char *text)
{
    buffer_append_markup(out, text, strlen(text));
}

/* A heading: in text a line of capitals before the table (the table's
 * caption), in HTML an <h2>. */
static const char *heading(table_format format, buffer *out, const char *text, const char *html)
{
    if (format == TABLE_HTML) {
        buffer_printf(out, "<h2>%s</h2>\n", html);
        return NULL;
    }
    return text;
}

/* --- the facts: who is billed, then dated facts ------------------------------- */

typedef struct {
    const char *label, *value;
} fact;

/* The party as rows: its name and code, then one row per address line. */
static void party_rows(table *t, const char *label, const billing_document_party *party)
{
    char name[512];
    snprintf(name, sizeof name, "%s (%s)", shown(party->name), shown(party->code));
    table_row(t, (const char *[]){label, name});
    const char *line = party->address ? party->address : "";
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        char text[512];
        snprintf(text, sizeof text, "%.*s", (int)length, line);
        if (length)
            table_row(t, (const char *[]){"", text});
        line += length + (end ? 1 : 0);
    }
}

static void facts_table(table_format format, buffer *out, const char *party_label,
                        const billing_document_party *party, const fact *facts, size_t count)
{
    table t;
    table_init(&t, out, format, TABLE_STUB);
    table_add_column(&t, NULL, 14, TABLE_LEFT);
    table_add_column(&t, NULL, 0, TABLE_LEFT);
    table_begin(&t, NULL, NULL);
    party_rows(&t, party_label, party);
    for (size_t i = 0; i < count; i++)
        table_row(&t, (const char *[]){facts[i].label, shown(facts[i].value)});
    table_end(&t);
}

/* The title line and the company: text "INVOICE 2004-000001\nCompany\n\n",
 * HTML the page's head, an <h1> and a paragraph. */
static void document_begin(table_format format, buffer *out, const char *title_text,
                           const char *title, const char *company)
{
    if (format != TABLE_HTML) {
        buffer_printf(out, "%s\n", title_text);
        if (company && *company)
            buffer_printf(out, "%s\n", company);
        buffer_append_char(out, '\n');
        return;
    }
    buffer_append_text(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                            "<title>");
    html_escaped(out, title);
    buffer_append_text(out, "</title><style>"
                            "body{font:11pt sans-serif;margin:15mm;max-width:180mm}"
                            "table{border-collapse:collapse;margin:0 0 1em}"
                            "th,td{border:1px solid #999;padding:2px 6px;text-align:left}"
                            "td.amount{text-align:right}.total td{font-weight:bold}"
                            "</style></head><body>\n<h1>");
    html_escaped(out, title);
    buffer_append_text(out, "</h1>\n");
    if (company && *company) {
        buffer_append_text(out, "<p class=\"company\">");
        html_escaped(out, company);
        buffer_append_text(out, "</p>\n");
    }
}

static void document_end(table_format format, buffer *out)
{
    if (format == TABLE_HTML)
        buffer_append_text(out, "</body></html>\n");
}

/* --- the invoice ----------------------------------------------------------------- */

static const char *const amount_classes[] = {NULL, NULL, "amount", "amount", "amount"};

static void lines_table(const invoice_document *d, table_format format, buffer *out)
{
    table t;
    table_init(&t, out, format, 0);
    table_add_column(&t, head(format, "DESCRIPTION", "Description"), 36, TABLE_LEFT);
    table_add_column(&t, head(format, "ACCOUNT", "Account"), 7, TABLE_LEFT);
    table_add_column(&t, head(format, "QUANTITY", "Quantity"), 8, TABLE_RIGHT);
    table_add_column(&t, head(format, "PRICE", "Price"), 12, TABLE_RIGHT);
    table_add_column(&t, head(format, "AMOUNT", "Amount"), 12, TABLE_RIGHT);
    table_begin(&t, heading(format, out, "LINES", "Lines"), NULL);
    for (size_t i = 0; i < d->line_count; i++) {
        const invoice_document_line *l = &d->lines[i];
        table_row_marked(&t,
                         (const char *[]){shown(l->description), shown(l->account),
                                          shown(l->quantity), shown(l->price), shown(l->amount)},
                         amount_classes, 0);
    }
    table_row_marked(&t, (const char *[]){head(format, "TOTAL", "Total"), "", "", "",
                                          shown(d->total)},
                     amount_classes, 1);
    table_end(&t);
}

/* Credits, payments or unapplied cash: date, reference, note, amount,
 * and a total row when `total` is not NULL. */
static void reductions_table(const invoice_document_reduction *rows, size_t count,
                             const char *total, table_format format, buffer *out,
                             const char *text_heading, const char *html_heading,
                             const char *reference_head)
{
    static const char *const classes[] = {NULL, NULL, NULL, "amount"};
    if (count == 0)
        return;
    if (format != TABLE_HTML)
        buffer_append_char(out, '\n');
    table t;
    table_init(&t, out, format, 0);
    table_add_column(&t, head(format, "DATE", "Date"), 10, TABLE_LEFT);
    table_add_column(&t, reference_head, 10, TABLE_LEFT);
    table_add_column(&t, head(format, "NOTE", "Note"), 38, TABLE_LEFT);
    table_add_column(&t, head(format, "AMOUNT", "Amount"), 12, TABLE_RIGHT);
    table_begin(&t, heading(format, out, text_heading, html_heading), NULL);
    for (size_t i = 0; i < count; i++) {
        const invoice_document_reduction *r = &rows[i];
        char note[600];
        if (r->undone_date)
            snprintf(note, sizeof note, "undone %s%s%s", r->undone_date,
                     r->note && *r->note ? ": " : "", r->note ? r->note : "");
        else
            snprintf(note, sizeof note, "%s", r->note ? r->note : "");
        table_row_marked(&t,
                         (const char *[]){shown(r->date), shown(r->reference), note,
                                          shown(r->amount)},
                         classes, 0);
    }
    if (total)
        table_row_marked(&t, (const char *[]){head(format, "TOTAL", "Total"), "", "", total},
                         classes, 1);
    table_end(&t);
}

static void render_invoice(const invoice_document *d, table_format format, buffer *out)
{
    char title[64], title_text[64], due[64];
    if (d->number) {
        snprintf(title, sizeof title, "Invoice %s", d->number);
        snprintf(title_text, sizeof title_text, "INVOICE %s", d->number);
    } else {
        snprintf(title, sizeof title, "Draft invoice");
        snprintf(title_text, sizeof title_text, "DRAFT INVOICE (not issued)");
    }
    snprintf(due, sizeof due, "%s (%s days)", shown(d->due_date), shown(d->terms_days));
    document_begin(format, out, title_text, title, d->company);
    const fact facts[] = {{"Invoice date", d->date}, {"Due date", due}};
    facts_table(format, out, "Bill to", &d->customer, facts, 2);
    if (format != TABLE_HTML)
        buffer_append_char(out, '\n');
    lines_table(d, format, out);
    reductions_table(d->credits, d->credit_count, NULL, format, out, "CREDIT MEMOS", "Credit memos",
                     head(format, "MEMO", "Credit memo"));
    reductions_table(d->payments, d->payment_count, NULL, format, out, "PAYMENTS APPLIED",
                     "Payments applied", head(format, "PAYMENT", "Payment"));
    if (format == TABLE_HTML) {
        if (d->written_off) {
            buffer_append_text(out, "<p class=\"written-off\">Written off: ");
            html_escaped(out, d->written_off);
            buffer_append_text(out, "</p>\n");
        }
        buffer_append_text(out, "<p class=\"open\"><strong>Open: ");
        html_escaped(out, shown(d->open));
        buffer_append_text(out, "</strong></p>\n");
    } else {
        buffer_append_char(out, '\n');
        if (d->written_off)
            buffer_printf(out, "WRITTEN OFF %*s\n", 67, d->written_off);
        buffer_printf(out, "OPEN %*s\n", 74, shown(d->open));
    }
    document_end(format, out);
}

/* --- the statement ----------------------------------------------------------------- */

static void items_table(const statement_document *d, table_format format, buffer *out)
{
    table t;
    table_init(&t, out, format, 0);
    table_add_column(&t, head(format, "TYPE", "Type"), 7, TABLE_LEFT);
    table_add_column(&t, head(format, "NUMBER", "Number"), 11, TABLE_LEFT);
    table_add_column(&t, head(format, "DATE", "Date"), 10, TABLE_LEFT);
    table_add_column(&t, head(format, "DUE", "Due"), 10, TABLE_LEFT);
    table_add_column(&t, head(format, "DAYS", "Days"), 5, TABLE_RIGHT);
    table_add_column(&t, head(format, "BUCKET", "Bucket"), 9, TABLE_LEFT);
    table_add_column(&t, head(format, "OPEN", "Open"), 12, TABLE_RIGHT);
    table_begin(&t, heading(format, out, "OPEN DOCUMENTS", "Open documents"), NULL);
    static const char *const classes[] = {NULL, NULL, NULL, NULL, "amount", NULL, "amount"};
    for (size_t i = 0; i < d->item_count; i++) {
        const statement_document_item *item = &d->items[i];
        char days[24];
        snprintf(days, sizeof days, "%lld", item->days);
        table_row_marked(&t,
                         (const char *[]){shown(item->type), shown(item->number),
                                          shown(item->date), shown(item->due_date), days,
                                          shown(item->bucket), shown(item->open)},
                         classes, 0);
    }
    table_row_marked(&t, (const char *[]){head(format, "TOTAL", "Total"), "", "", "", "", "",
                                          shown(d->total)},
                     classes, 1);
    table_end(&t);
}

static void aging_table(const statement_document *d, table_format format, buffer *out)
{
    static const char *const text_heads[STATEMENT_BUCKETS] = {"CURRENT", "1-30",   "31-60",
                                                              "61-90",   "91-120", "OVER 120"};
    static const char *const html_heads[STATEMENT_BUCKETS] = {"Current", "1-30",   "31-60",
                                                              "61-90",   "91-120", "Over 120"};
    table t;
    table_init(&t, out, format, 0);
    const char *cells[STATEMENT_BUCKETS + 1], *classes[STATEMENT_BUCKETS + 1];
    for (size_t i = 0; i < STATEMENT_BUCKETS; i++) {
        table_add_column(&t, head(format, text_heads[i], html_heads[i]), 11, TABLE_RIGHT);
        cells[i] = shown(d->buckets[i]);
        classes[i] = "amount";
    }
    table_add_column(&t, head(format, "TOTAL", "Total"), 12, TABLE_RIGHT);
    cells[STATEMENT_BUCKETS] = shown(d->total);
    classes[STATEMENT_BUCKETS] = "amount";
    table_begin(&t, heading(format, out, "AGING", "Aging"), NULL);
    table_row_marked(&t, cells, classes, 0);
    table_end(&t);
}

/* The payments whose cash is not applied, as credits, their total, and
 * the net balance: what is open less that cash. */
static void unapplied_table(const statement_document *d, table_format format, buffer *out)
{
    reductions_table(d->unapplied, d->unapplied_count, shown(d->unapplied_total), format, out,
                     "UNAPPLIED CASH", "Unapplied cash", head(format, "PAYMENT", "Payment"));
    if (format == TABLE_HTML) {
        buffer_append_text(out, "<p class=\"balance\"><strong>Net balance: ");
        html_escaped(out, shown(d->balance));
        buffer_append_text(out, "</strong> (what is open less the unapplied cash)</p>\n");
    } else {
        buffer_printf(out, "\nNET BALANCE %*s\n", 61, shown(d->balance));
    }
}

static void render_statement(const statement_document *d, table_format format, buffer *out)
{
    char title[64];
    snprintf(title, sizeof title, "Statement at %s", shown(d->date));
    document_begin(format, out, "STATEMENT OF ACCOUNT", title, d->company);
    const char *by = d->by && strcmp(d->by, "invoice") == 0 ? "invoice date" : "due date";
    const fact facts[] = {{"Date", d->date}, {"Aged by", by}};
    facts_table(format, out, "Customer", &d->customer, facts, 2);
    if (format != TABLE_HTML)
        buffer_append_char(out, '\n');
    items_table(d, format, out);
    if (d->item_count == 0 && d->unapplied_count == 0)
        buffer_append_text(out, format == TABLE_HTML ? "<p>Nothing is open.</p>\n"
                                                     : "(nothing is open)\n");
    else if (d->item_count == 0)
        buffer_append_text(out, format == TABLE_HTML ? "<p>No invoice or credit is open.</p>\n"
                                                     : "(no invoice or credit is open)\n");
    if (d->unapplied_count)
        unapplied_table(d, format, out);
    if (format != TABLE_HTML)
        buffer_append_char(out, '\n');
    aging_table(d, format, out);
    document_end(format, out);
}

/* --- the interface ------------------------------------------------------------------ */

typedef void (*renderer)(const void *document, table_format format, buffer *out);

static int render(const void *document, renderer draw, const char *title, const char *company,
                  document_format format, buffer *out, err *e)
{
    if (format != DOCUMENT_PDF) {
        draw(document, format == DOCUMENT_HTML ? TABLE_HTML : TABLE_TEXT, out);
        return 0;
    }
    buffer text = BUFFER_INIT;
    draw(document, TABLE_TEXT, &text);
    int rc = pdf_from_text(title, company, buffer_text(&text), out, e);
    buffer_free(&text);
    return rc;
}

static void draw_invoice(const void *document, table_format format, buffer *out)
{
    render_invoice(document, format, out);
}

static void draw_statement(const void *document, table_format format, buffer *out)
{
    render_statement(document, format, out);
}

int invoice_document_render(const invoice_document *invoice, document_format format,
                            buffer *out, err *e)
{
    char title[64] = "Draft invoice";
    if (invoice->number)
        snprintf(title, sizeof title, "Invoice %s", invoice->number);
    return render(invoice, draw_invoice, title, invoice->company, format, out, e);
}

int statement_document_render(const statement_document *statement,
                              document_format format, buffer *out, err *e)
{
    char title[160];
    snprintf(title, sizeof title, "Statement of %s at %s", shown(statement->customer.code),
             shown(statement->date));
    return render(statement, draw_statement, title, statement->company, format, out, e);
}
